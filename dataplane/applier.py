"""Applying deltas and snapshots: store, then cache and events, then the reply.

This is the one path every config change takes into the node, whether it came over the wire or
from a test. Each method returns the message to answer with (``ack`` or ``nack``) and never
raises for a bad message: a node that cannot apply something says so and gets a snapshot.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from dataplane.cache import Cache
from dataplane.changes import ChangeError, index_snapshot, plan_delta
from dataplane.events import CrudEvent, Events, ReconfigureEvent
from dataplane.store import Store, StoredChange, SyncRecord
from kongcore import hashing, protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Incoming:
    """A decoded server message with the sizes the ack reports."""

    message: dict[str, Any]
    kind: str
    wire_bytes: int
    raw_bytes: int
    started: float  # perf_counter() when decoding began; apply_ms counts from here


def decode_frame(data: str | bytes) -> Incoming:
    """Decode and validate one frame from the control plane (raises protocol.ProtocolError)."""
    started = time.perf_counter()
    message, raw_bytes = protocol.decode(data, max_raw_bytes=protocol.MAX_SERVER_FRAME_BYTES)
    kind = protocol.check_fields(message, protocol.SERVER_MESSAGE_TYPES)
    # A text frame is the JSON itself, so its size on the wire is its raw size.
    wire_bytes = len(data) if isinstance(data, bytes) else raw_bytes
    return Incoming(message, kind, wire_bytes, raw_bytes, started)


class Applier:
    """Turns delta and snapshot messages into store writes, cache purges and events."""

    def __init__(
        self,
        store: Store,
        events: Events,
        cache: Cache,
        after_apply: Callable[[Store], None] | None = None,
    ) -> None:
        self.store = store
        self.events = events
        self.cache = cache
        self._after_apply = after_apply

    def apply(self, incoming: Incoming) -> dict[str, Any]:
        if incoming.kind == protocol.DELTA:
            return self.apply_delta(incoming)
        if incoming.kind == protocol.SNAPSHOT:
            return self.apply_snapshot(incoming)
        raise ValueError(f"{incoming.kind} is not a config message")

    def apply_delta(self, incoming: Incoming) -> dict[str, Any]:
        """Apply a delta all-or-nothing; one ``crud`` event per change, after the commit."""
        message = incoming.message
        from_version, to_version = message["from_version"], message["to_version"]
        if from_version != self.store.version:
            detail = f"delta {from_version}->{to_version} does not follow local version {self.store.version}"
            return self._nack(protocol.NACK_GAP, detail)
        try:
            planned, config_hash = plan_delta(self.store, message["changes"])
        except ChangeError as exc:
            return self._nack(protocol.NACK_APPLY_FAILED, f"delta {to_version}: {exc}")
        if config_hash != message["hash"]:
            detail = f"delta {to_version}: expected hash {message['hash']}, computed {config_hash}"
            return self._nack(protocol.NACK_HASH_MISMATCH, detail)
        try:
            self.store.apply_changes(planned, version=to_version, config_hash=config_hash)
        except Exception as exc:
            log.exception("writing delta %d failed; the previous version is intact", to_version)
            return self._nack(protocol.NACK_APPLY_FAILED, f"delta {to_version}: {exc}")
        record = self._finish("delta", incoming)
        log.info(
            "delta applied: version %d -> %d, %d change(s), %d bytes on the wire (%d raw), %.2f ms",
            from_version,
            to_version,
            len(planned),
            record.wire_bytes,
            record.raw_bytes,
            record.apply_ms,
        )
        self._post_crud_events(planned)
        return self._ack(record)

    def apply_snapshot(self, incoming: Incoming) -> dict[str, Any]:
        """Replace the whole config, purge the cache, post one ``declarative:reconfigure``."""
        message = incoming.message
        version, reason = message["version"], message["reason"]
        try:
            entities = index_snapshot(message["config"])
        except ChangeError as exc:
            return self._nack(protocol.NACK_APPLY_FAILED, f"snapshot {version}: {exc}")
        config_hash = hashing.config_hash({kind: rows.values() for kind, rows in entities.items()})
        if config_hash != message["hash"]:
            detail = f"snapshot {version}: expected hash {message['hash']}, computed {config_hash}"
            return self._nack(protocol.NACK_HASH_MISMATCH, detail)
        try:
            self.store.replace_config(entities, version=version, config_hash=config_hash)
        except Exception as exc:
            log.exception("writing snapshot %d failed; the previous version is intact", version)
            return self._nack(protocol.NACK_APPLY_FAILED, f"snapshot {version}: {exc}")
        record = self._finish("full", incoming)
        log.info(
            "snapshot applied (%s): version %d, %d entities, %d bytes on the wire (%d raw), %.2f ms",
            reason,
            version,
            sum(len(rows) for rows in entities.values()),
            record.wire_bytes,
            record.raw_bytes,
            record.apply_ms,
        )
        self.cache.purge()
        self.events.post_reconfigure(ReconfigureEvent(version, config_hash, reason))
        return self._ack(record)

    def _finish(self, kind: Literal["delta", "full"], incoming: Incoming) -> SyncRecord:
        apply_ms = round((time.perf_counter() - incoming.started) * 1000, 3)
        record = SyncRecord(
            kind, self.store.version, time.time(), incoming.wire_bytes, incoming.raw_bytes, apply_ms
        )
        try:
            self.store.record_sync(record)
        except Exception:
            # The config itself is committed; only the statistics are lost.
            log.exception("could not record sync statistics for version %d", record.version)
        if self._after_apply is not None:
            self._after_apply(self.store)
        return record

    def _post_crud_events(self, planned: list[StoredChange]) -> None:
        for change in planned:
            event = CrudEvent(
                change.operation, change.entity_type, change.entity, change.old_entity
            )
            self.events.post_crud(event)

    def _ack(self, record: SyncRecord) -> dict[str, Any]:
        return protocol.ack(
            version=self.store.version,
            config_hash=self.store.config_hash,
            wire_bytes=record.wire_bytes,
            raw_bytes=record.raw_bytes,
            apply_ms=record.apply_ms,
        )

    def _nack(self, reason: str, detail: str) -> dict[str, Any]:
        log.warning("nack (%s): %s; keeping version %d", reason, detail, self.store.version)
        return protocol.nack(version=self.store.version, reason=reason, detail=detail)
