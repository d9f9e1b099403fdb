"""Node transitions for webhooks: out of sync, offline, back in sync, each fired once.

``evaluate`` reads every live node with its control plane (one query), computes its health
(controlplane/health.py) and compares the alert state it implies with the one last
announced (``DataPlaneNode.alert_state``). A change is claimed with a compare-and-set update,
in the same transaction as its delivery rows, so with several server processes each
transition is announced exactly once.
"""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from controlplane import health
from controlplane.models import DataPlaneNode
from controlplane.models.webhooks import NODE_BACK_IN_SYNC, NODE_OFFLINE, NODE_OUT_OF_SYNC
from controlplane.sync import webhook_outbox

logger = logging.getLogger(__name__)

# The alert states; "" is a node never looked at and never heard from (just registered): its
# first connection is no comeback, and its absence until then no outage.
UNSEEN, OK, OUT_OF_SYNC, OFFLINE = "", "in_sync", "out_of_sync", "offline"


def alert_state(status: health.Health, now: datetime, current: str) -> str:
    """The state a node's health implies; a node behind within the grace time keeps its own."""
    if status.status == health.OFFLINE:
        # A node not yet seen online stays unseen: its first connection is no comeback.
        return UNSEEN if current == UNSEEN else OFFLINE
    if status.status == health.IN_SYNC:
        return OK
    return OUT_OF_SYNC if status.out_of_sync(now) else current


def transition_event(before: str, after: str) -> str | None:
    if after == OUT_OF_SYNC:
        return NODE_OUT_OF_SYNC
    if after == OFFLINE and before != UNSEEN:
        return NODE_OFFLINE
    if after == OK and before in (OUT_OF_SYNC, OFFLINE):
        return NODE_BACK_IN_SYNC
    return None


# What health and the events read: the rest of a node's row (its payload stats) stays unread.
_HEALTH_FIELDS = (
    "name",
    "hostname",
    "control_plane",
    "connected",
    "last_ping",
    "config_version",
    "config_hash",
    "sync_status",
    "behind_since",
    "last_ack_at",
    "alert_state",
)


def evaluate(now: datetime | None = None) -> int:
    """Announce every node whose alert state changed; how many events were queued."""
    now = now or timezone.now()
    queued = 0
    nodes = (
        DataPlaneNode.objects.filter(revoked_at=None)
        .select_related("control_plane")
        .only(*_HEALTH_FIELDS, "control_plane__config_version", "control_plane__config_hash")
    )
    for node in nodes:
        status = health.node_health(node, node.control_plane, now)
        after = alert_state(status, now, _known_state(node))
        if after != node.alert_state:
            queued += _announce(node, after, status)
    return queued


def _known_state(node: DataPlaneNode) -> str:
    """The stored state; a node never evaluated but heard from before was online then."""
    if node.alert_state == UNSEEN and node.last_ping is not None:
        return OK
    return node.alert_state


def _announce(node: DataPlaneNode, after: str, status: health.Health) -> int:
    before = _known_state(node)
    with transaction.atomic():
        won = DataPlaneNode.objects.filter(pk=node.pk, alert_state=node.alert_state).update(
            alert_state=after
        )
        event = transition_event(before, after)
        if not won or event is None:
            return 0
        data = {
            "node": webhook_outbox.node_data(node),
            "health": status.as_dict(),
            "previous_state": before or None,
            "node_config_version": node.config_version,
            "control_plane_config_version": node.control_plane.config_version,
        }
        logger.info("node %s: %s -> %s", node.pk, before or "unseen", after)
        return webhook_outbox.enqueue(node.control_plane_id, event, data)
