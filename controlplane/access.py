"""One access helper per resource, shared by the API, the dashboard and the consumers.

Each returns the object or raises NotFound: another organization's objects are
indistinguishable from objects that do not exist.
"""

import uuid

from controlplane.errors import NotFound
from controlplane.models import ControlPlane, DataPlaneNode, Membership, Organization, User


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


def _as_uuid(value: object) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise NotFound() from None
