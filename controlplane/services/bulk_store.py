"""Writing a whole planned sync to the config store in bulk, inside one ``versioned_write``.

``store`` writes one entity at a time with a query per check; a 30,000-entity file cannot
afford that. Here every check already happened in memory (the declarative planner checked
uniqueness and references against the file plus the rows loaded once), so this module only
writes: deletes first, then updates, then creates, in batches, keeping entity rows, unique
keys and references in step, and recording every change on the writer.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from controlplane.declarative.plan import Plan, Planned
from controlplane.declarative.state import CurrentConfig, StoredEntity
from controlplane.models import ControlPlane, Entity, EntityRef, UniqueKey
from controlplane.services.changelog import VersionWriter
from controlplane.services.store import columns, unique_keys
from kongcore.schema import get_schema

BATCH = 500
Progress = Callable[[str, int, int], None]
T = TypeVar("T")


def load_current(cp: ControlPlane) -> CurrentConfig:
    """Every entity of the control plane, read in one query, with the version it is at."""
    version = ControlPlane.objects.filter(pk=cp.pk).values_list("config_version", flat=True).get()
    rows = Entity.objects.filter(control_plane=cp).values_list("pk", "entity_type", "data")
    return CurrentConfig.from_rows(
        version, (StoredEntity(pk, kind, data) for pk, kind, data in rows.iterator(2000))
    )


def apply_plan(writer: VersionWriter, plan: Plan, progress: Progress | None = None) -> None:
    """Write ``plan`` and record each of its changes on ``writer``, in an order data planes
    can apply: children deleted before their parents, parents created before children."""
    total = len(plan.deletes) + len(plan.updates) + len(plan.creates)
    _delete_rows([item.old.pk for item in plan.deletes if item.old is not None])
    for item in plan.deletes:
        writer.record("delete", item.entity_type, None, item.data)
    updated = _update_rows(plan.updates)
    created = _create_rows(writer.control_plane, plan.creates)
    _write_index(writer.control_plane, [*updated, *created])
    for item in plan.updates:
        writer.record("update", item.entity_type, item.data, item.old.data if item.old else None)
    for item in plan.creates:
        writer.record("create", item.entity_type, item.data, None)
    if progress is not None:
        progress("write", total, total)


def _batches(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _delete_rows(pks: list[int]) -> None:
    for batch in _batches(pks):
        _drop_index(batch)
        Entity.objects.filter(pk__in=batch).delete()


def _drop_index(pks: Sequence[int]) -> None:
    UniqueKey.objects.filter(entity_id__in=pks).delete()
    EntityRef.objects.filter(source_id__in=pks).delete()


def _update_rows(updates: list[Planned]) -> list[tuple[Entity, Planned]]:
    rows = []
    for item in updates:
        assert item.old is not None
        schema = get_schema(item.entity_type)
        row = Entity(pk=item.old.pk, entity_type=item.entity_type, **columns(schema, item.data))
        rows.append((row, item))
    for batch in _batches(rows):
        _drop_index([row.pk for row, _ in batch])
    Entity.objects.bulk_update(
        [row for row, _ in rows], ["endpoint_key", "tags_text", "data"], batch_size=BATCH
    )
    return rows


def _create_rows(cp: ControlPlane, creates: list[Planned]) -> list[tuple[Entity, Planned]]:
    rows = [
        (
            Entity(
                control_plane=cp,
                entity_type=item.entity_type,
                **columns(get_schema(item.entity_type), item.data),
            ),
            item,
        )
        for item in creates
    ]
    Entity.objects.bulk_create([row for row, _ in rows], batch_size=BATCH)
    return rows


def _write_index(cp: ControlPlane, rows: Iterable[tuple[Entity, Planned]]) -> None:
    keys: list[UniqueKey] = []
    refs: list[EntityRef] = []
    for row, item in rows:
        keys.extend(_unique_rows(cp, row, item))
        refs.extend(_ref_rows(cp, row, item.data))
    UniqueKey.objects.bulk_create(keys, batch_size=BATCH * 2)
    EntityRef.objects.bulk_create(refs, batch_size=BATCH * 2)


def _unique_rows(cp: ControlPlane, row: Entity, item: Planned) -> Iterator[UniqueKey]:
    schema = get_schema(item.entity_type)
    for key in unique_keys(schema, item.data):
        yield UniqueKey(control_plane=cp, entity=row, entity_type=schema.name, key_hash=key)


def _ref_rows(cp: ControlPlane, row: Entity, data: dict[str, Any]) -> Iterator[EntityRef]:
    for name, foreign in get_schema(row.entity_type).foreign_keys.items():
        ref = data.get(name)
        if ref:
            yield EntityRef(
                control_plane=cp,
                source=row,
                field=name,
                target_type=foreign.reference,
                target_id=ref["id"],
            )
