"""Live updates: the partials a dashboard page shows, re-rendered after a live event.

The WebSocket consumer calls ``render_update`` (through one ``database_sync_to_async``
helper) and sends each frame as is. Each partial carries its element id, so the htmx ws
extension swaps it out-of-band in place of the element the page rendered from the same
partial. The trap: table parts (``<tbody>``, ``<tr>``) travel in frames of their own, since
the HTML parser drops them when they follow other elements.
"""

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from controlplane.dashboard.chart import sync_chart
from controlplane.dashboard.nodes import (
    control_plane_with_counts,
    live_nodes,
    node_row,
    node_rows,
)
from controlplane.models import ControlPlane, Membership

SUMMARY = "dashboard/control_planes/detail.html#cp-summary"
NODE_ROWS = "dashboard/nodes/list.html#node-rows"
NODE_ROW = "dashboard/nodes/list.html#node-row"
CHART = "dashboard/nodes/list.html#sync-chart"


@dataclass(frozen=True)
class Update:
    frames: list[str]
    node_ids: frozenset[str]  # the rows the page now shows


def render_update(
    cp_id: str,
    user_id: int,
    *,
    changed_nodes: set[str],
    version_changed: bool,
    with_nodes: bool,
    shown: frozenset[str],
) -> Update | None:
    """The HTML to swap into a page showing ``cp_id``; None if the viewer lost access to it."""
    cp = ControlPlane.objects.filter(pk=cp_id).first()
    membership = _membership(user_id, cp) if cp is not None else None
    if cp is None or membership is None:
        return None
    cp = control_plane_with_counts(cp)
    context = {"cp": cp, "is_admin": membership.is_admin, "can_write": membership.can_write}
    frames: list[str] = [render_to_string(SUMMARY, context)]
    if with_nodes:
        rows, shown = _nodes_html(context, changed_nodes, version_changed, shown)
        frames += [rows, render_to_string(CHART, {**context, "chart": sync_chart(cp)})]
    return Update(frames, shown)


def shown_nodes(cp_id: str) -> frozenset[str]:
    """The node rows a freshly rendered nodes page shows."""
    ids = live_nodes(ControlPlane(pk=cp_id)).values_list("pk", flat=True)
    return frozenset(str(pk) for pk in ids)


def _membership(user_id: int, cp: ControlPlane) -> Membership | None:
    return Membership.objects.filter(user_id=user_id, organization_id=cp.organization_id).first()


def _nodes_html(
    context: dict[str, Any], changed: set[str], version_changed: bool, shown: frozenset[str]
) -> tuple[str, frozenset[str]]:
    """Changed rows alone when that is enough; the whole table body when rows come or go.

    A new version changes every node's status (they are all behind until they ack), so it
    re-renders every row too.
    """
    cp: ControlPlane = context["cp"]
    if not version_changed and changed <= shown:
        nodes = list(live_nodes(cp).filter(pk__in=list(changed)))
        if len(nodes) == len(changed):
            html = "".join(
                render_to_string(NODE_ROW, {**context, "row": node_row(node, cp)}) for node in nodes
            )
            return html, shown
    rows = node_rows(cp)
    html = render_to_string(NODE_ROWS, {**context, "rows": rows})
    return html, frozenset(str(row.node.pk) for row in rows)
