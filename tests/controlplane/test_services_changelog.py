"""The change log: one version per committed write, recorded in the write's transaction,
with the entity before and after, compaction to the retention window, and the config hash."""

from collections import defaultdict
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from controlplane.errors import NotFound, UniqueViolation
from controlplane.models import Change, ConfigVersion, ControlPlane, Entity
from controlplane.services import entities, store
from controlplane.services.changelog import versioned_write
from controlplane.sync.log import oldest_retained_version
from kongcore import hashing


def full_hash(cp: ControlPlane) -> str:
    config: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in Entity.objects.filter(control_plane=cp):
        config[row.entity_type].append(row.data)
    return hashing.config_hash(config)


def versions(cp: ControlPlane) -> list[int]:
    return list(ConfigVersion.objects.filter(control_plane=cp).values_list("version", flat=True))


def test_each_write_is_exactly_one_new_version(cp: ControlPlane) -> None:
    entities.create_entity(cp, "services", {"name": "s", "host": "h"}, actor="a")
    entities.update_entity(cp, "services", "s", {"port": 81}, actor="a")
    entities.upsert_entity(cp, "services", "s", {"host": "h2"}, actor="a")
    entities.delete_entity(cp, "services", "s", actor="a")
    cp.refresh_from_db()
    assert versions(cp) == [1, 2, 3, 4]
    assert cp.config_version == 4
    assert [v.change_count for v in ConfigVersion.objects.filter(control_plane=cp)] == [1, 1, 1, 1]


def test_a_change_records_op_type_id_and_the_entity_after_and_before(cp: ControlPlane) -> None:
    created = entities.create_entity(cp, "consumers", {"username": "ann"}, actor="alice")
    updated = entities.update_entity(cp, "consumers", "ann", {"custom_id": "c1"}, actor="bob")
    entities.delete_entity(cp, "consumers", "ann", actor="carol")
    changes = list(Change.objects.filter(config_version__control_plane=cp))
    assert [(c.op, c.entity_type, str(c.entity_id)) for c in changes] == [
        ("create", "consumers", created["id"]),
        ("update", "consumers", created["id"]),
        ("delete", "consumers", created["id"]),
    ]
    assert [(c.entity, c.old_entity) for c in changes] == [
        (created, None),
        (updated, created),
        (None, updated),
    ]
    actors = [v.actor for v in ConfigVersion.objects.filter(control_plane=cp)]
    assert actors == ["alice", "bob", "carol"]


def test_a_write_with_several_changes_is_one_version(cp: ControlPlane) -> None:
    with versioned_write(cp.pk, "a") as writer:
        for name in ("a", "b", "c"):
            data = entities._prepare(writer.control_plane, "consumers", {"username": name}, None)
            store.insert(writer, "consumers", data)
    assert versions(cp) == [1]
    assert list(Change.objects.values_list("seq", flat=True)) == [0, 1, 2]


def test_a_write_that_changes_nothing_records_no_version(cp: ControlPlane) -> None:
    with versioned_write(cp.pk, "a"):
        pass
    assert entities.delete_entity(cp, "services", "ghost", actor="a") is False
    cp.refresh_from_db()
    assert (cp.config_version, versions(cp)) == (0, [])


def test_a_failed_write_records_nothing_and_leaves_no_rows(cp: ControlPlane) -> None:
    entities.create_entity(cp, "services", {"name": "s", "host": "h"}, actor="a")
    with pytest.raises(RuntimeError), versioned_write(cp.pk, "a") as writer:
        data = entities._prepare(writer.control_plane, "consumers", {"username": "u"}, None)
        store.insert(writer, "consumers", data)
        raise RuntimeError("boom")
    cp.refresh_from_db()
    assert (cp.config_version, versions(cp)) == (1, [1])
    assert not Entity.objects.filter(entity_type="consumers").exists()
    assert cp.config_hash == full_hash(cp)


def test_a_refused_write_records_nothing(cp: ControlPlane) -> None:
    entities.create_entity(cp, "services", {"name": "s", "host": "h"}, actor="a")
    with pytest.raises(UniqueViolation):
        entities.create_entity(cp, "services", {"name": "s", "host": "h"}, actor="a")
    assert versions(cp) == [1]
    assert Change.objects.count() == 1


def test_writing_to_a_missing_control_plane_is_not_found(db: Any) -> None:
    with pytest.raises(NotFound), versioned_write("00000000-0000-0000-0000-000000000000", "a"):
        pass


def test_a_long_actor_is_cut_to_fit(cp: ControlPlane) -> None:
    entities.create_entity(cp, "consumers", {"username": "u"}, actor="x" * 500)
    assert len(ConfigVersion.objects.get().actor) == 200


def test_each_version_records_its_message_size(cp: ControlPlane) -> None:
    entities.create_entity(cp, "consumers", {"username": "u"}, actor="a")
    version = ConfigVersion.objects.get()
    assert version.raw_bytes > 0
    assert 0 < version.wire_bytes <= version.raw_bytes


# Retention


def test_only_the_last_n_versions_are_kept(cp: ControlPlane, settings: Any) -> None:
    settings.KONNECTLITE_CHANGELOG_RETENTION = 3
    for i in range(7):
        entities.create_entity(cp, "consumers", {"username": f"u{i}"}, actor="a")
    cp.refresh_from_db()
    assert cp.config_version == 7
    assert versions(cp) == [5, 6, 7]
    assert Change.objects.filter(config_version__control_plane=cp).count() == 3
    assert oldest_retained_version(cp) == 5
    assert Entity.objects.filter(control_plane=cp).count() == 7  # compaction keeps the config


def test_the_default_retention_is_1000_versions(settings: Any) -> None:
    from konnectlite import settings as project_settings

    assert project_settings.KONNECTLITE_CHANGELOG_RETENTION == 1000


def test_retention_applies_per_control_plane(cp: ControlPlane, org: Any, settings: Any) -> None:
    from controlplane.services.control_planes import create_control_plane

    settings.KONNECTLITE_CHANGELOG_RETENTION = 2
    other = create_control_plane(org, name="other")
    entities.create_entity(other, "consumers", {"username": "x"}, actor="a")
    for i in range(4):
        entities.create_entity(cp, "consumers", {"username": f"u{i}"}, actor="a")
    assert versions(other) == [1]
    assert versions(cp) == [3, 4]


def test_an_empty_log_starts_after_the_current_version(cp: ControlPlane) -> None:
    assert oldest_retained_version(cp) == 1


# The config hash


def test_an_empty_config_has_the_empty_hash(cp: ControlPlane) -> None:
    assert cp.config_hash == hashing.EMPTY_HASH == full_hash(cp)


def test_the_hash_always_matches_the_whole_config(cp: ControlPlane) -> None:
    steps = [
        lambda: entities.create_entity(cp, "services", {"name": "s", "host": "h"}, actor="a"),
        lambda: entities.create_entity(
            cp, "routes", {"name": "r", "paths": ["/"], "service": "s"}, actor="a"
        ),
        lambda: entities.create_entity(cp, "plugins", {"name": "cors", "route": "r"}, actor="a"),
        lambda: entities.create_entity(
            cp, "plugins", {"name": "key-auth", "service": "s"}, actor="a"
        ),
        lambda: entities.create_entity(cp, "consumers", {"username": "ann"}, actor="a"),
        lambda: entities.create_entity(
            cp,
            "plugins",
            {"name": "rate-limiting", "consumer": "ann", "config": {"minute": 1}},
            actor="a",
        ),
        lambda: entities.update_entity(cp, "services", "s", {"port": 8080}, actor="a"),
        lambda: entities.upsert_entity(
            cp, "routes", "r", {"paths": ["/x"], "service": "s"}, actor="a"
        ),
        lambda: entities.upsert_entity(cp, "consumers", "bea", {}, actor="a"),
        lambda: entities.delete_entity(cp, "routes", "r", actor="a"),  # cascades to a plugin
        lambda: entities.delete_entity(cp, "consumers", "ann", actor="a"),  # cascades too
        lambda: entities.delete_entity(cp, "services", "s", actor="a"),  # and its plugin
    ]
    for step in steps:
        step()
        cp.refresh_from_db()
        assert cp.config_hash == full_hash(cp)
        latest = ConfigVersion.objects.get(control_plane=cp, version=cp.config_version)
        assert latest.config_hash == cp.config_hash
    assert Entity.objects.filter(control_plane=cp).count() == 1  # bea


def test_the_hash_does_not_depend_on_the_order_of_writes(cp: ControlPlane, org: Any) -> None:
    from controlplane.services.control_planes import create_control_plane

    other = create_control_plane(org, name="other")
    first = entities.create_entity(cp, "consumers", {"username": "a"}, actor="t")
    second = entities.create_entity(cp, "consumers", {"username": "b"}, actor="t")
    entities.create_entity(other, "consumers", second, actor="t")
    entities.create_entity(other, "consumers", first, actor="t")
    cp.refresh_from_db()
    other.refresh_from_db()
    assert cp.config_hash == other.config_hash


def test_a_one_entity_write_does_not_reread_the_config(cp: ControlPlane) -> None:
    def queries_for_one_write(name: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            entities.create_entity(cp, "consumers", {"username": name}, actor="a")
        return len(captured)

    small = queries_for_one_write("first")
    for i in range(50):
        entities.create_entity(cp, "consumers", {"username": f"u{i}"}, actor="a")
    assert queries_for_one_write("last") == small
    cp.refresh_from_db()
    assert cp.config_hash == full_hash(cp)


# Publishing


def test_a_committed_version_is_published_once_after_commit(
    cp: ControlPlane, published: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    sent = published
    with django_capture_on_commit_callbacks(execute=True):
        entities.create_entity(cp, "consumers", {"username": "u"}, actor="a")
    sync = [event for _, event in sent if event["type"] == "sync.version"]
    assert len(sync) == 1
    assert (sync[0]["version"], sync[0]["hash"]) == (1, ConfigVersion.objects.get().config_hash)
    assert [e["type"] for _, e in sent].count("live.version") == 1


def test_a_failed_write_publishes_nothing(
    cp: ControlPlane, published: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as one_write:
        entities.create_entity(cp, "consumers", {"username": "w"}, actor="a")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(UniqueViolation),
    ):
        entities.create_entity(cp, "consumers", {"username": "u"}, actor="a")
        entities.create_entity(cp, "consumers", {"username": "u"}, actor="a")
    assert len(callbacks) == len(one_write)  # the first, successful write's only
    assert len([e for _, e in published if e["type"] == "sync.version"]) == 1
