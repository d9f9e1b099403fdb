"""Many data-plane nodes in one process: real WebSocket clients speaking kongcore.protocol.

A ``LightNode`` does what the control plane can observe of a node (hello, acks, pongs) and
nothing else: it keeps no store and acknowledges each version as soon as it has read it. That
isolates the control plane and the wire; what applying costs a real node is measured with the
real agent (bench/sections/node_cost.py).

A snapshot is only inflated as far as its header (version, hash, commit time), unless
``inflate`` is asked for: inflating a 30 MB snapshot for each of 100 clients in one process
would measure this process, not the control plane.
"""

import asyncio
import json
import re
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bench.cluster import NodeIdentity
from bench.errors import BenchFailure
from kongcore import protocol
from kongcore.hashing import EMPTY_HASH


@dataclass(frozen=True)
class Receipt:
    """One version as a node received it."""

    version: int
    kind: str  # a protocol.PayloadType: "delta" or "snapshot"
    wire_bytes: int
    raw_bytes: int  # 0 when a snapshot was read only as far as its header
    latency_ms: float  # from the commit time the message carries to the ack being sent


class LightNode:
    def __init__(
        self, identity: NodeIdentity, url: str, mode: protocol.SyncMode, *, inflate: bool = False
    ) -> None:
        self.identity = identity
        self.url = url
        self.mode = mode
        self.inflate = inflate
        self.version = 0
        self.config_hash = EMPTY_HASH
        self.receipts: dict[int, Receipt] = {}
        self.problems: list[str] = []
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._welcomed = asyncio.Event()
        self._parts = protocol.PartAssembler()

    async def connect(self, within: float) -> None:
        """Open the socket, say hello at the node's current version, wait for the welcome."""
        self._welcomed = asyncio.Event()
        self._ws = await connect(
            self.url,
            additional_headers={"Authorization": f"Bearer {self.identity.credential}"},
            open_timeout=within,
            close_timeout=5,
            ping_interval=None,
            compression=None,
            max_size=protocol.MAX_SERVER_FRAME_BYTES,
        )
        await self._send(self._hello())
        self._reader = asyncio.create_task(self._read(self._ws))
        try:
            await asyncio.wait_for(self._welcomed.wait(), within)
        except TimeoutError:
            raise BenchFailure(f"{self.identity.name}: no welcome within {within} s") from None

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)
        self._ws = self._reader = None

    def _hello(self) -> dict[str, Any]:
        return protocol.hello(
            node_id=self.identity.node_id,
            hostname=self.identity.name,
            version="bench",
            sync_mode=self.mode,
            config_version=self.version,
            config_hash=self.config_hash,
        )

    async def _read(self, ws: ClientConnection) -> None:
        try:
            async for data in ws:
                await self._handle(data)
        except ConnectionClosed as exc:
            if exc.rcvd is not None and exc.rcvd.code >= 4000:
                self.problems.append(
                    f"{self.identity.name}: closed {exc.rcvd.code} {exc.rcvd.reason}"
                )

    async def _handle(self, data: str | bytes) -> None:
        part_wire_bytes = None
        if protocol.is_part(data):
            assembled = self._parts.add(data)  # type: ignore[arg-type]
            if assembled is None:
                return
            data, part_wire_bytes = assembled
        message, wire_bytes, raw_bytes = parse(data, self.inflate)
        wire_bytes = part_wire_bytes or wire_bytes
        kind = message.get("type")
        if kind == protocol.PING:
            await self._send(protocol.pong(ts=message.get("ts", 0)))
        elif kind == protocol.WELCOME:
            self._welcomed.set()
        elif kind == protocol.DELTA:
            await self._on_delta(message, wire_bytes, raw_bytes)
        elif kind == protocol.SNAPSHOT:
            await self._acknowledge("snapshot", message, message["version"], wire_bytes, raw_bytes)
        elif kind == protocol.ERROR:
            self.problems.append(f"{self.identity.name}: error {message}")

    async def _on_delta(self, message: dict[str, Any], wire_bytes: int, raw_bytes: int) -> None:
        if message["from_version"] != self.version:
            self.problems.append(
                f"{self.identity.name}: delta from {message['from_version']} at {self.version}"
            )
            await self._send(protocol.nack(version=self.version, reason=protocol.NACK_GAP))
            return
        await self._acknowledge("delta", message, message["to_version"], wire_bytes, raw_bytes)

    async def _acknowledge(
        self, kind: str, message: dict[str, Any], version: int, wire_bytes: int, raw_bytes: int
    ) -> None:
        self.version, self.config_hash = version, message["hash"]
        ack = protocol.ack(
            version=version,
            config_hash=self.config_hash,
            wire_bytes=wire_bytes,
            raw_bytes=raw_bytes,
            apply_ms=0.0,
        )
        latency_ms = (time.time() - float(message["committed_at"])) * 1000
        self.receipts[version] = Receipt(version, kind, wire_bytes, raw_bytes, latency_ms)
        await self._send(ack)

    async def _send(self, message: dict[str, Any]) -> None:
        if self._ws is not None:
            await self._ws.send(protocol.dumps(message))


def parse(data: str | bytes, inflate: bool) -> tuple[dict[str, Any], int, int]:
    """A server frame as (message, bytes on the wire, bytes uncompressed or 0 if unknown)."""
    if isinstance(data, str):
        size = len(data.encode())
        return json.loads(data), size, size
    if not inflate and (header := snapshot_header(data)) is not None:
        return header, len(data), 0
    message, raw_bytes = protocol.decode(data, max_raw_bytes=protocol.MAX_SERVER_FRAME_BYTES)
    return message, len(data), raw_bytes


_HEADER_FIELDS = {
    "version": (re.compile(r'"version":(\d+)'), int),
    "hash": (re.compile(r'"hash":"([0-9a-f]{64})"'), str),
    "committed_at": (re.compile(r'"committed_at":([0-9.eE+-]+)'), float),
}


def snapshot_header(data: bytes) -> dict[str, Any] | None:
    """Version, hash and commit time of a compressed snapshot, from its first 2 KB only.

    Relies on the builder writing those fields before ``config``; if it ever stops doing so,
    this returns None and the caller inflates the whole message instead.
    """
    try:
        head = zlib.decompressobj().decompress(data, 2048).decode("utf-8", "ignore")
    except zlib.error:
        return None
    head = head.split('"config":', 1)[0]
    if not head.startswith('{"type":"snapshot"'):
        return None
    header: dict[str, Any] = {"type": protocol.SNAPSHOT}
    for name, (pattern, convert) in _HEADER_FIELDS.items():
        if (found := pattern.search(head)) is None:
            return None
        header[name] = convert(found.group(1))
    return header


class Fleet:
    """Nodes connected, waited on and closed together."""

    def __init__(self, nodes: list[LightNode]) -> None:
        self.nodes = nodes

    @classmethod
    def of(
        cls, identities: Iterable[NodeIdentity], url: str, mode: protocol.SyncMode, **options: Any
    ) -> "Fleet":
        return cls([LightNode(identity, url, mode, **options) for identity in identities])

    def place(self, version: int, config_hash: str) -> None:
        """Say every node already holds this version (as a node restarted from its store)."""
        for node in self.nodes:
            node.version, node.config_hash = version, config_hash

    async def connect(self, *, concurrency: int = 50, within: float = 60) -> float:
        """Connect every node, ``concurrency`` at a time; return the seconds it took."""
        started = time.monotonic()
        gate = asyncio.Semaphore(concurrency)

        async def one(node: LightNode) -> None:
            async with gate:
                await node.connect(within)

        await asyncio.gather(*(one(node) for node in self.nodes))
        return time.monotonic() - started

    async def wait_version(self, version: int, within: float) -> float:
        """Wait until every node acknowledged ``version``; return the seconds it took."""
        started = time.monotonic()
        while any(node.version < version for node in self.nodes):
            if time.monotonic() - started > within:
                behind = [n for n in self.nodes if n.version < version]
                raise BenchFailure(
                    f"{len(behind)} of {len(self.nodes)} nodes did not reach version {version} "
                    f"within {within} s (e.g. {behind[0].identity.name} at {behind[0].version}); "
                    f"problems: {self.problems()[:3]}"
                )
            await asyncio.sleep(0.002)
        return time.monotonic() - started

    async def close(self) -> None:
        await asyncio.gather(*(node.close() for node in self.nodes))

    def problems(self) -> list[str]:
        return [problem for node in self.nodes for problem in node.problems]

    def receipts(self, versions: Iterable[int]) -> list[Receipt]:
        wanted = set(versions)
        return [r for node in self.nodes for v, r in node.receipts.items() if v in wanted]

    def check(self) -> None:
        """Fail if any node saw a protocol problem (a gap, an error, a refused connection)."""
        if problems := self.problems():
            raise BenchFailure(f"{len(problems)} node problem(s), e.g. {problems[:3]}")
