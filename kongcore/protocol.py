"""The sync protocol between the control plane and data-plane nodes, defined once.

docs/sync-protocol.md is the prose form of this module; keep the two together.

Every message is a JSON object with a ``type``. It travels either as a text frame (the JSON
itself) or as a binary frame (the same JSON, UTF-8, zlib-compressed). The control plane
compresses any message whose JSON exceeds ``COMPRESS_THRESHOLD`` bytes, so snapshots always
travel compressed and most one-entity deltas travel as plain text.
"""

import json
import struct
import zlib
from typing import Any, Final, Literal, TypedDict

PROTOCOL_VERSION: Final = 1
SYNC_PATH: Final = "/v2/dataplane/sync"
REGISTER_PATH: Final = "/v2/dataplane/register"

# Node -> control plane.
HELLO: Final = "hello"
ACK: Final = "ack"
NACK: Final = "nack"
# Control plane -> node.
WELCOME: Final = "welcome"
DELTA: Final = "delta"
SNAPSHOT: Final = "snapshot"
ERROR: Final = "error"
# Both ways.
PING: Final = "ping"
PONG: Final = "pong"

NODE_MESSAGE_TYPES: Final = frozenset({HELLO, ACK, NACK, PING, PONG})
SERVER_MESSAGE_TYPES: Final = frozenset({WELCOME, DELTA, SNAPSHOT, ERROR, PING, PONG})

# The one vocabulary for sync modes inside the code (the agent's CLI keeps Kong's on|off, and
# the control plane's API Konnect's ``incremental_sync``; both translate at their edge).
SyncMode = Literal["incremental", "full"]
INCREMENTAL: Final[SyncMode] = "incremental"
FULL: Final[SyncMode] = "full"
SYNC_MODES: Final[tuple[SyncMode, ...]] = (INCREMENTAL, FULL)
# What a node received for a version: a delta or a snapshot, named as the message types are.
PayloadType = Literal["delta", "snapshot"]
Operation = Literal["create", "update", "delete"]

# Close codes (RFC 6455 reserves 4000-4999 for applications).
CLOSE_GOING_AWAY: Final = 1001
# RFC 6455's "message too big": the server's WebSocket layer refuses a message over
# MAX_MESSAGE_BYTES before it is read whole, so no `error` message precedes this one.
CLOSE_MESSAGE_TOO_BIG: Final = 1009
CLOSE_PROTOCOL_ERROR: Final = 4400  # invalid JSON, unknown type, missing or mistyped fields
CLOSE_UNAUTHORIZED: Final = 4401  # missing or wrong node credential
CLOSE_REVOKED: Final = 4403  # the node was revoked or deleted, or its control plane deleted
CLOSE_HEARTBEAT_TIMEOUT: Final = 4408  # nothing heard from the peer for the heartbeat timeout
CLOSE_OUT_OF_ORDER: Final = 4409  # a message arrived in a state where it is not allowed
CLOSE_REPLACED: Final = 4410  # the same node opened a newer connection
CLOSE_TOO_LARGE: Final = 4413  # a frame over MAX_NODE_FRAME_BYTES

# Frames a node sends are small: hello, acks and pings. Anything larger is refused.
MAX_NODE_FRAME_BYTES: Final = 64 * 1024
# Frames a node accepts: a compressed snapshot of a very large config.
MAX_SERVER_FRAME_BYTES: Final = 512 * 1024 * 1024
# No single WebSocket message is larger than this, in either direction; a larger encoded
# message (a big snapshot) travels as parts. The server's WebSocket limit is set to it, so no
# peer can make it buffer more than this for one message.
MAX_MESSAGE_BYTES: Final = 1024 * 1024
PART_MARKER: Final = b"\x01"
_PART_HEADER = struct.Struct(">II")  # part index, part count
# Slack below the limit, so that no WebSocket implementation's off-by-one can refuse a part.
PART_BYTES: Final = MAX_MESSAGE_BYTES - 4096
COMPRESS_THRESHOLD: Final = 4 * 1024

NACK_HASH_MISMATCH: Final = "hash_mismatch"
NACK_APPLY_FAILED: Final = "apply_failed"
NACK_GAP: Final = "gap"

SNAPSHOT_REASONS: Final = frozenset(
    {"new", "full_mode", "too_far_behind", "ahead", "hash_mismatch", "nack"}
)


class Change(TypedDict):
    op: Operation
    entity_type: str
    entity: dict[str, Any] | None
    old_entity: dict[str, Any] | None


class ProtocolError(Exception):
    """A peer broke the protocol; ``code`` is the close code to answer with."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Frame:
    """One encoded message: what goes on the wire, and its uncompressed size."""

    __slots__ = ("data", "raw_bytes")

    def __init__(self, data: str | bytes, raw_bytes: int) -> None:
        self.data = data
        self.raw_bytes = raw_bytes

    @property
    def wire_bytes(self) -> int:
        return len(self.data) if isinstance(self.data, bytes) else len(self.data.encode())

    @property
    def is_binary(self) -> bool:
        return isinstance(self.data, bytes)


def split(frame: Frame, part_bytes: int = PART_BYTES) -> list[str | bytes]:
    """The WebSocket messages that carry ``frame``: itself, or parts of a large binary frame.

    A part is a binary message: the marker byte 0x01 (a zlib stream starts with 0x78), the
    part's index and the number of parts as 32-bit big-endian integers, then the bytes.
    """
    if len(frame.data) <= part_bytes or not isinstance(frame.data, bytes):
        return [frame.data]
    chunks = [frame.data[at : at + part_bytes] for at in range(0, len(frame.data), part_bytes)]
    return [
        PART_MARKER + _PART_HEADER.pack(index, len(chunks)) + chunk
        for index, chunk in enumerate(chunks)
    ]


def is_part(data: str | bytes) -> bool:
    return isinstance(data, bytes) and data[:1] == PART_MARKER


class PartAssembler:
    """Joins the parts of one large frame, refusing gaps, reordering and oversize."""

    def __init__(self, max_bytes: int = MAX_SERVER_FRAME_BYTES) -> None:
        self.max_bytes = max_bytes
        self._chunks: list[bytes] = []
        self._count = 0
        self._size = 0
        self._wire_bytes = 0

    def add(self, data: bytes) -> tuple[bytes, int] | None:
        """Take one part; once the last arrived, return the whole frame and its wire size."""
        if len(data) < 1 + _PART_HEADER.size:
            raise ProtocolError(CLOSE_PROTOCOL_ERROR, "truncated part header")
        index, count = _PART_HEADER.unpack_from(data, 1)
        expected = self._count or count
        if index != len(self._chunks) or count != expected or count < 2:
            raise ProtocolError(CLOSE_OUT_OF_ORDER, f"part {index} of {count} out of order")
        chunk = data[1 + _PART_HEADER.size :]
        self._count, self._size = count, self._size + len(chunk)
        if self._size > self.max_bytes:
            raise ProtocolError(CLOSE_TOO_LARGE, f"parts exceed {self.max_bytes} bytes")
        self._chunks.append(chunk)
        self._wire_bytes += len(data)
        if len(self._chunks) < count:
            return None
        whole, wire_bytes = b"".join(self._chunks), self._wire_bytes
        self._chunks, self._count, self._size, self._wire_bytes = [], 0, 0, 0
        return whole, wire_bytes


def dumps(message: dict[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


def encode(message: dict[str, Any], *, compress_threshold: int = COMPRESS_THRESHOLD) -> Frame:
    text = dumps(message)
    raw = text.encode()
    if len(raw) > compress_threshold:
        return Frame(zlib.compress(raw, 6), len(raw))
    return Frame(text, len(raw))


def decode(data: str | bytes, *, max_raw_bytes: int) -> tuple[dict[str, Any], int]:
    """Parse one frame into a message; return it with its uncompressed size."""
    raw = _inflate(data, max_raw_bytes) if isinstance(data, bytes) else data.encode()
    if len(raw) > max_raw_bytes:
        raise ProtocolError(CLOSE_TOO_LARGE, f"message of {len(raw)} bytes exceeds {max_raw_bytes}")
    try:
        message = json.loads(raw, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ProtocolError(CLOSE_PROTOCOL_ERROR, f"invalid JSON: {exc}") from None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise ProtocolError(CLOSE_PROTOCOL_ERROR, "a message must be a JSON object with a 'type'")
    return message, len(raw)


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are not JSON, and no other implementation could hash them alike.
    raise ValueError(f"{name} is not valid JSON")


def _inflate(data: bytes, max_raw_bytes: int) -> bytes:
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(data, max_raw_bytes + 1)
    except zlib.error as exc:
        raise ProtocolError(CLOSE_PROTOCOL_ERROR, f"invalid compressed frame: {exc}") from None
    if len(raw) > max_raw_bytes or inflater.unconsumed_tail:
        raise ProtocolError(CLOSE_TOO_LARGE, f"message inflates past {max_raw_bytes} bytes")
    return raw


# Required fields of each message, with their JSON types. Extra fields are ignored so that
# newer peers can add fields without breaking older ones.
_FIELDS: Final[dict[str, dict[str, tuple[type, ...]]]] = {
    HELLO: {
        "protocol": (int,),
        "hostname": (str,),
        "version": (str,),
        "sync_mode": (str,),
        "config_version": (int,),
        "config_hash": (str,),
    },
    ACK: {
        "version": (int,),
        "hash": (str,),
        "wire_bytes": (int,),
        "raw_bytes": (int,),
        "apply_ms": (int, float),
    },
    NACK: {"version": (int,), "reason": (str,)},
    PING: {},
    PONG: {},
    WELCOME: {
        "control_plane_id": (str,),
        "node_id": (str,),
        "sync_mode": (str,),
        "config_version": (int,),
        "config_hash": (str,),
        "heartbeat_interval": (int, float),
        "heartbeat_timeout": (int, float),
    },
    DELTA: {"from_version": (int,), "to_version": (int,), "hash": (str,), "changes": (list,)},
    SNAPSHOT: {"version": (int,), "hash": (str,), "reason": (str,), "config": (dict,)},
    ERROR: {"code": (int,), "message": (str,)},
}


def check_fields(message: dict[str, Any], allowed: frozenset[str]) -> str:
    """Validate a decoded message's type and fields; return its type."""
    kind = message["type"]
    if kind not in allowed:
        raise ProtocolError(CLOSE_PROTOCOL_ERROR, f"unknown message type '{kind}'")
    for name, types in _FIELDS[kind].items():
        value = message.get(name)
        # bool is an int in Python, never a valid number here.
        if not isinstance(value, types) or isinstance(value, bool):
            expected = " or ".join(t.__name__ for t in types)
            raise ProtocolError(CLOSE_PROTOCOL_ERROR, f"'{kind}.{name}' must be a {expected}")
    if kind in (HELLO, WELCOME) and message["sync_mode"] not in SYNC_MODES:
        raise ProtocolError(CLOSE_PROTOCOL_ERROR, f"'{kind}.sync_mode' must be incremental or full")
    return str(kind)


# Builders: the only places that shape each message.


def hello(
    *,
    node_id: str,
    hostname: str,
    version: str,
    sync_mode: SyncMode,
    config_version: int,
    config_hash: str,
    labels: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "type": HELLO,
        "protocol": PROTOCOL_VERSION,
        "node_id": node_id,
        "hostname": hostname,
        "version": version,
        "sync_mode": sync_mode,
        "config_version": config_version,
        "config_hash": config_hash,
        "labels": labels or {},
    }


def welcome(
    *,
    control_plane_id: str,
    node_id: str,
    sync_mode: SyncMode,
    config_version: int,
    config_hash: str,
    heartbeat_interval: float,
    heartbeat_timeout: float,
) -> dict[str, Any]:
    return {
        "type": WELCOME,
        "protocol": PROTOCOL_VERSION,
        "control_plane_id": control_plane_id,
        "node_id": node_id,
        "sync_mode": sync_mode,
        "config_version": config_version,
        "config_hash": config_hash,
        "heartbeat_interval": heartbeat_interval,
        "heartbeat_timeout": heartbeat_timeout,
    }


def delta(
    *,
    from_version: int,
    to_version: int,
    config_hash: str,
    committed_at: float,
    changes: list[Change],
) -> dict[str, Any]:
    return {
        "type": DELTA,
        "from_version": from_version,
        "to_version": to_version,
        "hash": config_hash,
        "committed_at": committed_at,
        "changes": changes,
    }


def wire_change(change: Change) -> Change:
    """A change as a delta carries it: the entity before the change is left to the node,
    which holds it already; a delete names its entity by id."""
    old = change["old_entity"]
    if change["op"] == "delete" and old is not None:
        return {**change, "entity": None, "old_entity": {"id": old["id"]}}
    return {**change, "old_entity": None}


def snapshot(
    *,
    version: int,
    config_hash: str,
    committed_at: float,
    reason: str,
    config: dict[str, list[dict[str, Any]]],
) -> dict[str, Any]:
    return {
        "type": SNAPSHOT,
        "version": version,
        "hash": config_hash,
        "committed_at": committed_at,
        "reason": reason,
        "config": config,
    }


def ack(
    *, version: int, config_hash: str, wire_bytes: int, raw_bytes: int, apply_ms: float
) -> dict[str, Any]:
    return {
        "type": ACK,
        "version": version,
        "hash": config_hash,
        "wire_bytes": wire_bytes,
        "raw_bytes": raw_bytes,
        "apply_ms": apply_ms,
    }


def nack(*, version: int, reason: str, detail: str = "") -> dict[str, Any]:
    return {"type": NACK, "version": version, "reason": reason, "detail": detail}


def ping(*, ts: float, config_version: int | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"type": PING, "ts": ts}
    if config_version is not None:
        message["config_version"] = config_version
    return message


def pong(*, ts: float) -> dict[str, Any]:
    return {"type": PONG, "ts": ts}


def error(*, code: int, message: str) -> dict[str, Any]:
    return {"type": ERROR, "code": code, "message": message}
