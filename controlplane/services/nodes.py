"""Data-plane registration tokens and nodes: register, authenticate, revoke."""

from datetime import timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from controlplane import events, representations
from controlplane.errors import SchemaViolationError, Unauthorized
from controlplane.models import ControlPlane, DataPlaneNode, RegistrationToken, User
from controlplane.services.publisher import publish
from controlplane.services.secrets import (
    NODE_CREDENTIAL_PREFIX,
    REGISTRATION_PREFIX,
    display_prefix,
    hash_secret,
    new_secret,
)
from controlplane.services.tokens import MAX_EXPIRY_DAYS


def create_registration_token(
    cp: ControlPlane, *, name: str, created_by: User | None, expires_in_days: int | None = None
) -> tuple[RegistrationToken, str]:
    """Create a ``kdpr_`` token for ``cp``; the secret is returned only now."""
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise SchemaViolationError.single(
            "expires_in_days", f"value should be between 1 and {MAX_EXPIRY_DAYS}"
        )
    secret = new_secret(REGISTRATION_PREFIX)
    expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
    token = RegistrationToken.objects.create(
        control_plane=cp,
        name=(name or "registration token").strip()[:100],
        token_hash=hash_secret(secret),
        display_prefix=display_prefix(secret),
        created_by=created_by,
        expires_at=expires_at,
    )
    return token, secret


def revoke_registration_token(token: RegistrationToken) -> None:
    RegistrationToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=timezone.now())


def register_node(
    secret: str, *, name: str, hostname: str, labels: dict[str, str], version: str
) -> tuple[DataPlaneNode, str]:
    """Exchange a registration token for a new node and its own ``kdpn_`` credential."""
    token = (
        RegistrationToken.objects.select_related("control_plane")
        .filter(token_hash=hash_secret(secret))
        .first()
    )
    if token is None or not secret.startswith(REGISTRATION_PREFIX) or not token.is_active:
        raise Unauthorized("invalid, expired or revoked registration token")
    _check_node_fields(name, hostname, labels, version)
    credential = new_secret(NODE_CREDENTIAL_PREFIX)
    with transaction.atomic():
        node = DataPlaneNode.objects.create(
            control_plane=token.control_plane,
            name=name or hostname,
            hostname=hostname,
            labels=labels,
            version=version,
            credential_hash=hash_secret(credential),
        )
        transaction.on_commit(partial(announce_node, node))
    return node, credential


def authenticate_node(credential: str) -> DataPlaneNode | None:
    """The node holding ``credential``, revoked or not (the caller tells the two apart)."""
    if not credential.startswith(NODE_CREDENTIAL_PREFIX):
        return None
    return (
        DataPlaneNode.objects.select_related("control_plane")
        .filter(credential_hash=hash_secret(credential))
        .first()
    )


def revoke_node(node: DataPlaneNode) -> None:
    """Revoke a node: its connection is closed at once and its credential refused after.

    The row stays, marked revoked, so that a later attempt is told "revoked" rather than
    "unknown"; revoked nodes are no longer listed.
    """
    with transaction.atomic():
        DataPlaneNode.objects.filter(pk=node.pk, revoked_at=None).update(
            revoked_at=timezone.now(), connected=False
        )
        transaction.on_commit(partial(_disconnect, str(node.control_plane_id), str(node.pk)))


def _disconnect(cp_id: str, node_id: str) -> None:
    publish(events.sync_group(cp_id), events.sync_revoke(control_plane_id=cp_id, node_id=node_id))
    publish(
        events.live_group(cp_id),
        events.live_node(control_plane_id=cp_id, node={"id": node_id, "deleted": True}),
    )


def announce_node(node: DataPlaneNode) -> None:
    publish(
        events.live_group(node.control_plane_id),
        events.live_node(
            control_plane_id=str(node.control_plane_id), node=representations.node(node)
        ),
    )


def _check_node_fields(name: Any, hostname: Any, labels: Any, version: Any) -> None:
    for field, value in (("name", name), ("hostname", hostname), ("version", version)):
        if not isinstance(value, str) or len(value) > 200:
            raise SchemaViolationError.single(field, "expected a string of at most 200 characters")
    if not isinstance(labels, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in labels.items()
    ):
        raise SchemaViolationError.single("labels", "expected a map of strings to strings")
