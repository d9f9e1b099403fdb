"""One WebSocket connection to the control plane, from hello to close.

The session sends ``hello``, waits for ``welcome``, then applies every delta and snapshot in
the order received and answers each with ``ack`` or ``nack``. Decoding and applying run on the
agent's single apply thread, so a large snapshot does not stall the event loop: the heartbeat
task keeps pinging the control plane while it is applied.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from dataplane.applier import Applier, Incoming, decode_frame
from dataplane.status import StatusBoard
from kongcore import protocol

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_HEARTBEAT_INTERVAL = 10.0
DEFAULT_HEARTBEAT_TIMEOUT = 30.0
# A snapshot that fails twice in a row will fail forever: the control plane answers each nack
# with the same snapshot. Closing turns that loop into reconnects with a growing backoff.
MAX_SNAPSHOT_FAILURES = 2
CLOSE_INTERNAL_ERROR = 1011
_MAX_CLOSE_REASON = 120  # RFC 6455 allows 123 bytes


@dataclass(frozen=True)
class SessionEnd:
    """How a connection ended, and whether it earned a backoff reset."""

    code: int | None
    reason: str
    welcomed: bool
    healthy: bool


class Session:
    """The protocol state of one connection."""

    def __init__(
        self,
        ws: ClientConnection,
        *,
        hello: dict[str, Any],
        applier: Applier,
        board: StatusBoard,
        worker: Executor,
    ) -> None:
        self._ws = ws
        self._hello = hello
        self._applier = applier
        self._board = board
        self._worker = worker
        self._welcomed = False
        self._snapshot_failures = 0
        self._heartbeat_timeout = DEFAULT_HEARTBEAT_TIMEOUT
        self._heartbeat: asyncio.Task[None] | None = None
        self._parts = protocol.PartAssembler()

    async def run(self) -> SessionEnd:
        try:
            await self._send(self._hello)
            return await self._receive_loop()
        except ConnectionClosed as exc:
            return self._closed(exc)
        finally:
            if self._heartbeat is not None:
                self._heartbeat.cancel()

    async def _receive_loop(self) -> SessionEnd:
        while True:
            try:
                # Time spent applying does not count: wait_for only covers the wait for a frame,
                # and frames that arrived meanwhile are already buffered.
                data = await asyncio.wait_for(self._ws.recv(), self._heartbeat_timeout)
            except TimeoutError:
                reason = f"nothing heard for {self._heartbeat_timeout:g} s"
                return await self._close(protocol.CLOSE_HEARTBEAT_TIMEOUT, reason, healthy=True)
            try:
                await self._handle(data)
            except protocol.ProtocolError as exc:
                log.error("control plane broke the protocol: %s", exc.message)
                return await self._close(exc.code, exc.message, healthy=False)
            if self._snapshot_failures >= MAX_SNAPSHOT_FAILURES:
                reason = "cannot apply the control plane's snapshot"
                return await self._close(CLOSE_INTERNAL_ERROR, reason, healthy=False)

    async def _handle(self, data: str | bytes) -> None:
        wire_bytes = None
        if protocol.is_part(data):
            assembled = self._parts.add(data)  # type: ignore[arg-type]
            if assembled is None:
                return
            data, wire_bytes = assembled
        incoming = await self._in_worker(decode_frame, data)
        if wire_bytes is not None:
            incoming = replace(incoming, wire_bytes=wire_bytes)
        message, kind = incoming.message, incoming.kind
        if kind == protocol.PING:
            ts = message.get("ts")
            await self._send(protocol.pong(ts=ts if isinstance(ts, int | float) else time.time()))
        elif kind == protocol.ERROR:
            log.error("control plane error %d: %s", message["code"], message["message"])
        elif kind == protocol.WELCOME:
            await self._on_welcome(message)
        elif kind in (protocol.DELTA, protocol.SNAPSHOT):
            await self._on_config(incoming)
        # A pong only proves the control plane is alive, which receiving it already did.

    async def _on_welcome(self, message: dict[str, Any]) -> None:
        if self._welcomed:
            raise protocol.ProtocolError(protocol.CLOSE_OUT_OF_ORDER, "a second welcome")
        self._welcomed = True
        interval = _positive(message["heartbeat_interval"], DEFAULT_HEARTBEAT_INTERVAL)
        self._heartbeat_timeout = _positive(message["heartbeat_timeout"], DEFAULT_HEARTBEAT_TIMEOUT)
        if message["node_id"] != self._hello["node_id"]:
            log.warning(
                "welcome is for node %s, not %s", message["node_id"], self._hello["node_id"]
            )
        await self._in_worker(self._applier.store.set_control_plane_id, message["control_plane_id"])
        # "connected" on the status page means accepted by the control plane, not just a socket.
        self._board.update(
            connected=True,
            sync_mode=message["sync_mode"],
            control_plane_id=message["control_plane_id"],
        )
        log.info(
            "welcome: sync mode %s (asked for %s), control plane at version %d, node at %d",
            message["sync_mode"],
            self._hello["sync_mode"],
            message["config_version"],
            self._hello["config_version"],
        )
        self._heartbeat = asyncio.create_task(self._send_pings(interval))

    async def _on_config(self, incoming: Incoming) -> None:
        if not self._welcomed:
            raise protocol.ProtocolError(
                protocol.CLOSE_OUT_OF_ORDER, f"{incoming.kind} before welcome"
            )
        reply = await self._in_worker(self._applier.apply, incoming)
        if incoming.kind == protocol.SNAPSHOT:
            failed = reply["type"] == protocol.NACK
            self._snapshot_failures = self._snapshot_failures + 1 if failed else 0
        await self._send(reply)

    async def _send_pings(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            ping = protocol.ping(ts=time.time(), config_version=self._applier.store.version)
            try:
                await self._send(ping)
            except ConnectionClosed:
                return  # the receive loop sees the close and reports it

    async def _send(self, message: dict[str, Any]) -> None:
        await self._ws.send(protocol.encode(message).data)

    async def _close(self, code: int, reason: str, *, healthy: bool) -> SessionEnd:
        """Close from our side; ``healthy=False`` when reconnecting at once would not help."""
        await self._ws.close(code, reason.encode()[:_MAX_CLOSE_REASON].decode(errors="ignore"))
        log.warning("disconnected: closed by the node with code %d (%s)", code, reason)
        return SessionEnd(code, reason, self._welcomed, self._welcomed and healthy)

    def _closed(self, exc: ConnectionClosed) -> SessionEnd:
        code = exc.rcvd.code if exc.rcvd is not None else None
        reason = exc.rcvd.reason if exc.rcvd is not None else "connection lost"
        shown = "none" if code is None else str(code)
        log.warning("disconnected: close code %s (%s)", shown, reason or "no reason given")
        # A node replaced by a newer connection of itself must not win the fight by retrying
        # quickly: the backoff keeps growing instead of resetting.
        healthy = self._welcomed and code != protocol.CLOSE_REPLACED
        return SessionEnd(code, reason, self._welcomed, healthy)

    async def _in_worker(self, function: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, function, *args)


def _positive(value: float, default: float) -> float:
    return float(value) if value > 0 else default
