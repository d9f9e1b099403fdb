"""The webhook outbox: an event becomes one delivery row per subscribed webhook.

Rows are written in the transaction of what caused them (a version's commit, a batch of node
state), so an event is never announced for a write that rolled back, and never lost for one
that committed. Sending them is the delivery loop's job (webhook_delivery.py): nothing here
waits on a receiver.
"""

import uuid
from datetime import datetime
from typing import Any

from django.utils import timezone

from controlplane.models import ConfigVersion, ControlPlane, DataPlaneNode, Webhook, WebhookDelivery
from controlplane.models.webhooks import NODE_NACK, VERSION_CREATED


def enqueue(cp_id: str | uuid.UUID, event: str, data: dict[str, Any]) -> int:
    """Queue ``event`` for every enabled webhook of the control plane that wants it."""
    hooks = [
        hook
        for hook in Webhook.objects.filter(control_plane_id=uuid.UUID(str(cp_id)), enabled=True)
        if event in hook.events
    ]
    if not hooks:
        return 0
    now = timezone.now()
    WebhookDelivery.objects.bulk_create(_delivery(hook, event, data, now) for hook in hooks)
    return len(hooks)


def enqueue_to(hook: Webhook, event: str, data: dict[str, Any]) -> WebhookDelivery:
    """Queue one event for one webhook (a test event)."""
    delivery = _delivery(hook, event, data, timezone.now())
    delivery.save()
    return delivery


def _delivery(hook: Webhook, event: str, data: dict[str, Any], now: datetime) -> WebhookDelivery:
    payload = _body(hook.control_plane_id, event, data, now)
    return WebhookDelivery(webhook=hook, event=event, payload=payload, next_attempt_at=now)


def _body(
    cp_id: str | uuid.UUID, event: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    return {
        "event": event,
        "occurred_at": now.isoformat(),
        "control_plane_id": str(cp_id),
        "data": data,
    }


def enqueue_version_created(cp: ControlPlane, version: ConfigVersion) -> int:
    """Called by the change-log writer, inside the version's transaction."""
    data = {
        "version": version.version,
        "config_hash": version.config_hash,
        "actor": version.actor,
        "change_count": version.change_count,
        "created_at": version.created_at.isoformat(),
    }
    return enqueue(cp.pk, VERSION_CREATED, data)


def node_data(node: DataPlaneNode) -> dict[str, Any]:
    return {"id": str(node.pk), "name": node.name, "hostname": node.hostname}


def enqueue_nack(cp_id: str, node_id: str, message: dict[str, Any]) -> int:
    node = DataPlaneNode.objects.filter(pk=uuid.UUID(node_id)).first()
    if node is None:
        return 0
    data = {
        "node": node_data(node),
        "version": message.get("version"),
        "reason": message.get("reason"),
        "detail": message.get("detail", ""),
    }
    return enqueue(cp_id, NODE_NACK, data)
