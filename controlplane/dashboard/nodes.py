"""How the dashboard reads data-plane nodes: their status, the fleet's counts, their rows.

A node is *offline* when it is not connected or has not been heard from for twice the
heartbeat timeout (a crashed control-plane process cannot mark its nodes disconnected).
Otherwise it is *in sync* (the control plane's version and hash), *behind* (an older
version) or *out of sync* (the same version with another hash, or a version the control
plane never had).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from controlplane.models import ControlPlane, DataPlaneNode

IN_SYNC, BEHIND, OUT_OF_SYNC, OFFLINE = "in_sync", "behind", "out_of_sync", "offline"
STATUS_LABELS = {
    IN_SYNC: "In sync",
    BEHIND: "Behind",
    OUT_OF_SYNC: "Out of sync",
    OFFLINE: "Offline",
}


@dataclass(frozen=True)
class NodeRow:
    node: DataPlaneNode
    status: str
    versions_behind: int

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def silence_limit() -> timedelta:
    return timedelta(seconds=2 * settings.KONNECTLITE_HEARTBEAT_TIMEOUT)


def node_status(node: DataPlaneNode, cp: ControlPlane, now: datetime) -> str:
    heard = node.last_ping is not None and now - node.last_ping <= silence_limit()
    if not node.connected or not heard:
        return OFFLINE
    if node.config_version == cp.config_version:
        return IN_SYNC if node.config_hash == cp.config_hash else OUT_OF_SYNC
    return BEHIND if node.config_version < cp.config_version else OUT_OF_SYNC


def node_row(node: DataPlaneNode, cp: ControlPlane, now: datetime | None = None) -> NodeRow:
    status = node_status(node, cp, now or timezone.now())
    return NodeRow(node, status, max(0, cp.config_version - node.config_version))


def live_nodes(cp: ControlPlane) -> QuerySet[DataPlaneNode]:
    """The nodes the dashboard lists: every node of ``cp`` that was not revoked."""
    return DataPlaneNode.objects.filter(control_plane=cp, revoked_at=None).order_by("name", "id")


def node_rows(cp: ControlPlane) -> list[NodeRow]:
    now = timezone.now()
    return [node_row(node, cp, now) for node in live_nodes(cp)]


def with_node_counts(rows: QuerySet[ControlPlane]) -> QuerySet[ControlPlane]:
    """Annotate node_total, node_connected and node_in_sync, in the query that lists them."""
    live = Q(nodes__revoked_at=None)
    connected = (
        live & Q(nodes__connected=True) & Q(nodes__last_ping__gte=timezone.now() - silence_limit())
    )
    in_sync = connected & Q(
        nodes__config_version=F("config_version"), nodes__config_hash=F("config_hash")
    )
    return rows.annotate(
        node_total=Count("nodes", filter=live),
        node_connected=Count("nodes", filter=connected),
        node_in_sync=Count("nodes", filter=in_sync),
    )


def control_plane_with_counts(cp: ControlPlane) -> ControlPlane:
    return with_node_counts(ControlPlane.objects.filter(pk=cp.pk)).get()
