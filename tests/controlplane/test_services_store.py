"""Row-level store operations: the entity, unique-key and reference tables kept in step, and
what Kong's database enforces (unique fields, existing references, restrict or cascade)."""

from typing import Any

import pytest

from controlplane.errors import (
    ForeignKeyViolation,
    ReferencedByOthers,
    SchemaViolationError,
    UniqueViolation,
)
from controlplane.models import Change, ControlPlane, Entity, EntityRef, UniqueKey
from controlplane.services import store
from controlplane.services.changelog import versioned_write
from controlplane.services.entities import _prepare, create_entity, update_entity

ID = "7f0ad3f6-2a43-4b8e-9d65-1c7c0b2bd111"


def insert(cp: ControlPlane, entity_type: str, body: dict[str, Any]) -> Entity:
    with versioned_write(cp.pk, "t") as writer:
        return store.insert(writer, entity_type, _prepare(cp, entity_type, body, None))


def test_insert_indexes_every_unique_field(cp: ControlPlane) -> None:
    row = insert(cp, "consumers", {"username": "ann", "custom_id": "c1"})
    assert row.unique_keys.count() == 2
    assert store.find_by_unique(cp, "consumers", "custom_id", "c1") == row
    assert store.find_by_unique(cp, "consumers", "username", "ann") == row
    assert store.find_by_unique(cp, "consumers", "username", "c1") is None


def test_insert_indexes_references(cp: ControlPlane) -> None:
    service = insert(cp, "services", {"name": "s", "host": "h"})
    route = insert(cp, "routes", {"paths": ["/"], "service": {"id": str(service.entity_id)}})
    ref = EntityRef.objects.get(source=route)
    assert (ref.field, ref.target_type, str(ref.target_id)) == (
        "service",
        "services",
        str(service.entity_id),
    )


def test_replace_moves_the_index_with_the_data(cp: ControlPlane) -> None:
    create_entity(cp, "services", {"name": "old", "host": "h"}, actor="t")
    update_entity(cp, "services", "old", {"name": "new"}, actor="t")
    assert store.find_by_key(cp, "services", "old") is None
    assert store.find_by_key(cp, "services", "new") is not None
    create_entity(cp, "services", {"name": "old", "host": "h"}, actor="t")  # the name is free


def test_remove_drops_the_index_rows(cp: ControlPlane) -> None:
    create_entity(cp, "services", {"name": "s", "host": "h"}, actor="t")
    create_entity(cp, "plugins", {"name": "cors", "service": "s"}, actor="t")
    with versioned_write(cp.pk, "t") as writer:
        store.remove(writer, store.find_by_key(cp, "services", "s"))  # type: ignore[arg-type]
    assert (Entity.objects.count(), UniqueKey.objects.count(), EntityRef.objects.count()) == (
        0,
        0,
        0,
    )


def test_a_unique_clash_is_kongs_message(cp: ControlPlane) -> None:
    insert(cp, "services", {"name": "billing", "host": "h"})
    with pytest.raises(UniqueViolation) as caught:
        insert(cp, "services", {"name": "billing", "host": "h"})
    assert caught.value.message == "UNIQUE violation detected on '{name=\"billing\"}'"
    assert (caught.value.status, caught.value.code) == (409, 5)


def test_a_composite_clash_names_every_field(cp: ControlPlane) -> None:
    service = create_entity(cp, "services", {"name": "s", "host": "h"}, actor="t")
    create_entity(cp, "plugins", {"name": "cors", "service": "s"}, actor="t")
    with pytest.raises(UniqueViolation) as caught:
        create_entity(cp, "plugins", {"name": "cors", "service": "s"}, actor="t")
    assert caught.value.message == (
        'UNIQUE violation detected on \'{consumer=null,consumer_group=null,name="cors",'
        f'route=null,service={{id="{service["id"]}"}}}}\''
    )


def test_a_taken_id_is_a_unique_violation(cp: ControlPlane) -> None:
    insert(cp, "consumers", {"id": ID, "username": "a"})
    with pytest.raises(UniqueViolation) as caught:
        insert(cp, "consumers", {"id": ID, "username": "b"})
    assert caught.value.fields == {"id": ID}


def test_the_same_id_may_serve_two_entity_types(cp: ControlPlane) -> None:
    insert(cp, "consumers", {"id": ID, "username": "a"})
    insert(cp, "services", {"id": ID, "host": "h"})


def test_uniqueness_is_per_control_plane(cp: ControlPlane, org: Any) -> None:
    from controlplane.services.control_planes import create_control_plane

    other = create_control_plane(org, name="other")
    insert(cp, "services", {"id": ID, "name": "s", "host": "h"})
    insert(other, "services", {"id": ID, "name": "s", "host": "h"})


def test_a_dangling_reference_is_refused(cp: ControlPlane) -> None:
    with pytest.raises(ForeignKeyViolation) as caught:
        insert(cp, "routes", {"paths": ["/"], "service": {"id": ID}})
    assert caught.value.fields == {"service": {"id": ID}}
    assert not Entity.objects.exists()


def test_a_reference_to_another_control_planes_entity_is_dangling(
    cp: ControlPlane, org: Any
) -> None:
    from controlplane.services.control_planes import create_control_plane

    other = create_control_plane(org, name="other")
    service = create_entity(other, "services", {"host": "h"}, actor="t")
    with pytest.raises(ForeignKeyViolation):
        insert(cp, "routes", {"paths": ["/"], "service": {"id": service["id"]}})


def test_removing_a_restricted_target_is_refused_with_nothing_removed(cp: ControlPlane) -> None:
    create_entity(cp, "services", {"name": "s", "host": "h"}, actor="t")
    create_entity(cp, "plugins", {"name": "cors", "service": "s"}, actor="t")
    create_entity(cp, "routes", {"paths": ["/"], "service": "s"}, actor="t")
    with pytest.raises(ReferencedByOthers) as caught, versioned_write(cp.pk, "t") as writer:
        store.remove(writer, store.find_by_key(cp, "services", "s"))  # type: ignore[arg-type]
    assert caught.value.fields == {"@referenced_by": "routes"}
    assert Entity.objects.count() == 3


def test_removing_cascades_and_records_the_dependants_first(cp: ControlPlane) -> None:
    create_entity(cp, "routes", {"name": "r", "paths": ["/"]}, actor="t")
    create_entity(cp, "plugins", {"name": "cors", "route": "r"}, actor="t")
    create_entity(cp, "plugins", {"name": "key-auth", "route": "r"}, actor="t")
    with versioned_write(cp.pk, "t") as writer:
        store.remove(writer, store.find_by_key(cp, "routes", "r"))  # type: ignore[arg-type]
    assert [c["entity_type"] for c in writer.changes] == ["plugins", "plugins", "routes"]
    assert not Entity.objects.exists()


def test_removing_the_same_row_twice_in_one_write_records_it_once(cp: ControlPlane) -> None:
    create_entity(cp, "consumers", {"username": "u"}, actor="t")
    row = store.find_by_key(cp, "consumers", "u")
    assert row is not None
    with versioned_write(cp.pk, "t") as writer:
        store.remove(writer, row)
        store.remove(writer, row)
    assert len(writer.changes) == 1
    assert Change.objects.filter(op="delete").count() == 1


def test_find_by_key_tries_the_id_then_the_name(cp: ControlPlane) -> None:
    named_like_an_id = create_entity(cp, "services", {"name": "s1", "host": "h"}, actor="t")
    row = store.find_by_key(cp, "services", named_like_an_id["id"])
    assert row is not None and row.endpoint_key == "s1"
    assert store.find_by_key(cp, "services", "s1") == row
    assert store.find_by_key(cp, "services", ID) is None


def test_a_32_hex_digit_name_is_a_name_not_an_id(cp: ControlPlane) -> None:
    name = ID.replace("-", "")
    create_entity(cp, "services", {"name": name, "host": "h"}, actor="t")
    row = store.find_by_key(cp, "services", name)
    assert row is not None and row.endpoint_key == name


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (ID, True),
        (ID.upper(), True),
        (ID.replace("-", ""), False),
        (f"{{{ID}}}", False),
        (f"urn:uuid:{ID}", False),
        (ID + "\n", False),
        ("nope", False),
        (5, False),
        (None, False),
    ],
)
def test_only_the_dashed_form_is_a_uuid(value: Any, expected: bool) -> None:
    assert store.is_uuid(value) is expected


def test_an_endpoint_key_longer_than_its_column_is_a_schema_violation(cp: ControlPlane) -> None:
    with pytest.raises(SchemaViolationError) as caught:
        create_entity(cp, "services", {"name": "n" * 513, "host": "h"}, actor="t")
    assert caught.value.fields == {"name": "length must be at most 512"}


def test_tags_are_indexed_for_filtering(cp: ControlPlane) -> None:
    from controlplane.queries import filter_tags

    create_entity(cp, "consumers", {"username": "a", "tags": ["x", "y"]}, actor="t")
    create_entity(cp, "consumers", {"username": "b", "tags": ["xy"]}, actor="t")
    rows = filter_tags(Entity.objects.filter(control_plane=cp), "x")
    assert [r.endpoint_key for r in rows] == ["a"]
