"""The data-plane sync endpoint: one connection per node, speaking kongcore.protocol.

Messages are handled one at a time per connection: Channels dispatches them in order, and the
heartbeat task's checks take the same per-connection lock, so the session's state never sees
two handlers at once. Its hot path, a version arriving for an up-to-date node,
sends the frame that rode inside the channel-layer event and touches no database.

The channel layer is a fast path, never the only one. Every half heartbeat interval the
connection compares its node with the control plane's head (heads.py): a node that is behind
with nothing in flight is caught up by deltas, and a revoked node is closed with 4403, even
if every channel-layer message was lost.
"""

import asyncio
import contextlib
import logging
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import timezone

from controlplane import events
from controlplane.models import DataPlaneNode
from controlplane.sync import acks, frames, heads, log, metrics
from controlplane.sync.db import database_sync_to_async
from controlplane.sync.node_state import writer as node_state
from controlplane.sync.plan import CatchUpInput, Plan, plan_catch_up
from controlplane.sync.publish import apublish
from controlplane.sync.session import Session
from kongcore import protocol

logger = logging.getLogger(__name__)

AWAITING_HELLO, READY = "awaiting_hello", "ready"
# A node that keeps refusing snapshots is broken; stop feeding it rather than loop forever.
MAX_CONSECUTIVE_NACKS = 3
# How long to wait before asking a failed channel layer for messages again.
LAYER_RETRY_SECONDS = 1.0


class Revoked(Exception):
    """The node was revoked; the connection is already closed."""


class SyncConsumer(AsyncWebsocketConsumer):
    node: DataPlaneNode | None = None
    state = AWAITING_HELLO

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.turn = asyncio.Lock()
        # Since when the node has lacked a version it is owed (controlplane/health.py).
        self.behind_since: datetime | None = None

    async def connect(self) -> None:
        await self.accept()
        node = await _authenticate(_bearer(self.scope))
        if node is None:
            await self._fail(protocol.CLOSE_UNAUTHORIZED, "unknown node credential")
            return
        if node.revoked_at is not None:
            await self._fail(protocol.CLOSE_REVOKED, "this node was revoked; register it again")
            return
        self.node = node
        self.cp_id = str(node.control_plane_id)
        self.node_id = str(node.pk)
        self.session = Session()
        # Read in the same query as the node: no revocation up to this count names it.
        self.session.checked_epoch = node.control_plane.revocation_epoch
        metrics.connection_opened(self.cp_id)
        self.heartbeat = asyncio.ensure_future(self._heartbeat())
        await self._join_groups()
        await apublish(
            events.node_group(self.node_id),
            events.sync_connected(
                control_plane_id=self.cp_id,
                node_id=self.node_id,
                channel_name=self.channel_name,
                connected_at=self.session.connected_at,
            ),
        )

    async def _join_groups(self) -> None:
        """Join the control plane's group and the node's own (see events.node_group).

        Only this node's own connections hear that it connected: told to the whole control
        plane's group, n nodes connecting would cost n² deliveries. When the layer is down
        the connection stays up and the head check keeps the node in sync until a retry works.
        """
        try:
            await self.channel_layer.group_add(events.sync_group(self.cp_id), self.channel_name)
            await self.channel_layer.group_add(events.node_group(self.node_id), self.channel_name)
            self.session.rejoin = False
        except Exception as exc:
            self.session.rejoin = True
            logger.warning("node %s: could not join its sync groups: %s", self.node_id, exc)

    async def _receive_from_layer(self) -> dict[str, Any]:
        # Channels ends the consumer, and so the node's socket, when the layer's receive
        # raises. A layer outage must not cost every node its connection: wait and retry.
        while True:
            try:
                return await self._layer_receive()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self.node is not None and not self.session.rejoin:
                    logger.warning("node %s: channel layer failed: %s", self.node_id, exc)
                    self.session.rejoin = True
                await asyncio.sleep(LAYER_RETRY_SECONDS)

    @property
    def channel_receive(self) -> Any:
        return self._receive_from_layer

    @channel_receive.setter
    def channel_receive(self, receive: Any) -> None:
        self._layer_receive = receive

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels' own dispatch first closes stale database connections, a hop to the
        # database thread for every ack and every event, queued behind node-state flushes and
        # API writes: at 100 nodes that hop, not the work, was most of the latency. This
        # consumer reaches the database only through database_sync_to_async (sync/db.py),
        # which checks the connection itself, so the hop is skipped.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"no handler for message type {message['type']}")
        async with self.turn:
            with contextlib.suppress(Revoked):  # already closed with 4403
                await handler(message)

    async def disconnect(self, code: int) -> None:
        if self.node is None:
            return
        metrics.connection_closed(self.cp_id)
        self.heartbeat.cancel()
        try:
            await self.channel_layer.group_discard(events.sync_group(self.cp_id), self.channel_name)
            await self.channel_layer.group_discard(
                events.node_group(self.node_id), self.channel_name
            )
        except Exception as exc:  # the layer forgets the channel when its membership expires
            logger.warning("node %s: could not leave its sync groups: %s", self.node_id, exc)
        if not self.session.replaced:  # the newer connection now speaks for the node
            node_state.update(self.cp_id, self.node_id, connected=False)
            await node_state.flush()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.node is None:
            return
        data: str | bytes = text_data if text_data is not None else (bytes_data or b"")
        try:
            size = len(data) if isinstance(data, bytes) else len(data.encode())
            if size > protocol.MAX_NODE_FRAME_BYTES:
                raise protocol.ProtocolError(protocol.CLOSE_TOO_LARGE, "frame too large")
            message, _ = protocol.decode(data, max_raw_bytes=protocol.MAX_NODE_FRAME_BYTES)
            kind = protocol.check_fields(message, protocol.NODE_MESSAGE_TYPES)
            self.session.last_heard = time.monotonic()
            await self._dispatch(kind, message)
        except protocol.ProtocolError as exc:
            await self._fail(exc.code, exc.message)

    async def _dispatch(self, kind: str, message: dict[str, Any]) -> None:
        if kind == protocol.PING:
            await self._send(protocol.encode(protocol.pong(ts=message.get("ts", 0))))
            self._node_reports(message.get("config_version"))
            node_state.update(self.cp_id, self.node_id, last_ping=timezone.now())
        elif kind == protocol.PONG:
            node_state.update(self.cp_id, self.node_id, last_ping=timezone.now())
        elif kind == protocol.HELLO:
            await self._hello(message)
        elif self.state != READY:
            raise protocol.ProtocolError(protocol.CLOSE_OUT_OF_ORDER, f"'{kind}' before 'hello'")
        elif kind == protocol.ACK:
            self._ack(message)
        else:
            await self._nack(message)

    def _node_reports(self, version: Any) -> None:
        if self.state == READY and isinstance(version, int) and not isinstance(version, bool):
            self.session.node_version = version

    # --- hello and catch-up ---------------------------------------------------------------

    async def _hello(self, message: dict[str, Any]) -> None:
        if self.state != AWAITING_HELLO:
            raise protocol.ProtocolError(protocol.CLOSE_OUT_OF_ORDER, "'hello' sent twice")
        node_version, node_hash = message["config_version"], message["config_hash"]
        self.session.node_mode = message["sync_mode"]
        facts = await _catch_up_facts(self.cp_id, node_version, node_hash)
        self.session.cp_mode = facts.mode
        facts = replace(facts, mode=self.session.mode)
        self._node_says_hello(message)
        await self._send(protocol.encode(self._welcome(facts)))
        self.session.sent_version = self.session.node_version = node_version
        self.state = READY
        plan = plan_catch_up(facts)
        self._mark_behind(None if plan.needs_nothing else timezone.now(), replace_mark=True)
        await self._follow(plan)

    def _welcome(self, facts: CatchUpInput) -> dict[str, Any]:
        return protocol.welcome(
            control_plane_id=self.cp_id,
            node_id=self.node_id,
            sync_mode=self.session.mode,
            config_version=facts.cp_version,
            config_hash=facts.cp_hash,
            heartbeat_interval=settings.KONNECTLITE_HEARTBEAT_INTERVAL,
            heartbeat_timeout=settings.KONNECTLITE_HEARTBEAT_TIMEOUT,
        )

    def _node_says_hello(self, message: dict[str, Any]) -> None:
        labels = message.get("labels") if isinstance(message.get("labels"), dict) else None
        fields: dict[str, Any] = {
            "hostname": message["hostname"][:255],
            "version": message["version"][:50],
            "sync_mode": self.session.mode,
            "connected": True,
            "config_version": message["config_version"],
            "config_hash": message["config_hash"][:64],
            "last_ping": timezone.now(),
        }
        if labels is not None and all(isinstance(v, str) for v in labels.values()):
            fields["labels"] = labels
        node_state.update(self.cp_id, self.node_id, **fields)

    async def _follow(self, plan: Plan) -> None:
        self.session.catching_up = True
        try:
            if plan.snapshot_reason is not None:
                await self._send_snapshot(plan.snapshot_reason)
            elif not plan.needs_nothing:
                await self._send_deltas(plan.first, plan.last)
        finally:
            self.session.catching_up = False

    # --- delivering versions --------------------------------------------------------------

    async def sync_version(self, event: dict[str, Any]) -> None:
        """A version was committed (by any process); bring the node up to it."""
        if self.state != READY or event["version"] <= self.session.sent_version:
            return
        self.session.cp_mode = event["sync_mode"]
        committed = event["committed_at"]
        self._mark_behind(datetime.fromtimestamp(committed, UTC) if committed else timezone.now())
        if not self.session.incremental:
            await self._send_snapshot("full_mode", version_hint=event["version"])
        elif event["version"] == self.session.sent_version + 1 and event["frame"] is not None:
            delta = frames.Delta(
                event["version"],
                event["committed_at"],
                protocol.Frame(event["frame"], event["raw_bytes"]),
                event["revocation_epoch"],
            )
            await self._deliver_delta(delta)
        else:
            await self._send_deltas(self.session.sent_version + 1, event["version"])

    async def _send_deltas(self, first: int, last: int) -> None:
        try:
            batch = await frames.delta_frames(self.cp_id, first, last)
        except frames.VersionGone:
            await self._send_snapshot("too_far_behind")
            return
        for delta in batch:
            await self._deliver_delta(delta)

    async def _deliver_delta(self, delta: frames.Delta) -> None:
        await self._check_revocation(delta.revocation_epoch)
        await self._deliver(delta.version, protocol.DELTA, delta.committed_at, delta.frame)

    async def _send_snapshot(self, reason: str, version_hint: int | None = None) -> None:
        snapshot = await frames.snapshot_frame(self.cp_id, reason, version_hint=version_hint)
        await self._check_revocation(snapshot.revocation_epoch)
        await self._deliver(
            snapshot.version, protocol.SNAPSHOT, snapshot.committed_at, snapshot.frame
        )

    async def _deliver(
        self,
        version: int,
        payload_type: protocol.PayloadType,
        committed_at: float,
        frame: protocol.Frame,
    ) -> None:
        self.session.sent_version = version
        counted_from = time.time() if self.session.catching_up else committed_at
        self.session.in_flight[version] = (payload_type, counted_from, frame.wire_bytes)
        metrics.payload_sent(self.cp_id, payload_type, frame.wire_bytes)
        await self._send(frame)

    async def _send(self, frame: protocol.Frame) -> None:
        # A large snapshot goes out as consecutive parts; a heartbeat may slip between them.
        for data in protocol.split(frame):
            if isinstance(data, bytes):
                await self.send(bytes_data=data)
            else:
                await self.send(text_data=data)

    async def _check_revocation(self, epoch: int) -> None:
        """Close with 4403, and raise Revoked, if the node was revoked by ``epoch``.

        Costs a comparison unless a revocation committed since the last check; then one read
        per process and control plane (heads.is_revoked), not one per node.
        """
        if epoch <= self.session.checked_epoch:
            return
        if await heads.is_revoked(self.cp_id, self.node_id, epoch):
            await self._fail(protocol.CLOSE_REVOKED, "this node was revoked")
            raise Revoked
        self.session.checked_epoch = epoch

    # --- acknowledgements -----------------------------------------------------------------

    def _ack(self, message: dict[str, Any]) -> None:
        version = message["version"]
        sent = self.session.in_flight.pop(version, None)
        if sent is None:
            raise protocol.ProtocolError(
                protocol.CLOSE_OUT_OF_ORDER, f"ack for version {version}, which was not sent"
            )
        for older in [v for v in self.session.in_flight if v < version]:
            del self.session.in_flight[older]
        self.session.nacks = 0
        self.session.node_version = version
        payload_type, committed_at, _ = sent
        now = timezone.now()
        if not self.session.in_flight and version >= self.session.sent_version:
            self._mark_behind(None, replace_mark=True)  # caught up with all it was sent
        commit_to_ack = max(0.0, (now.timestamp() - committed_at) * 1000) if committed_at else None
        assert self.node is not None
        acks.record_ack(self.node, self.session, message, payload_type, commit_to_ack, now)
        metrics.acked(self.cp_id, payload_type, commit_to_ack)

    async def _nack(self, message: dict[str, Any]) -> None:
        """Answer a nack with a snapshot, except a gap the last resync already covers.

        A ``gap`` nack for a version at most ``resync_version`` refuses a delta that was sent
        before the snapshot answering an earlier nack: that snapshot brings the node to that
        version or later, so a second one would only repeat it (docs/sync-protocol.md).
        """
        metrics.nacked(self.cp_id)
        if (
            message["reason"] == protocol.NACK_GAP
            and message["version"] <= self.session.resync_version
        ):
            return
        self.session.nacks += 1
        if self.session.nacks > MAX_CONSECUTIVE_NACKS:
            raise protocol.ProtocolError(
                protocol.CLOSE_PROTOCOL_ERROR, "the node refused every snapshot; giving up"
            )
        logger.warning("node %s nacked version %s: %s", self.node_id, message["version"], message)
        node_state.nack(self.cp_id, self.node_id, message)
        self.session.in_flight.clear()
        reason = "hash_mismatch" if message["reason"] == protocol.NACK_HASH_MISMATCH else "nack"
        await self._send_snapshot(reason)
        self.session.resync_version = self.session.sent_version

    # --- control-plane events -------------------------------------------------------------

    async def sync_settings(self, event: dict[str, Any]) -> None:
        self.session.cp_mode = event["sync_mode"]
        if self.state == READY:
            node_state.update(self.cp_id, self.node_id, sync_mode=self.session.mode)

    async def sync_connected(self, event: dict[str, Any]) -> None:
        """The same node connected again (a half-open socket, or a restart): the newer wins.

        Events can arrive late, even an older connection's after a newer one joined, so
        each side compares connection times instead of trusting arrival order.
        """
        if event["node_id"] != self.node_id or event["channel_name"] == self.channel_name:
            return
        theirs = (event["connected_at"], event["channel_name"])
        if theirs > (self.session.connected_at, self.channel_name):
            self.session.replaced = True
            await self._fail(protocol.CLOSE_REPLACED, "replaced by a newer connection of this node")

    async def sync_revoke(self, event: dict[str, Any]) -> None:
        if event["node_id"] in (None, self.node_id):
            await self._fail(protocol.CLOSE_REVOKED, "this node was revoked")

    # --- liveness, anti-entropy and failure -----------------------------------------------

    async def _heartbeat(self) -> None:
        """Every half interval: the silence check, the head check; a ping every interval."""
        timeout = settings.KONNECTLITE_HEARTBEAT_TIMEOUT
        interval = min(settings.KONNECTLITE_HEARTBEAT_INTERVAL, timeout / 3)
        while True:
            await asyncio.sleep(interval / 2)
            now = time.monotonic()
            if now - self.session.last_heard > timeout:
                await self._fail(protocol.CLOSE_HEARTBEAT_TIMEOUT, "no heartbeat from the node")
                return
            try:
                # Read outside the turn: every connection of the process waits on the same
                # read at the same tick, and a version's delivery must not wait behind it.
                head = await heads.head(self.cp_id, max_age=interval / 2)
                async with self.turn:
                    await self._compare_with_head(head)
            except Revoked:
                return
            except Exception:  # a database hiccup must not end the heartbeat
                logger.exception("node %s: head check failed", self.node_id)
            if now - self.session.last_ping_sent >= interval:
                self.session.last_ping_sent = now
                await self._send(protocol.encode(protocol.ping(ts=time.time())))

    async def _compare_with_head(self, head: heads.Head | None) -> None:
        """Anti-entropy: compare the node with the control plane's head, not with events."""
        if head is None:  # the control plane was deleted
            await self._fail(protocol.CLOSE_REVOKED, "this node's control plane was deleted")
            raise Revoked
        await self._check_revocation(head.revocation_epoch)
        if self.session.rejoin:
            await self._join_groups()
        if self.state != READY or self.session.in_flight:
            self.session.lagging_behind = 0
            return  # an answer is due; it, or the next check, tells where the node stands
        self.session.cp_mode = head.sync_mode
        # Behind at two checks in a row: a version's event can trail the head by a moment
        # under a large fan-out, and that is no reason to read the log or warn.
        if self.session.node_version < self.session.lagging_behind:
            await self._catch_up(head)
        self.session.lagging_behind = (
            head.version if self.session.node_version < head.version else 0
        )

    async def _catch_up(self, head: heads.Head) -> None:
        logger.warning(
            "node %s is at version %d, behind %d with nothing in flight: catching it up",
            self.node_id,
            self.session.node_version,
            head.version,
        )
        # A missed version may mean the layer lost this connection's group membership.
        self.session.rejoin = True
        self.session.sent_version = self.session.node_version
        self._mark_behind(timezone.now())
        self.session.catching_up = True
        try:
            if self.session.incremental:
                await self._send_deltas(self.session.node_version + 1, head.version)
            else:
                await self._send_snapshot("full_mode")
        finally:
            self.session.catching_up = False

    def _mark_behind(self, since: datetime | None, *, replace_mark: bool = False) -> None:
        """Record since when the node lacks a version (None: it has all it was sent).

        Only the first moment counts while the node stays behind, and the write joins the
        node's next batch (node_state), so a version's delivery costs no extra query.
        """
        if since is not None and self.behind_since is not None and not replace_mark:
            return
        if since == self.behind_since:
            return
        self.behind_since = since
        node_state.update(self.cp_id, self.node_id, behind_since=since)

    async def _fail(self, code: int, message: str) -> None:
        try:
            await self._send(protocol.encode(protocol.error(code=code, message=message)))
        finally:
            await self.close(code=code, reason=message[:120])


def _bearer(scope: Any) -> str:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, secret = value.decode(errors="replace").partition(" ")
            if scheme.lower() == "bearer":
                return secret.strip()
    return ""


@database_sync_to_async
def _authenticate(credential: str) -> DataPlaneNode | None:
    return log.authenticate_node(credential) if credential else None


_catch_up_facts = database_sync_to_async(log.catch_up_facts)
