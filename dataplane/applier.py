"""Applying deltas and snapshots: store, then cache and events, then the reply.

This is the one path every config change takes into the node, whether it came over the wire or
from a test. Each method returns the message to answer with (``ack`` or ``nack``) and never
raises for a bad message: a node that cannot apply something says so and gets a snapshot.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from dataplane.cache import Cache
from dataplane.changes import ChangeError, index_snapshot, plan_delta
from dataplane.events import CrudEvent, Events, ReconfigureEvent
from dataplane.store import EntityIndex, Store, StoredChange, SyncRecord
from kongcore import hashing, protocol

log = logging.getLogger(__name__)

_MAX_DETAIL = 1000


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
        to_version = message["to_version"]
        try:
            planned, config_hash = self._verify_delta(message)
            with _write_or_refuse(f"delta {to_version}"):
                self.store.apply_changes(planned, version=to_version, config_hash=config_hash)
        except _Refused as refusal:
            return self._nack(to_version, refusal)
        record = self._finish("delta", incoming)
        log.info(
            "delta applied: version %d -> %d, %d change(s), %d bytes on the wire (%d raw), %.2f ms",
            message["from_version"],
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
            entities, config_hash = self._verify_snapshot(message)
            with _write_or_refuse(f"snapshot {version}"):
                self.store.replace_config(entities, version=version, config_hash=config_hash)
        except _Refused as refusal:
            return self._nack(version, refusal)
        record = self._finish("snapshot", incoming)
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

    def _verify_delta(self, message: dict[str, Any]) -> tuple[list[StoredChange], str]:
        from_version, to_version = message["from_version"], message["to_version"]
        if from_version != self.store.version:
            raise _Refused(
                protocol.NACK_GAP,
                f"delta {from_version}->{to_version} does not follow local version "
                f"{self.store.version}",
            )
        try:
            planned, config_hash = plan_delta(self.store, message["changes"])
        except ChangeError as exc:
            raise _Refused(protocol.NACK_APPLY_FAILED, f"delta {to_version}: {exc}") from None
        _check_hash(f"delta {to_version}", message["hash"], config_hash)
        return planned, config_hash

    def _verify_snapshot(self, message: dict[str, Any]) -> tuple[EntityIndex, str]:
        version = message["version"]
        try:
            entities = index_snapshot(message["config"])
        except ChangeError as exc:
            raise _Refused(protocol.NACK_APPLY_FAILED, f"snapshot {version}: {exc}") from None
        config_hash = hashing.config_hash({kind: rows.values() for kind, rows in entities.items()})
        _check_hash(f"snapshot {version}", message["hash"], config_hash)
        return entities, config_hash

    def _finish(self, kind: protocol.PayloadType, incoming: Incoming) -> SyncRecord:
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

    def _nack(self, refused_version: int, refusal: _Refused) -> dict[str, Any]:
        log.warning(
            "nack (%s): %s; keeping version %d", refusal.reason, refusal.detail, self.store.version
        )
        # Node frames are capped at 64 KiB; a detail is for humans and never needs that much.
        detail = refusal.detail[:_MAX_DETAIL]
        return protocol.nack(version=refused_version, reason=refusal.reason, detail=detail)


class _Refused(Exception):
    """The message cannot be applied; ``reason`` is the nack reason."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def _check_hash(what: str, expected: str, computed: str) -> None:
    if computed != expected:
        detail = f"{what}: expected hash {expected}, computed {computed}"
        raise _Refused(protocol.NACK_HASH_MISMATCH, detail)


@contextmanager
def _write_or_refuse(what: str) -> Iterator[None]:
    """Turn a failed store write (already rolled back by the store) into a refusal."""
    try:
        yield
    except Exception as exc:
        log.exception("writing %s failed; the previous version is intact", what)
        raise _Refused(protocol.NACK_APPLY_FAILED, f"{what}: {exc}") from exc
