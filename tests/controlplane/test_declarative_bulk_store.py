"""The bulk store writes a planned sync with a bounded number of queries, indexes in step."""

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from controlplane.models import ControlPlane, Entity, EntityRef, UniqueKey
from controlplane.services.declarative import apply_declarative_config


def services(count: int, prefix: str = "s") -> dict[str, Any]:
    return {
        "services": [
            {
                "name": f"{prefix}{i}",
                "host": f"h{i}.internal",
                "routes": [{"name": f"{prefix}{i}-r", "paths": [f"/{prefix}{i}"]}],
            }
            for i in range(count)
        ]
    }


def queries_to_sync(cp: ControlPlane, document: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        apply_declarative_config(cp, document, actor="test")
    return len(captured.captured_queries)


def test_a_sync_costs_a_query_per_batch_not_per_entity(cp: ControlPlane) -> None:
    small = queries_to_sync(cp, services(50))
    Entity.objects.filter(control_plane=cp).delete()
    large = queries_to_sync(cp, services(400, prefix="t"))  # 800 entities
    assert small < 15 and large < 40, (small, large)


def test_rows_unique_keys_and_references_are_written_together(cp: ControlPlane) -> None:
    apply_declarative_config(cp, services(3), actor="test")
    assert Entity.objects.filter(control_plane=cp).count() == 6
    assert UniqueKey.objects.filter(control_plane=cp, entity_type="routes").count() == 3
    refs = EntityRef.objects.filter(control_plane=cp, field="service")
    assert refs.count() == 3


def test_two_entities_may_swap_names_in_one_sync(cp: ControlPlane) -> None:
    first = {
        "services": [
            {"name": "a", "host": "one", "id": "11111111-1111-4111-8111-111111111111"},
            {"name": "b", "host": "two", "id": "22222222-2222-4222-8222-222222222222"},
        ]
    }
    apply_declarative_config(cp, first, actor="test")
    swapped = {
        "services": [{**first["services"][0], "name": "b"}, {**first["services"][1], "name": "a"}]
    }
    diff = apply_declarative_config(cp, swapped, actor="test")
    assert diff.count("updated") == 2
    names = {row.data["host"]: row.endpoint_key for row in Entity.objects.filter(control_plane=cp)}
    assert names == {"one": "b", "two": "a"}


def test_deleted_entities_leave_no_index_rows(cp: ControlPlane) -> None:
    apply_declarative_config(cp, services(3), actor="test")
    apply_declarative_config(cp, {}, actor="test")
    assert Entity.objects.filter(control_plane=cp).count() == 0
    assert UniqueKey.objects.filter(control_plane=cp).count() == 0
    assert EntityRef.objects.filter(control_plane=cp).count() == 0
