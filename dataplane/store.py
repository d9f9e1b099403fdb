"""The node's local copy of its config: a SQLite file mirrored by an in-memory index.

SQLite makes every apply atomic and durable enough (WAL, synchronous=NORMAL: a power cut may
lose the last commit, never corrupt the file), so a crash mid-apply leaves the previous version
intact and a restarted node serves its last config without a control plane. The in-memory
index answers plugin reads without touching disk; it changes only after a commit succeeds, so
it never shows a version that is not on disk.

The store is not thread-safe: the agent calls it from one thread at a time.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kongcore import hashing
from kongcore.protocol import Operation, PayloadType

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS entities (
    entity_type TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (entity_type, id)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
"""

Entity = dict[str, Any]
EntityIndex = dict[str, dict[str, Entity]]  # entity_type -> id -> entity
FieldIndex = dict[str | int, dict[str, None]]  # field value -> ids, in insertion order


class StoreError(Exception):
    """The store file cannot be used (for example, a newer agent wrote it)."""


@dataclass(frozen=True)
class SyncRecord:
    """How the current version arrived; shown at /status as ``last_sync``."""

    type: PayloadType
    version: int
    at: float
    wire_bytes: int
    raw_bytes: int
    apply_ms: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class StoredChange:
    """One entity change, already checked against the store: ``old_entity`` is the local copy."""

    operation: Operation
    entity_type: str
    entity_id: str
    entity: Entity | None
    old_entity: Entity | None


class Store:
    """Entities by type and id, plus the version and hash they make up.

    Entities handed out by the read methods are the index's own dicts: treat them as read-only.
    A plugin that mutates one corrupts the mirror (the next delta then fails its hash check and
    the control plane resends a snapshot, but the plugin has still seen wrong data).
    """

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.path = path
        self._db = connection
        self._entities: EntityIndex = {}
        self._by_field: dict[tuple[str, str], FieldIndex] = {}
        self.version = 0
        self.config_hash = hashing.EMPTY_HASH
        self.control_plane_id = ""
        self.last_sync: SyncRecord | None = None

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open (or create) the store and load it into memory.

        The hash is recomputed from the stored entities rather than trusted from the meta
        table, so a corrupted file shows up as a hash the control plane does not expect.
        """
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        store = cls(connection, path)
        try:
            store._migrate()
            store._load()
        except BaseException:
            connection.close()
            raise
        return store

    def close(self) -> None:
        self._db.close()

    # Reads.

    def get(self, entity_type: str, entity_id: str) -> Entity | None:
        return self._entities.get(entity_type, {}).get(entity_id)

    def select_by(self, entity_type: str, field: str, value: str | int) -> Entity | None:
        """The entity whose ``field`` equals ``value``, like Kong's ``select_by_username``.

        Meant for unique string or integer fields; with duplicates, any match is returned. The
        first call per (type, field) builds an index that later changes keep up to date.
        """
        index = self._by_field.get((entity_type, field))
        if index is None:
            index = self._build_field_index(entity_type, field)
        ids = index.get(value)
        if not ids:
            return None
        return self._entities[entity_type][next(iter(ids))]

    def entities(self, entity_type: str) -> list[Entity]:
        return list(self._entities.get(entity_type, {}).values())

    def entity_counts(self) -> dict[str, int]:
        return {kind: len(rows) for kind, rows in sorted(self._entities.items()) if rows}

    def config(self) -> dict[str, list[Entity]]:
        """The whole config in the wire's ``{entity_type: [entity, ...]}`` shape."""
        return {kind: list(rows.values()) for kind, rows in self._entities.items() if rows}

    # Writes. Each is one transaction; the in-memory state follows only after COMMIT.

    def apply_changes(self, changes: list[StoredChange], *, version: int, config_hash: str) -> None:
        """Write a delta's changes and the new version in one transaction, then mirror them."""
        with self._transaction():
            for change in changes:
                self._write_change(change)
            self._write_meta(version=version, hash=config_hash)
        for change in changes:
            self._index_change(change)
        self.version, self.config_hash = version, config_hash

    def replace_config(self, entities: EntityIndex, *, version: int, config_hash: str) -> None:
        """Swap the whole config for ``entities`` in one transaction (a snapshot)."""
        rows = (
            (kind, entity_id, _dumps(entity))
            for kind, by_id in entities.items()
            for entity_id, entity in by_id.items()
        )
        with self._transaction():
            self._db.execute("DELETE FROM entities")
            self._db.executemany("INSERT INTO entities VALUES (?, ?, ?)", rows)
            self._write_meta(version=version, hash=config_hash)
        self._entities, self._by_field = entities, {}
        self.version, self.config_hash = version, config_hash

    def record_sync(self, record: SyncRecord | None) -> None:
        """Remember how the current version arrived.

        A separate, later transaction on purpose: the record carries the apply time, and that
        includes the COMMIT of the apply itself. Losing it in a crash loses only statistics.
        """
        with self._transaction():
            self._write_meta(last_sync=record)
        self.last_sync = record

    def reset(self, control_plane_id: str) -> None:
        """Forget the config: it belongs to another control plane than the node's."""
        self.replace_config({}, version=0, config_hash=hashing.EMPTY_HASH)
        self.record_sync(None)
        self.set_control_plane_id(control_plane_id)

    def set_control_plane_id(self, control_plane_id: str) -> None:
        if control_plane_id != self.control_plane_id:
            with self._transaction():
                self._write_meta(control_plane_id=control_plane_id)
            self.control_plane_id = control_plane_id

    # Internals.

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock up front, so a failure can only be ours, not a
        # reader's, and ROLLBACK always leaves the file as it was.
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException:
            # COMMIT itself may fail (disk full) and leave the transaction open, or end it.
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise

    def _write_change(self, change: StoredChange) -> None:
        if change.entity is None:
            self._db.execute(
                "DELETE FROM entities WHERE entity_type = ? AND id = ?",
                (change.entity_type, change.entity_id),
            )
        else:
            self._db.execute(
                "INSERT OR REPLACE INTO entities VALUES (?, ?, ?)",
                (change.entity_type, change.entity_id, _dumps(change.entity)),
            )

    def _write_meta(self, **values: Any) -> None:
        rows = [(key, _encode_meta(value)) for key, value in values.items()]
        self._db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", rows)

    def _index_change(self, change: StoredChange) -> None:
        by_id = self._entities.setdefault(change.entity_type, {})
        if change.entity is None:
            by_id.pop(change.entity_id, None)
        else:
            by_id[change.entity_id] = change.entity
        for (kind, field), index in self._by_field.items():
            if kind == change.entity_type:
                _unindex(index, change.old_entity, field, change.entity_id)
                _index(index, change.entity, field, change.entity_id)

    def _build_field_index(self, entity_type: str, field: str) -> FieldIndex:
        index: FieldIndex = {}
        for entity_id, entity in self._entities.get(entity_type, {}).items():
            _index(index, entity, field, entity_id)
        self._by_field[(entity_type, field)] = index
        return index

    def _migrate(self) -> None:
        (found,) = self._db.execute("PRAGMA user_version").fetchone()
        if found > SCHEMA_VERSION:
            raise StoreError(f"{self.path} has schema {found}; this agent knows {SCHEMA_VERSION}")
        if found < SCHEMA_VERSION:
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _load(self) -> None:
        for kind, entity_id, body in self._db.execute("SELECT entity_type, id, body FROM entities"):
            try:
                self._entities.setdefault(kind, {})[entity_id] = json.loads(body)
            except ValueError:
                log.warning("skipping unreadable stored %s %s", kind, entity_id)
        meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        self.version = int(json.loads(meta.get("version", "0")))
        self.control_plane_id = str(json.loads(meta.get("control_plane_id", '""')))
        self.last_sync = _decode_sync_record(meta.get("last_sync"))
        self.config_hash = hashing.config_hash({k: v.values() for k, v in self._entities.items()})
        stored_hash = json.loads(meta.get("hash", json.dumps(hashing.EMPTY_HASH)))
        if stored_hash != self.config_hash:
            log.warning(
                "stored config does not match its recorded hash (%s, recomputed %s); "
                "the control plane will resend it",
                stored_hash,
                self.config_hash,
            )


def _dumps(entity: Mapping[str, Any]) -> str:
    return json.dumps(entity, separators=(",", ":"), ensure_ascii=False)


def _encode_meta(value: Any) -> str:
    if isinstance(value, SyncRecord):
        value = value.as_dict()
    return json.dumps(value)


def _decode_sync_record(raw: str | None) -> SyncRecord | None:
    value = json.loads(raw) if raw else None
    if not isinstance(value, dict):
        return None
    if value.get("type") == "full":  # written by an agent before payloads were named "snapshot"
        value["type"] = "snapshot"
    try:
        return SyncRecord(**value)
    except TypeError:
        return None


def _indexable(entity: Entity | None, field: str) -> str | int | None:
    value = entity.get(field) if entity is not None else None
    # bool is an int, but True == 1 would make "enabled" collide with an integer 1.
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    return None


def _index(index: FieldIndex, entity: Entity | None, field: str, entity_id: str) -> None:
    value = _indexable(entity, field)
    if value is not None:
        index.setdefault(value, {})[entity_id] = None


def _unindex(index: FieldIndex, entity: Entity | None, field: str, entity_id: str) -> None:
    value = _indexable(entity, field)
    ids = index.get(value) if value is not None else None
    if value is None or ids is None:
        return
    ids.pop(entity_id, None)
    if not ids:
        del index[value]
