"""One-entity writes as Kong's Admin API makes them: create, upsert, update, delete, and
references given by name."""

from typing import Any

import pytest

from controlplane.errors import ForeignKeyViolation, NotFound, SchemaViolationError
from controlplane.models import ConfigVersion, ControlPlane, Entity
from controlplane.services import changelog, entities
from controlplane.services.entities import (
    create_entity,
    delete_entity,
    require,
    update_entity,
    upsert_entity,
)

ID = "7f0ad3f6-2a43-4b8e-9d65-1c7c0b2bd111"


@pytest.fixture
def billing(cp: ControlPlane) -> dict[str, Any]:
    return create_entity(cp, "services", {"name": "billing", "host": "h"}, actor="t")


def test_create_returns_the_stored_entity(cp: ControlPlane) -> None:
    data = create_entity(cp, "services", {"name": "s", "host": "h"}, actor="t")
    row = Entity.objects.get(control_plane=cp)
    assert row.data == data
    assert (str(row.entity_id), row.endpoint_key, row.entity_type) == (data["id"], "s", "services")


def test_a_given_id_is_normalized_to_lowercase(cp: ControlPlane) -> None:
    data = create_entity(cp, "consumers", {"id": ID.upper(), "username": "u"}, actor="t")
    assert data["id"] == ID


@pytest.mark.parametrize("bad", ["nope", 5, f"{{{ID}}}", ID.replace("-", ""), ID + "\n"])
def test_an_id_that_is_not_a_dashed_uuid_is_refused(cp: ControlPlane, bad: Any) -> None:
    with pytest.raises(SchemaViolationError) as caught:
        create_entity(cp, "consumers", {"id": bad, "username": "u"}, actor="t")
    assert caught.value.fields == {"id": "expected a valid UUID"}


def test_timestamps_come_from_the_clock_and_created_at_survives_updates(
    cp: ControlPlane, monkeypatch: Any
) -> None:
    monkeypatch.setattr(entities, "now_ts", lambda: 1000)
    created = create_entity(cp, "consumers", {"username": "u"}, actor="t")
    monkeypatch.setattr(entities, "now_ts", lambda: 2000)
    patched = update_entity(cp, "consumers", "u", {"custom_id": "c"}, actor="t")
    monkeypatch.setattr(entities, "now_ts", lambda: 3000)
    put, _ = upsert_entity(cp, "consumers", "u", {}, actor="t")
    assert (created["created_at"], created["updated_at"]) == (1000, 1000)
    assert (patched["created_at"], patched["updated_at"]) == (1000, 2000)
    assert (put["created_at"], put["updated_at"]) == (1000, 3000)


def test_upsert_tells_whether_it_created(cp: ControlPlane) -> None:
    first, created = upsert_entity(cp, "services", "s", {"host": "a"}, actor="t")
    second, created_again = upsert_entity(cp, "services", "s", {"host": "b"}, actor="t")
    assert (created, created_again) == (True, False)
    assert second["id"] == first["id"]
    assert Entity.objects.filter(control_plane=cp).count() == 1


def test_upsert_by_id_uses_that_id(cp: ControlPlane) -> None:
    data, _ = upsert_entity(cp, "consumers", ID, {"username": "u"}, actor="t")
    assert data["id"] == ID


def test_upsert_by_name_keeps_the_name_of_the_path(cp: ControlPlane) -> None:
    data, _ = upsert_entity(cp, "services", "s", {"name": "other", "host": "h"}, actor="t")
    assert data["name"] == "s"


def test_upsert_of_a_type_without_a_name_needs_an_id(cp: ControlPlane) -> None:
    with pytest.raises(SchemaViolationError) as caught:
        upsert_entity(cp, "ca_certificates", "not-an-id", {}, actor="t")
    assert caught.value.fields == {"id": "expected a valid UUID"}


def test_update_of_a_missing_entity_is_not_found(cp: ControlPlane) -> None:
    with pytest.raises(NotFound):
        update_entity(cp, "services", "ghost", {"port": 1}, actor="t")
    assert not ConfigVersion.objects.exists()


def test_update_merges_records_and_replaces_arrays(cp: ControlPlane) -> None:
    create_entity(cp, "routes", {"name": "r", "paths": ["/a", "/b"], "methods": ["GET"]}, actor="t")
    data = update_entity(cp, "routes", "r", {"paths": ["/c"]}, actor="t")
    assert (data["paths"], data["methods"]) == (["/c"], ["GET"])


def test_delete_reports_whether_something_was_deleted(cp: ControlPlane, billing: Any) -> None:
    assert delete_entity(cp, "services", "billing", actor="t") is True
    assert delete_entity(cp, "services", "billing", actor="t") is False


def test_require_finds_by_id_or_key(cp: ControlPlane, billing: dict[str, Any]) -> None:
    assert str(require(cp, "services", billing["id"]).entity_id) == billing["id"]
    assert str(require(cp, "services", "billing").entity_id) == billing["id"]
    with pytest.raises(NotFound):
        require(cp, "services", "ghost")


# References


@pytest.mark.parametrize(
    "reference",
    [{"name": "billing"}, "billing", "BILLING_ID", {"id": "BILLING_ID"}],
    ids=["by-name", "bare-name", "bare-id", "by-id"],
)
def test_a_reference_may_name_its_target_in_several_ways(
    cp: ControlPlane, billing: dict[str, Any], reference: Any
) -> None:
    if isinstance(reference, dict):
        reference = {k: billing["id"] if v == "BILLING_ID" else v for k, v in reference.items()}
    elif reference == "BILLING_ID":
        reference = billing["id"]
    route = create_entity(cp, "routes", {"paths": ["/"], "service": reference}, actor="t")
    assert route["service"] == {"id": billing["id"]}


def test_a_consumer_reference_may_use_its_username_or_custom_id(cp: ControlPlane) -> None:
    ann = create_entity(cp, "consumers", {"username": "ann"}, actor="t")
    bea = create_entity(cp, "consumers", {"username": "bea", "custom_id": "ann"}, actor="t")
    by_username = entities.resolve_references(cp, "plugins", {"consumer": "ann"})
    by_custom_id = entities.resolve_references(cp, "plugins", {"consumer": {"custom_id": "ann"}})
    assert by_username["consumer"] == {"id": ann["id"]}
    assert by_custom_id["consumer"] == {"id": bea["id"]}


def test_a_reference_to_nothing_is_kongs_foreign_key_violation(cp: ControlPlane) -> None:
    with pytest.raises(ForeignKeyViolation) as caught:
        create_entity(cp, "routes", {"paths": ["/"], "service": {"name": "ghost"}}, actor="t")
    assert caught.value.message == (
        "the foreign key '{name=\"ghost\"}' does not reference an existing 'services' entity."
    )
    assert caught.value.fields == {"service": {"name": "ghost"}}


@pytest.mark.parametrize("name", [None, 5, {"x": 1}, ["billing"]])
def test_a_reference_by_a_name_that_is_not_a_string_is_a_schema_violation(
    cp: ControlPlane, billing: Any, name: Any
) -> None:
    with pytest.raises(SchemaViolationError):
        create_entity(cp, "routes", {"paths": ["/"], "service": {"name": name}}, actor="t")


def test_a_reference_by_a_field_that_is_not_unique_is_a_schema_violation(
    cp: ControlPlane, billing: Any
) -> None:
    with pytest.raises(SchemaViolationError) as caught:
        create_entity(cp, "routes", {"paths": ["/"], "service": {"host": "h"}}, actor="t")
    assert caught.value.fields == {
        "service": {"host": "unknown field", "id": "required field missing"}
    }


def test_writes_are_attributed_to_their_actor(cp: ControlPlane, monkeypatch: Any) -> None:
    create_entity(cp, "consumers", {"username": "u"}, actor="alice@acme.test (token ci)")
    assert ConfigVersion.objects.get().actor == "alice@acme.test (token ci)"
    assert changelog.now_ts() > 1_600_000_000
