"""Data-plane registration tokens and nodes: register, authenticate, revoke."""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from controlplane.errors import SchemaViolationError, Unauthorized
from controlplane.models import (
    ActorKind,
    ControlPlane,
    DataPlaneNode,
    RegistrationToken,
    User,
)
from controlplane.secrets import (
    NODE_CREDENTIAL_PREFIX,
    REGISTRATION_PREFIX,
    display_prefix,
    hash_secret,
    new_secret,
)
from controlplane.services import audit
from controlplane.services.tokens import MAX_EXPIRY_DAYS
from controlplane.sync import announce

# One default for the API and the dashboard: a token nobody revokes still stops working soon.
DEFAULT_REGISTRATION_EXPIRY_DAYS = 1
MAX_REGISTRATION_USES = 10_000


@transaction.atomic
def create_registration_token(
    cp: ControlPlane,
    *,
    name: str,
    created_by: User | None,
    expires_in_days: int | None = None,
    max_uses: int | None = None,
) -> tuple[RegistrationToken, str]:
    """Create a ``kdpr_`` token for ``cp``; the secret is returned only now.

    The rule, stated the same in the API, the dashboard and the README: a token is reusable
    by any number of nodes until it expires (after ``expires_in_days``, 1 day when omitted)
    or is revoked; with ``max_uses`` it is refused once that many nodes registered with it.
    """
    days = DEFAULT_REGISTRATION_EXPIRY_DAYS if expires_in_days is None else expires_in_days
    if not 1 <= days <= MAX_EXPIRY_DAYS:
        raise SchemaViolationError.single(
            "expires_in_days", f"value should be between 1 and {MAX_EXPIRY_DAYS}"
        )
    if max_uses is not None and not 1 <= max_uses <= MAX_REGISTRATION_USES:
        raise SchemaViolationError.single(
            "max_uses", f"value should be between 1 and {MAX_REGISTRATION_USES}"
        )
    secret = new_secret(REGISTRATION_PREFIX)
    token = RegistrationToken.objects.create(
        control_plane=cp,
        name=(name or "registration token").strip()[:100],
        token_hash=hash_secret(secret),
        display_prefix=display_prefix(secret),
        created_by=created_by,
        expires_at=timezone.now() + timedelta(days=days),
        max_uses=max_uses,
    )
    _audit_registration_token("registration_token.create", cp, token)
    return token, secret


@transaction.atomic
def revoke_registration_token(token: RegistrationToken) -> None:
    RegistrationToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=timezone.now())
    _audit_registration_token("registration_token.revoke", token.control_plane, token)


def _audit_registration_token(action: str, cp: ControlPlane, token: RegistrationToken) -> None:
    label = f"{token.name} ({token.display_prefix}…)"
    audit.record_on(
        cp, action, target_type="registration_token", target_id=token.pk, target_label=label
    )


def register_node(
    secret: str, *, name: str, hostname: str, labels: dict[str, str], version: str
) -> tuple[DataPlaneNode, str]:
    """Exchange a registration token for a new node and its own ``kdpn_`` credential.

    Each registration counts one use of the token, in the node's transaction and by a
    conditional UPDATE, so two nodes racing for a token's last use cannot both get it.
    """
    token = (
        RegistrationToken.objects.select_related("control_plane")
        .filter(token_hash=hash_secret(secret))
        .first()
    )
    if token is not None and token.used_up:
        raise Unauthorized(_used_up_message(token))
    if token is None or not secret.startswith(REGISTRATION_PREFIX) or not token.is_active:
        raise Unauthorized("invalid, expired or revoked registration token")
    _check_node_fields(name, hostname, labels, version)
    credential = new_secret(NODE_CREDENTIAL_PREFIX)
    with transaction.atomic():
        _count_use(token)
        node = DataPlaneNode.objects.create(
            control_plane=token.control_plane,
            name=name or hostname,
            hostname=hostname,
            labels=labels,
            version=version,
            credential_hash=hash_secret(credential),
        )
        _audit_registration(token, node)
        announce.node_on_commit(node)
    return node, credential


def _count_use(token: RegistrationToken) -> None:
    unused = RegistrationToken.objects.filter(pk=token.pk)
    if token.max_uses is not None:
        unused = unused.filter(uses__lt=F("max_uses"))
    if not unused.update(uses=F("uses") + 1):
        raise Unauthorized(_used_up_message(token))


def _used_up_message(token: RegistrationToken) -> str:
    times = "once" if token.max_uses == 1 else f"{token.max_uses} times"
    return f"this registration token was already used {times}, its max_uses; create a new one"


def _audit_registration(token: RegistrationToken, node: DataPlaneNode) -> None:
    # No user signs a registration: the actor is the token, named without its secret.
    actor = audit.Actor(
        ActorKind.TOKEN,
        f"registration token {token.name} ({token.display_prefix}…)",
        audit.current_actor().address,
    )
    audit.record_on(
        token.control_plane,
        "node.register",
        target_type="node",
        target_id=node.pk,
        target_label=node.name,
        actor=actor,
    )


def revoke_node(node: DataPlaneNode) -> None:
    """Revoke a node: its connection is closed and its credential refused from now on.

    The trap this guards against: the close must not depend on a channel-layer message. The
    revocation bumps the control plane's ``revocation_epoch`` under the row lock that every
    version takes, so no version committed after this returns can reach the node (sync
    connections check their node before delivering a version of a newer epoch), and a
    connection's periodic head check closes the socket even if the message below is lost.
    The row stays, marked revoked, so that a later attempt is told "revoked", not "unknown".
    """
    with transaction.atomic():
        cp = ControlPlane.objects.select_for_update().get(pk=node.control_plane_id)
        revoked = DataPlaneNode.objects.filter(pk=node.pk, revoked_at=None).update(
            revoked_at=timezone.now(), connected=False
        )
        if revoked:
            ControlPlane.objects.filter(pk=cp.pk).update(revocation_epoch=cp.revocation_epoch + 1)
            audit.record_on(
                cp, "node.revoke", target_type="node", target_id=node.pk, target_label=node.name
            )
        announce.revocation_on_commit(str(cp.pk), str(node.pk))


def _check_node_fields(name: Any, hostname: Any, labels: Any, version: Any) -> None:
    for field, value in (("name", name), ("hostname", hostname), ("version", version)):
        if not isinstance(value, str) or len(value) > 200:
            raise SchemaViolationError.single(field, "expected a string of at most 200 characters")
    if not isinstance(labels, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in labels.items()
    ):
        raise SchemaViolationError.single("labels", "expected a map of strings to strings")
