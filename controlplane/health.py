"""Every node's health status, computed in one place.

The API, the dashboard and the webhook evaluator all ask this module, so they never disagree.
A status is a pure function of the node's row, its control plane's version and hash, and now:

- ``offline``: not connected, or not heard from for twice the heartbeat timeout (a crashed
  control-plane process cannot clear the flag of the nodes it served);
- ``incompatible``: connected, but the gateway reported that it cannot apply this control
  plane's config (``sync_status`` other than ``normal``; set by the gateway compatibility
  check, which is not built yet);
- ``in_sync``: the control plane's version and hash;
- ``behind``: an older version, since ``behind_since``, for less than ``KONNECTLITE_STALE_AFTER``
  without an ack;
- ``stale``: connected, but lacking the current config with no ack for longer than
  ``KONNECTLITE_STALE_AFTER`` seconds; also, at once, a node whose hash differs at the same
  version or whose version the control plane never had (no ack can fix that but a snapshot).

A node is *out of sync* (the banner, the ``node.out_of_sync`` webhook) when it is behind,
stale or incompatible for longer than ``KONNECTLITE_OUT_OF_SYNC_GRACE`` seconds.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q

from controlplane.models import ControlPlane, DataPlaneNode

IN_SYNC, BEHIND, STALE, OFFLINE, INCOMPATIBLE = (
    "in_sync",
    "behind",
    "stale",
    "offline",
    "incompatible",
)
STATUSES = (IN_SYNC, BEHIND, STALE, OFFLINE, INCOMPATIBLE)
STATUS_LABELS = {
    IN_SYNC: "In sync",
    BEHIND: "Behind",
    STALE: "Stale",
    OFFLINE: "Offline",
    INCOMPATIBLE: "Incompatible",
}
# The gateway's own verdict on the config; anything else makes a connected node incompatible.
NORMAL_SYNC_STATUS = "normal"


@dataclass(frozen=True)
class Health:
    status: str
    versions_behind: int
    # Since when the node has lacked the current config (None when in sync or unknown).
    since: datetime | None

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    def out_of_sync(self, now: datetime) -> bool:
        """Lacking the config for longer than the grace time: what alerts and the banner show."""
        if self.status not in (BEHIND, STALE, INCOMPATIBLE) or self.since is None:
            return False
        return now - self.since > grace()

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "versions_behind": self.versions_behind,
            "since": self.since.isoformat() if self.since else None,
        }


def silence_limit() -> timedelta:
    return timedelta(seconds=2 * settings.KONNECTLITE_HEARTBEAT_TIMEOUT)


def stale_after() -> timedelta:
    return timedelta(seconds=settings.KONNECTLITE_STALE_AFTER)


def grace() -> timedelta:
    return timedelta(seconds=settings.KONNECTLITE_OUT_OF_SYNC_GRACE)


def node_health(node: DataPlaneNode, cp: ControlPlane, now: datetime) -> Health:
    """The node's status against ``cp`` (its control plane, passed so lists cost no query)."""
    behind = max(0, cp.config_version - node.config_version)
    status = _status(node, cp, now)
    since = None if status in (IN_SYNC, OFFLINE) else node.behind_since
    return Health(status, behind, since)


def _status(node: DataPlaneNode, cp: ControlPlane, now: datetime) -> str:
    heard = node.last_ping is not None and now - node.last_ping <= silence_limit()
    if not node.connected or not heard:
        return OFFLINE
    if node.sync_status != NORMAL_SYNC_STATUS:
        return INCOMPATIBLE
    if node.config_version == cp.config_version and node.config_hash == cp.config_hash:
        return IN_SYNC
    if node.config_version >= cp.config_version:
        return STALE  # another hash, or a version this control plane never had
    if node.behind_since is None:  # not known to lack anything yet: the next tick says
        return BEHIND
    waited_from = max(node.behind_since, node.last_ack_at or node.behind_since)
    if now - waited_from > stale_after():
        return STALE
    return BEHIND


def status_q(status: str, cp: ControlPlane, now: datetime) -> Q:
    """``node_health(...).status == status`` as a query on the nodes of ``cp``: they agree."""
    heard = Q(connected=True, last_ping__gte=now - silence_limit())
    if status == OFFLINE:
        return ~heard
    compatible = heard & Q(sync_status=NORMAL_SYNC_STATUS)
    if status == INCOMPATIBLE:
        return heard & ~Q(sync_status=NORMAL_SYNC_STATUS)
    current = Q(config_version=cp.config_version, config_hash=cp.config_hash)
    if status == IN_SYNC:
        return compatible & current
    older = Q(config_version__lt=cp.config_version)
    waited = Q(behind_since__lt=now - stale_after()) & (
        Q(last_ack_at=None) | Q(last_ack_at__lt=now - stale_after())
    )
    if status == STALE:
        return compatible & ~current & (~older | waited)
    return compatible & older & ~waited


def fleet_summary(nodes: list[DataPlaneNode], cp: ControlPlane, now: datetime) -> dict[str, Any]:
    """The counts by status, and the node that has lacked the config the longest."""
    counts = dict.fromkeys(STATUSES, 0)
    oldest: tuple[datetime, DataPlaneNode, Health] | None = None
    for node in nodes:
        health = node_health(node, cp, now)
        counts[health.status] += 1
        if health.since is not None and (oldest is None or health.since < oldest[0]):
            oldest = (health.since, node, health)
    return {
        "total": len(nodes),
        "counts": counts,
        "out_of_sync_grace_seconds": settings.KONNECTLITE_OUT_OF_SYNC_GRACE,
        "oldest_out_of_sync": _oldest(oldest, now),
    }


def _oldest(
    oldest: tuple[datetime, DataPlaneNode, Health] | None, now: datetime
) -> dict[str, Any] | None:
    if oldest is None:
        return None
    since, node, health = oldest
    return {
        "id": str(node.pk),
        "name": node.name,
        **health.as_dict(),
        "past_grace": health.out_of_sync(now),
    }
