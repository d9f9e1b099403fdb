"""Checking what the control plane sent against what the node holds, before writing anything.

Everything here is pure: it reads the store but never writes, so a delta that fails any check
leaves no trace. The resulting hash is computed incrementally (one subtraction and one addition
per change), which keeps a one-entity delta O(1) however large the config is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from dataplane.store import Entity, EntityIndex, Store, StoredChange
from kongcore import hashing
from kongcore.protocol import Operation

_OPERATIONS = ("create", "update", "delete")


class ChangeError(Exception):
    """The message is well-formed JSON but cannot be applied to this node's config."""


def plan_delta(store: Store, changes: list[Any]) -> tuple[list[StoredChange], str]:
    """Check a delta's changes against the store; return them as stored and the resulting hash.

    The checks are strict (a create must find no entity, an update or delete must find one) so
    that a node whose store drifted says exactly where, instead of only "hash mismatch".
    """
    pending: dict[tuple[str, str], Entity | None] = {}

    def current(entity_type: str, entity_id: str) -> Entity | None:
        # A delta may touch one entity twice; later changes must see the earlier ones.
        key = (entity_type, entity_id)
        return pending[key] if key in pending else store.get(entity_type, entity_id)

    planned: list[StoredChange] = []
    config_hash = store.config_hash
    for position, raw in enumerate(changes):
        change = _plan_change(raw, position, current)
        config_hash = hashing.apply_change(
            config_hash, change.entity_type, change.old_entity, change.entity
        )
        pending[(change.entity_type, change.entity_id)] = change.entity
        planned.append(change)
    return planned, config_hash


def _plan_change(
    raw: Any, position: int, current: Callable[[str, str], Entity | None]
) -> StoredChange:
    where = f"changes[{position}]"
    if not isinstance(raw, dict):
        raise ChangeError(f"{where} is not an object")
    operation, entity_type = raw.get("op"), raw.get("entity_type")
    if operation not in _OPERATIONS:
        raise ChangeError(f"{where}.op must be one of {', '.join(_OPERATIONS)}")
    if not isinstance(entity_type, str) or not entity_type:
        raise ChangeError(f"{where}.entity_type must be a non-empty string")
    carrier = raw.get("old_entity") if operation == "delete" else raw.get("entity")
    if operation == "delete" and carrier is None:
        carrier = raw.get("entity")  # a delete may name its entity either way
    entity_id = _entity_id(carrier, where)
    old = current(entity_type, entity_id)
    if operation == "create" and old is not None:
        raise ChangeError(f"{where}: create of {entity_type} {entity_id}, which already exists")
    if operation != "create" and old is None:
        raise ChangeError(f"{where}: {operation} of {entity_type} {entity_id}, which is missing")
    new = None if operation == "delete" else cast(Entity, carrier)
    return StoredChange(cast(Operation, operation), entity_type, entity_id, new, old)


def index_snapshot(config: dict[str, Any]) -> EntityIndex:
    """Turn a snapshot's ``{entity_type: [entity, ...]}`` into the store's index shape."""
    index: EntityIndex = {}
    for entity_type, entities in config.items():
        if not entity_type or not isinstance(entities, list):
            raise ChangeError(f"config.{entity_type} must be a list of entities")
        by_id = index.setdefault(entity_type, {})
        for position, entity in enumerate(entities):
            entity_id = _entity_id(entity, f"config.{entity_type}[{position}]")
            if entity_id in by_id:
                raise ChangeError(f"config.{entity_type} holds {entity_id} twice")
            by_id[entity_id] = entity
    return index


def _entity_id(entity: Any, where: str) -> str:
    if not isinstance(entity, dict):
        raise ChangeError(f"{where} has no entity object")
    entity_id = entity.get("id")
    if not isinstance(entity_id, str) or not entity_id:
        raise ChangeError(f"{where} has no string 'id'")
    return entity_id
