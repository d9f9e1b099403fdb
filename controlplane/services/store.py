"""Row-level operations on the config store, always inside a ``versioned_write``.

These keep the three tables in step (entities, their unique keys, their references) and
record each change on the writer. They enforce what Kong's database enforces: unique fields,
existing foreign entities, and on delete either a refusal ("referenced by others") or a
cascade to the entities that depend on the deleted one.
"""

import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from controlplane.errors import (
    ForeignKeyViolation,
    ReferencedByOthers,
    SchemaViolationError,
    UniqueViolation,
)
from controlplane.models import ControlPlane, Entity, EntityRef, UniqueKey
from controlplane.queries import tags_text
from controlplane.services.changelog import VersionWriter
from kongcore.schema import EntitySchema, get_schema

# The size of Entity.endpoint_key; Kong sets no limit, but no real name comes close.
ENDPOINT_KEY_MAX_LENGTH = 512


def find(cp: ControlPlane, entity_type: str, entity_id: uuid.UUID | str) -> Entity | None:
    return Entity.objects.filter(
        control_plane=cp, entity_type=entity_type, entity_id=entity_id
    ).first()


def find_by_key(cp: ControlPlane, entity_type: str, id_or_key: str) -> Entity | None:
    """Find by id, or else by the type's endpoint key (name, username, ...), as Kong does."""
    if is_uuid(id_or_key):
        found = find(cp, entity_type, id_or_key)
        if found is not None:
            return found
    if get_schema(entity_type).endpoint_key is None:
        return None
    return Entity.objects.filter(
        control_plane=cp, entity_type=entity_type, endpoint_key=id_or_key
    ).first()


def find_by_unique(cp: ControlPlane, entity_type: str, field: str, value: Any) -> Entity | None:
    """Find by any unique field (``custom_id`` as well as ``username``)."""
    key = (
        UniqueKey.objects.filter(
            control_plane=cp, entity_type=entity_type, key_hash=_key_hash(field, value)
        )
        .select_related("entity")
        .first()
    )
    return key.entity if key is not None else None


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def is_uuid(value: object) -> bool:
    """Kong's notion: the dashed form only, so that a 32-hex-digit name stays a name."""
    return isinstance(value, str) and _UUID.fullmatch(value) is not None


def insert(writer: VersionWriter, entity_type: str, data: dict[str, Any]) -> Entity:
    schema = get_schema(entity_type)
    cp = writer.control_plane
    if find(cp, entity_type, data["id"]) is not None:
        raise UniqueViolation(
            f"UNIQUE violation detected on '{{id=\"{data['id']}\"}}'", {"id": data["id"]}
        )
    _check_unique(cp, schema, data, exclude=None)
    targets = _check_references(cp, schema, data)
    row = Entity.objects.create(control_plane=cp, entity_type=entity_type, **columns(schema, data))
    _write_index(row, schema, data, targets)
    writer.record("create", entity_type, data, None)
    return row


def replace(writer: VersionWriter, row: Entity, data: dict[str, Any]) -> Entity:
    schema = get_schema(row.entity_type)
    cp = writer.control_plane
    _check_unique(cp, schema, data, exclude=row)
    targets = _check_references(cp, schema, data)
    old = row.data
    for name, value in columns(schema, data).items():
        setattr(row, name, value)
    row.save(update_fields=["endpoint_key", "tags_text", "data"])
    row.unique_keys.all().delete()
    row.refs.all().delete()
    _write_index(row, schema, data, targets)
    writer.record("update", row.entity_type, data, old)
    return row


def remove(writer: VersionWriter, row: Entity) -> None:
    """Delete ``row`` and, first, every entity that cascades from it."""
    for dependant in _dependants(writer.control_plane, row):
        remove(writer, dependant)
    # A dependant reachable twice in one cascade is deleted, and recorded, only once.
    deleted, _ = Entity.objects.filter(pk=row.pk).delete()
    if deleted:
        writer.record("delete", row.entity_type, None, row.data)


def _dependants(cp: ControlPlane, row: Entity) -> Iterator[Entity]:
    refs = EntityRef.objects.filter(
        control_plane=cp, target_type=row.entity_type, target_id=row.entity_id
    ).select_related("source")
    cascading: list[Entity] = []
    for ref in refs:
        source_schema = get_schema(ref.source.entity_type)
        if source_schema.foreign_keys[ref.field].on_delete != "cascade":
            raise ReferencedByOthers(
                f"an existing '{source_schema.name}' entity references this "
                f"'{row.entity_type}' entity",
                {"@referenced_by": source_schema.name},
            )
        if all(ref.source.pk != seen.pk for seen in cascading):
            cascading.append(ref.source)
    yield from cascading


def columns(schema: EntitySchema, data: dict[str, Any]) -> dict[str, Any]:
    """The indexed columns of an entity row (id, endpoint key, tags) and its data."""
    key = data.get(schema.endpoint_key) if schema.endpoint_key else None
    if key is not None and len(str(key)) > ENDPOINT_KEY_MAX_LENGTH:
        raise SchemaViolationError.single(
            str(schema.endpoint_key), f"length must be at most {ENDPOINT_KEY_MAX_LENGTH}"
        )
    tags = data.get("tags") or []
    return {
        "entity_id": data["id"],
        "endpoint_key": str(key) if key is not None else None,
        "tags_text": tags_text(tags),
        "data": data,
    }


def unique_keys(schema: EntitySchema, data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Map each unique key's hash to the fields that make it, for the violation message."""
    keys: dict[str, dict[str, Any]] = {}
    for name in schema.unique_fields:
        if data.get(name) is not None:
            keys[_key_hash(name, data[name])] = {name: data[name]}
    for group in schema.unique_together:
        values = {name: data.get(name) for name in group}
        keys[_key_hash(",".join(group), [_ref_id(v) for v in values.values()])] = values
    return keys


def _key_hash(name: str, value: Any) -> str:
    text = name + "=" + json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _ref_id(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) and set(value) == {"id"} else value


def _check_unique(
    cp: ControlPlane, schema: EntitySchema, data: dict[str, Any], exclude: Entity | None
) -> None:
    keys = unique_keys(schema, data)
    clashes = UniqueKey.objects.filter(
        control_plane=cp, entity_type=schema.name, key_hash__in=list(keys)
    )
    if exclude is not None:
        clashes = clashes.exclude(entity=exclude)
    clash = clashes.values_list("key_hash", flat=True).first()
    if clash is not None:
        raise unique_violation(keys[clash])


def unique_violation(fields: dict[str, Any]) -> UniqueViolation:
    shown = ",".join(f"{name}={_show(value)}" for name, value in sorted(fields.items()))
    return UniqueViolation(f"UNIQUE violation detected on '{{{shown}}}'", fields)


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}={_show(v)}" for k, v in sorted(value.items())) + "}"
    return json.dumps(value)


def _check_references(
    cp: ControlPlane, schema: EntitySchema, data: dict[str, Any]
) -> list[tuple[str, str, str]]:
    """Return (field, target type, target id) for each reference, refusing dangling ones."""
    targets = []
    for name, foreign in schema.foreign_keys.items():
        ref = data.get(name)
        if not ref:
            continue
        target_id = ref["id"]
        if find(cp, foreign.reference, target_id) is None:
            raise ForeignKeyViolation(
                f"the foreign key '{{id=\"{target_id}\"}}' does not reference an existing "
                f"'{foreign.reference}' entity.",
                {name: {"id": target_id}},
            )
        targets.append((name, foreign.reference, target_id))
    return targets


def _write_index(
    row: Entity,
    schema: EntitySchema,
    data: dict[str, Any],
    targets: Iterable[tuple[str, str, str]],
) -> None:
    cp_id = row.control_plane_id
    UniqueKey.objects.bulk_create(
        UniqueKey(control_plane_id=cp_id, entity=row, entity_type=schema.name, key_hash=key)
        for key in unique_keys(schema, data)
    )
    EntityRef.objects.bulk_create(
        EntityRef(control_plane_id=cp_id, source=row, field=name, target_type=kind, target_id=tid)
        for name, kind, tid in targets
    )
