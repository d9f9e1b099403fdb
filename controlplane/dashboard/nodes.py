"""How the dashboard reads data-plane nodes: their status, the fleet's counts, their rows.

A node's status (in sync, behind, stale, offline, incompatible) comes from
controlplane/health.py, the one place that defines it.

The table shows one page of nodes at a time (a fleet of a thousand is a megabyte of rows),
optionally filtered by status or by a search; the fleet's counts always cover every node.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet, TextField
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone

from controlplane import health
from controlplane.models import ControlPlane, DataPlaneNode

STATUS_LABELS = health.STATUS_LABELS


@dataclass(frozen=True)
class NodeRow:
    node: DataPlaneNode
    status: str
    versions_behind: int
    since: datetime | None = None  # lacking the current config since (health.Health.since)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def node_row(node: DataPlaneNode, cp: ControlPlane, now: datetime | None = None) -> NodeRow:
    status = health.node_health(node, cp, now or timezone.now())
    return NodeRow(node, status.status, status.versions_behind, status.since)


def live_nodes(cp: ControlPlane) -> QuerySet[DataPlaneNode]:
    """The nodes the dashboard lists: every node of ``cp`` that was not revoked."""
    return DataPlaneNode.objects.filter(control_plane=cp, revoked_at=None).order_by("name", "id")


NODES_PER_PAGE = 50


@dataclass(frozen=True)
class NodeFilter:
    """Which nodes the table shows: a status ("" for all), a search, and a page number."""

    status: str = ""
    text: str = ""
    page: str = "1"  # as given; Paginator.get_page turns nonsense into a real page

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> "NodeFilter":
        status = params.get("status", "")
        return cls(
            status=status if status in STATUS_LABELS else "",
            text=params.get("q", "").strip(),
            page=params.get("page", "1"),
        )

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, "")

    @property
    def filters(self) -> str:
        """The query string of the status and search alone, for links to other pages."""
        return urlencode({k: v for k, v in (("status", self.status), ("q", self.text)) if v})


@dataclass(frozen=True)
class NodePage:
    page: Page[DataPlaneNode]
    rows: list[NodeRow]
    filter: NodeFilter

    @property
    def query(self) -> str:
        """The query string that shows this very page (for the live socket and polling)."""
        shown = replace(self.filter, page=str(self.page.number))
        return "&".join(q for q in (shown.filters, urlencode({"page": shown.page})) if q)

    @property
    def node_ids(self) -> frozenset[str]:
        return frozenset(str(row.node.pk) for row in self.rows)


def node_page(cp: ControlPlane, node_filter: NodeFilter) -> NodePage:
    """One page of rows, ordered by name then id: a count and one bounded query."""
    now = timezone.now()
    nodes = filter_nodes(live_nodes(cp), cp, node_filter, now)
    page = Paginator(nodes, NODES_PER_PAGE).get_page(node_filter.page)
    return NodePage(page, [node_row(node, cp, now) for node in page], node_filter)


def filter_nodes(
    nodes: QuerySet[DataPlaneNode], cp: ControlPlane, node_filter: NodeFilter, now: datetime
) -> QuerySet[DataPlaneNode]:
    if node_filter.status:
        nodes = nodes.filter(status_q(node_filter.status, cp, now))
    return search_nodes(nodes, node_filter.text) if node_filter.text else nodes


status_q = health.status_q


def search_nodes(nodes: QuerySet[DataPlaneNode], text: str) -> QuerySet[DataPlaneNode]:
    """``key=value`` matches a label exactly; anything else a name, hostname or label."""
    key, equals, value = text.partition("=")
    if equals and key.strip():
        # Cast: KeyTextTransform keeps JSON lookups, and SQLite's JSON exact wants JSON text.
        label = Cast(KeyTextTransform(key.strip(), "labels"), TextField())
        return nodes.alias(label_value=label).filter(label_value=value.strip())
    return nodes.filter(
        Q(name__icontains=text) | Q(hostname__icontains=text) | Q(labels__icontains=text)
    )


def with_node_counts(rows: QuerySet[ControlPlane]) -> QuerySet[ControlPlane]:
    """Annotate node_total, node_connected and node_in_sync, in the query that lists them."""
    live = Q(nodes__revoked_at=None)
    connected = (
        live
        & Q(nodes__connected=True)
        & Q(nodes__last_ping__gte=timezone.now() - health.silence_limit())
    )
    in_sync = connected & Q(
        nodes__config_version=F("config_version"),
        nodes__config_hash=F("config_hash"),
        nodes__sync_status=health.NORMAL_SYNC_STATUS,
    )
    return rows.annotate(
        node_total=Count("nodes", filter=live),
        node_connected=Count("nodes", filter=connected),
        node_in_sync=Count("nodes", filter=in_sync),
    )


def control_plane_with_counts(cp: ControlPlane) -> ControlPlane:
    return with_node_counts(ControlPlane.objects.filter(pk=cp.pk)).get()
