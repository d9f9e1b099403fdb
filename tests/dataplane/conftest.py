"""Fixtures for the data-plane agent: a node's parts, and a fake control plane that shapes
real protocol messages.

The fake control plane hashes its whole config from scratch with kongcore.hashing.config_hash,
so the node's incremental hash is always checked against an independent computation.
"""

from __future__ import annotations

import copy
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dataplane.applier import Applier, decode_frame
from dataplane.cache import Cache
from dataplane.events import Events
from dataplane.store import Store
from kongcore import hashing, protocol


class FakeControlPlane:
    """A control plane's config and change log, reduced to what the node can observe."""

    def __init__(self) -> None:
        self.version = 0
        self.config: dict[str, dict[str, dict[str, Any]]] = {}

    @property
    def hash(self) -> str:
        return hashing.config_hash({kind: rows.values() for kind, rows in self.config.items()})

    def snapshot(self, reason: str = "new") -> dict[str, Any]:
        return protocol.snapshot(
            version=self.version,
            config_hash=self.hash,
            committed_at=time.time(),
            reason=reason,
            config={kind: list(rows.values()) for kind, rows in self.config.items()},
        )

    def create(self, entity_type: str, **fields: Any) -> dict[str, Any]:
        entity = {"id": str(uuid.uuid4()), **fields}
        return self.commit([("create", entity_type, entity)])

    def update(self, entity_type: str, entity_id: str, **fields: Any) -> dict[str, Any]:
        entity = {**self.config[entity_type][entity_id], **fields}
        return self.commit([("update", entity_type, entity)])

    def delete(self, entity_type: str, entity_id: str) -> dict[str, Any]:
        return self.commit([("delete", entity_type, self.config[entity_type][entity_id])])

    def commit(self, changes: list[tuple[str, str, dict[str, Any]]]) -> dict[str, Any]:
        """Apply (op, type, entity) changes as one version; return that version's delta."""
        wire: list[protocol.Change] = []
        for op, entity_type, entity in changes:
            rows = self.config.setdefault(entity_type, {})
            old = rows.get(entity["id"])
            if op == "delete":
                del rows[entity["id"]]
            else:
                rows[entity["id"]] = copy.deepcopy(entity)
            new = None if op == "delete" else copy.deepcopy(entity)
            wire.append(
                {"op": op, "entity_type": entity_type, "entity": new, "old_entity": old}  # type: ignore[typeddict-item]
            )
        self.version += 1
        return protocol.delta(
            from_version=self.version - 1,
            to_version=self.version,
            config_hash=self.hash,
            committed_at=time.time(),
            changes=wire,
        )

    def seed(self, entity_type: str, count: int, **fields: Any) -> None:
        """Add entities without recording a delta (they reach nodes by snapshot)."""
        rows = self.config.setdefault(entity_type, {})
        for n in range(count):
            entity_id = str(uuid.uuid4())
            rows[entity_id] = {"id": entity_id, "name": f"{entity_type}-{n}", **fields}
        self.version += 1


class Node:
    """A node's store, events, cache and applier, fed through the real decode path."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.events = Events()
        self.cache = Cache()
        self.applier = Applier(store, self.events, self.cache)

    def feed(self, message: dict[str, Any]) -> dict[str, Any]:
        frame = protocol.encode(message)
        return self.applier.apply(decode_frame(frame.data))

    def record(self, source: str, event: str | None = None) -> list[Any]:
        seen: list[Any] = []
        self.events.register(seen.append, source, event)
        return seen


@pytest.fixture
def fake_cp() -> FakeControlPlane:
    return FakeControlPlane()


@pytest.fixture
def open_node(tmp_path: Path) -> Iterator[Callable[[], Node]]:
    """Open the node's store (again, after a restart); every store is closed afterwards."""
    stores: list[Store] = []

    def opener() -> Node:
        store = Store.open(tmp_path / "config.db")
        stores.append(store)
        return Node(store)

    yield opener
    for store in stores:
        store.close()


@pytest.fixture
def node(open_node: Callable[[], Node]) -> Node:
    return open_node()
