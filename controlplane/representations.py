"""How control-plane objects look in the API (entities are already Kong-shaped JSON)."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from controlplane import health
from controlplane.models import (
    ControlPlane,
    DataPlaneNode,
    PersonalAccessToken,
    RegistrationToken,
    Webhook,
    WebhookDelivery,
)
from controlplane.models.tokens import BearerToken

# How many characters of a webhook's secret the API shows after its creation (after the
# "whsec_" of a generated one): enough to tell secrets apart, too few to guess the rest.
SECRET_SHOWN = 4


def control_plane(cp: ControlPlane) -> dict[str, Any]:
    return {
        "id": str(cp.pk),
        "name": cp.name,
        "description": cp.description,
        "labels": cp.labels,
        "config": {
            "incremental_sync": cp.incremental_sync,
            "cluster_type": "CLUSTER_TYPE_HYBRID",
        },
        "config_version": cp.config_version,
        "config_hash": cp.config_hash,
        "created_at": cp.created_at.isoformat(),
        "updated_at": cp.updated_at.isoformat(),
    }


def bearer_token(token: BearerToken) -> dict[str, Any]:
    """Any token kind, never with its secret (which is not stored)."""
    return {
        "id": str(token.pk),
        "name": token.name,
        "display_prefix": token.display_prefix,
        "created_at": token.created_at.isoformat(),
        "expires_at": _iso(token.expires_at),
        "revoked_at": _iso(token.revoked_at),
        "active": token.is_active,
    }


def registration_token(token: RegistrationToken) -> dict[str, Any]:
    """Reusable until expiry or revocation; ``max_uses`` (null: no limit) caps registrations."""
    return {**bearer_token(token), "max_uses": token.max_uses, "uses": token.uses}


def personal_access_token(token: PersonalAccessToken) -> dict[str, Any]:
    return {**bearer_token(token), "last_used_at": _iso(token.last_used_at)}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def is_connected(node: DataPlaneNode) -> bool:
    """Connected, and heard from lately: a control-plane process that died cannot clear
    the flag of the nodes it served, but their heartbeats stop being recorded."""
    if not node.connected or node.last_ping is None:
        return False
    silence = (timezone.now() - node.last_ping).total_seconds()
    return (
        silence <= settings.KONNECTLITE_HEARTBEAT_INTERVAL + settings.KONNECTLITE_HEARTBEAT_TIMEOUT
    )


def node_health(node: DataPlaneNode, cp: ControlPlane) -> dict[str, Any]:
    """The health fields of a node (controlplane/health.py says what each status means)."""
    status = health.node_health(node, cp, timezone.now())
    return {
        "status": status.status,
        "versions_behind": status.versions_behind,
        "out_of_sync_since": _iso(status.since),
        "last_ack_at": _iso(node.last_ack_at),
        "sync_status": node.sync_status,
    }


def node(node: DataPlaneNode) -> dict[str, Any]:
    """A data-plane node as the nodes API shows it (field names follow Konnect's)."""
    cp = node.control_plane
    return {
        "id": str(node.pk),
        "name": node.name,
        "hostname": node.hostname,
        "labels": node.labels,
        "version": node.version,
        "sync_mode": node.sync_mode,
        "connected": is_connected(node),
        "config_version": node.config_version,
        "config_hash": node.config_hash,
        "in_sync": node.config_version == cp.config_version and node.config_hash == cp.config_hash,
        **node_health(node, cp),
        "last_payload": node.last_payload,
        "total_wire_bytes": node.total_wire_bytes,
        "total_raw_bytes": node.total_raw_bytes,
        "last_apply_ms": node.last_apply_ms,
        "last_commit_to_ack_ms": node.last_commit_to_ack_ms,
        "last_ping": node.last_ping.isoformat() if node.last_ping else None,
        "delta_count": node.delta_count,
        "snapshot_count": node.snapshot_count,
        "registered_at": node.registered_at.isoformat(),
    }


def webhook(hook: Webhook, *, with_secret: bool = False) -> dict[str, Any]:
    """A webhook; its secret only when just created, otherwise its first characters."""
    body: dict[str, Any] = {
        "id": str(hook.pk),
        "url": hook.url,
        "events": hook.events,
        "enabled": hook.enabled,
        "secret_prefix": _secret_prefix(hook.secret),
        "created_at": hook.created_at.isoformat(),
    }
    if with_secret:
        body["secret"] = hook.secret
    return body


def webhook_delivery(delivery: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": str(delivery.pk),
        "event": delivery.event,
        "state": delivery.state,
        "attempts": delivery.attempts,
        "status_code": delivery.status_code,
        "error": delivery.error,
        "created_at": delivery.created_at.isoformat(),
        "delivered_at": _iso(delivery.delivered_at),
        "next_attempt_at": _iso(delivery.next_attempt_at),
        "payload": {"id": str(delivery.pk), **delivery.payload},
    }


def _secret_prefix(secret: str) -> str:
    kind = "whsec_" if secret.startswith("whsec_") else ""
    return secret[: len(kind) + SECRET_SHOWN] + "…"
