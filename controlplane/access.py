"""One access helper per resource, shared by the API, the dashboard and the consumers.

Each returns the object or raises NotFound: another organization's objects are
indistinguishable from objects that do not exist.
"""

import uuid

from controlplane.errors import NotFound
from controlplane.models import (
    ControlPlane,
    DataPlaneNode,
    Membership,
    Organization,
    PersonalAccessToken,
    RegistrationToken,
    User,
    Webhook,
)


def get_membership(user: User, org: Organization | uuid.UUID | str) -> Membership:
    org_id = org.pk if isinstance(org, Organization) else org
    membership = (
        Membership.objects.select_related("organization")
        .filter(user=user, organization_id=_as_uuid(org_id))
        .first()
    )
    if membership is None:
        raise NotFound("organization not found")
    return membership


def get_control_plane(org: Organization, cp_id: object) -> ControlPlane:
    cp = ControlPlane.objects.filter(organization=org, pk=_as_uuid(cp_id)).first()
    if cp is None:
        raise NotFound("control plane not found")
    return cp


def get_node(cp: ControlPlane, node_id: object) -> DataPlaneNode:
    node = DataPlaneNode.objects.filter(control_plane=cp, pk=_as_uuid(node_id)).first()
    if node is None:
        raise NotFound("node not found")
    return node


def get_registration_token(cp: ControlPlane, token_id: object) -> RegistrationToken:
    token = RegistrationToken.objects.filter(control_plane=cp, pk=_as_uuid(token_id)).first()
    if token is None:
        raise NotFound("registration token not found")
    return token


def get_webhook(cp: ControlPlane, webhook_id: object) -> Webhook:
    hook = Webhook.objects.filter(control_plane=cp, pk=_as_uuid(webhook_id)).first()
    if hook is None:
        raise NotFound("webhook not found")
    return hook


def get_personal_access_token(membership: Membership, token_id: object) -> PersonalAccessToken:
    """One of the member's own tokens in the membership's organization."""
    token = PersonalAccessToken.objects.filter(
        user_id=membership.user_id,
        organization_id=membership.organization_id,
        pk=_as_uuid(token_id),
    ).first()
    if token is None:
        raise NotFound("token not found")
    return token


def _as_uuid(value: object) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise NotFound() from None
