"""Control planes: create, change settings (announcing a sync-mode switch), delete."""

from typing import Any

import pytest

from controlplane.errors import SchemaViolationError, UniqueViolation
from controlplane.models import ControlPlane, Organization
from controlplane.services.control_planes import (
    create_control_plane,
    delete_control_plane,
    update_control_plane,
)
from kongcore.hashing import EMPTY_HASH


def test_a_new_control_plane_starts_empty_with_incremental_sync(org: Organization) -> None:
    cp = create_control_plane(org, name="  prod  ")
    assert (cp.name, cp.description, cp.labels) == ("prod", "", {})
    assert (cp.incremental_sync, cp.config_version, cp.config_hash) == (True, 0, EMPTY_HASH)


def test_a_name_is_unique_within_an_organization(org: Organization, cp: ControlPlane) -> None:
    with pytest.raises(UniqueViolation) as caught:
        create_control_plane(org, name="default")
    assert caught.value.message == "UNIQUE violation detected on '{name=\"default\"}'"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": 5}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "x", "description": None}, "description"),
        ({"name": "x", "labels": []}, "labels"),
        ({"name": "x", "labels": {"a": 1}}, "labels"),
        ({"name": "x", "incremental_sync": "yes"}, "config.incremental_sync"),
        ({"name": "x", "incremental_sync": 1}, "config.incremental_sync"),
    ],
)
def test_bad_settings_are_schema_violations(
    org: Organization, fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(SchemaViolationError) as caught:
        create_control_plane(org, **fields)
    assert list(caught.value.fields or {}) == [field]
    assert not ControlPlane.objects.exists()


def test_switching_incremental_sync_is_announced_after_commit(
    cp: ControlPlane,
    published: list[tuple[str, dict[str, Any]]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        update_control_plane(cp, {"incremental_sync": False})
    assert [event for _, event in published] == [
        {"type": "sync.settings", "control_plane_id": str(cp.pk), "sync_mode": "full"}
    ]


def test_other_changes_announce_nothing(
    cp: ControlPlane,
    published: list[tuple[str, dict[str, Any]]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        updated = update_control_plane(cp, {"description": "d", "incremental_sync": True})
    assert updated.description == "d"
    assert [event for _, event in published] == []


def test_renaming_to_a_taken_name_is_a_unique_violation(
    org: Organization, cp: ControlPlane
) -> None:
    create_control_plane(org, name="other")
    with pytest.raises(UniqueViolation):
        update_control_plane(cp, {"name": "other"})
    cp.refresh_from_db()
    assert cp.name == "default"


def test_deleting_a_control_plane_revokes_its_nodes_after_commit(
    cp: ControlPlane,
    published: list[tuple[str, dict[str, Any]]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        delete_control_plane(cp)
    assert not ControlPlane.objects.exists()
    assert [event for _, event in published] == [
        {"type": "sync.revoke", "control_plane_id": str(cp.pk), "node_id": None}
    ]
