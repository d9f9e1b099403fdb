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
from controlplane.dashboard.nodes import NodeFilter, NodePage, control_plane_with_counts, node_page
from controlplane.models import ControlPlane, Membership

SUMMARY = "dashboard/control_planes/detail.html#cp-summary"
NODE_ROWS = "dashboard/nodes/list.html#node-rows"
NODE_ROW = "dashboard/nodes/list.html#node-row"
NODE_PAGER = "dashboard/nodes/list.html#node-pager"
CHART = "dashboard/nodes/list.html#sync-chart"


@dataclass(frozen=True)
class Update:
    frames: dict[str, str]  # partial -> HTML; the consumer skips what it sent last time
    node_ids: frozenset[str]  # the rows the page now shows


def render_update(
    cp_id: str,
    user_id: int,
    *,
    changed_nodes: set[str],
    version_changed: bool,
    nodes: NodeFilter | None,
    shown: frozenset[str] | None,
) -> Update | None:
    """The HTML to swap into a page showing ``cp_id``; None if the viewer lost access to it.

    ``nodes`` is the table's filter and page, None on pages without a node table. Only rows
    on that page are ever rendered. With ``shown`` None (the page just connected) no rows are
    rendered: the page has them already.
    """
    cp = ControlPlane.objects.filter(pk=cp_id).first()
    membership = _membership(user_id, cp) if cp is not None else None
    if cp is None or membership is None:
        return None
    cp = control_plane_with_counts(cp)
    context = {"cp": cp, "is_admin": membership.is_admin, "can_write": membership.can_write}
    frames: dict[str, str] = {SUMMARY: render_to_string(SUMMARY, context)}
    if nodes is None:
        return Update(frames, frozenset())
    visible = node_page(cp, nodes)
    context["nodes"] = visible
    if shown is not None:
        frames |= _rows_html(context, visible, changed_nodes, version_changed, shown)
    frames[NODE_PAGER] = render_to_string(NODE_PAGER, context)
    frames[CHART] = render_to_string(CHART, {**context, "chart": sync_chart(cp)})
    return Update(frames, visible.node_ids)


def _membership(user_id: int, cp: ControlPlane) -> Membership | None:
    return Membership.objects.filter(user_id=user_id, organization_id=cp.organization_id).first()


def _rows_html(
    context: dict[str, Any],
    visible: NodePage,
    changed: set[str],
    version_changed: bool,
    shown: frozenset[str],
) -> dict[str, str]:
    """Changed rows of the visible page alone when that is enough; its whole body when rows
    came, went or moved there. Nodes on other pages cost nothing.

    A new version changes every node's status (they are all behind until they ack), so it
    re-renders every row of the page too.
    """
    if version_changed or visible.node_ids != shown:
        return {NODE_ROWS: render_to_string(NODE_ROWS, context)}
    rows = [row for row in visible.rows if str(row.node.pk) in changed]
    if not rows:
        return {}
    html = "".join(render_to_string(NODE_ROW, {**context, "row": row}) for row in rows)
    return {NODE_ROW: html}
