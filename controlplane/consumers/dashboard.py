"""Live dashboard updates: one connection per open page, joined to its control plane's group.

Events (``live.node``, ``live.version``) say only *what* changed. The consumer gathers them
for a moment and then re-renders the affected partials from the database, so a burst of
acks from a thousand nodes costs one render per page, not one per event. A nodes page says
which page of the table it shows (``?nodes=1&page=2&status=behind&q=edge``): only rows on
that page are re-rendered, and a partial identical to the one last sent is not sent again.
"""

import asyncio
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from controlplane import events
from controlplane.access import get_control_plane, get_membership
from controlplane.dashboard.live import Update, render_update
from controlplane.dashboard.nodes import NodeFilter
from controlplane.errors import NotFound
from controlplane.models import ControlPlane, User

# How long events are gathered before one render; short enough to feel instant.
COALESCE_SECONDS = 0.25
CLOSE_UNAUTHORIZED = 4401
CLOSE_NOT_FOUND = 4404


class DashboardConsumer(AsyncWebsocketConsumer):
    """``ws/control-planes/<cp_id>/live[?nodes=1&page=…]``: out-of-band swaps for one page."""

    cp_id = ""
    user_id = 0
    nodes: NodeFilter | None = None
    shown: frozenset[str] = frozenset()
    sent: dict[str, str]
    changed_nodes: set[str]
    version_changed = False
    flusher: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if not isinstance(user, User) or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHORIZED)
            return
        cp_id = str(self.scope["url_route"]["kwargs"]["cp_id"])
        if not await _can_see(user, cp_id):
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.cp_id, self.user_id = cp_id, user.pk
        self.nodes = _node_filter(self.scope.get("query_string", b"").decode())
        self.changed_nodes = set()
        # What the page shows now, so that the first update sends only what differs.
        update = await _render(cp_id, user.pk, set(), False, self.nodes, None)
        if update is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.shown, self.sent = update.node_ids, dict(update.frames)
        await self.channel_layer.group_add(events.live_group(cp_id), self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if not self.cp_id:
            return
        if self.flusher is not None:
            self.flusher.cancel()
        await self.channel_layer.group_discard(events.live_group(self.cp_id), self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """The page sends nothing that matters (htmx may send form values); ignore it."""

    async def live_node(self, event: dict[str, Any]) -> None:
        self.changed_nodes.add(str(event["node"]["id"]))
        self._schedule()

    async def live_version(self, event: dict[str, Any]) -> None:
        self.version_changed = True
        self._schedule()

    def _schedule(self) -> None:
        if self.flusher is None or self.flusher.done():
            self.flusher = asyncio.ensure_future(self._flush())

    async def _flush(self) -> None:
        # Events that arrive while rendering are left pending and rendered by the next loop.
        while self.changed_nodes or self.version_changed:
            await asyncio.sleep(COALESCE_SECONDS)
            changed, self.changed_nodes = self.changed_nodes, set()
            version_changed, self.version_changed = self.version_changed, False
            update = await _render(
                self.cp_id, self.user_id, changed, version_changed, self.nodes, self.shown
            )
            if update is None:
                await self.close(code=CLOSE_NOT_FOUND)
                return
            self.shown = update.node_ids
            for partial, frame in update.frames.items():
                if self.sent.get(partial) != frame:
                    self.sent[partial] = frame
                    await self.send(text_data=frame)


def _node_filter(query_string: str) -> NodeFilter | None:
    """The node table's page and filter, None when the page has no node table."""
    query = {key: values[-1] for key, values in parse_qs(query_string).items()}
    return NodeFilter.from_params(query) if query.get("nodes") == "1" else None


@database_sync_to_async
def _can_see(user: User, cp_id: str) -> bool:
    cp = ControlPlane.objects.filter(pk=cp_id).only("organization_id").first()
    if cp is None:
        return False
    try:
        get_control_plane(get_membership(user, cp.organization_id).organization, cp_id)
    except NotFound:
        return False
    return True


@database_sync_to_async
def _render(
    cp_id: str,
    user_id: int,
    changed: set[str],
    version_changed: bool,
    nodes: NodeFilter | None,
    shown: frozenset[str] | None,
) -> Update | None:
    return render_update(
        cp_id,
        user_id,
        changed_nodes=changed,
        version_changed=version_changed,
        nodes=nodes,
        shown=shown,
    )
