"""Reverting to a retained version: one new version whose config, and so whose hash, is
exactly the target version's, computed from the change log; a dry run writes nothing."""

from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from controlplane.errors import Conflict, SchemaViolationError, UniqueViolation
from controlplane.models import Change, ConfigVersion, ControlPlane, Entity
from controlplane.services import entities
from controlplane.services.consumer_groups import add_consumers_to_group
from controlplane.services.declarative import apply_declarative_config
from controlplane.services.revert import revert_control_plane, revertible_versions
from dataplane.changes import index_snapshot, plan_delta
from dataplane.store import Store
from kongcore import hashing

ACTOR = "alice@acme.test"


@pytest.fixture(autouse=True)
def clock(monkeypatch: Any) -> Iterator[None]:
    """A clock that ticks a second per write, so restored timestamps are really restored."""
    ticks = iter(range(1_700_000_000, 1_800_000_000))
    for module in ("entities", "certificates", "consumer_groups"):
        monkeypatch.setattr(f"controlplane.services.{module}.now_ts", lambda: next(ticks))
    monkeypatch.setattr("controlplane.declarative.plan.now_ts", lambda: next(ticks))
    yield


def config_of(cp: ControlPlane) -> dict[str, list[dict[str, Any]]]:
    config: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in Entity.objects.filter(control_plane=cp).order_by("entity_type", "entity_id"):
        config[row.entity_type].append(row.data)
    return dict(config)


def head(cp: ControlPlane) -> tuple[int, str]:
    cp.refresh_from_db()
    return cp.config_version, cp.config_hash


def hash_of(cp: ControlPlane, version: int) -> str:
    return ConfigVersion.objects.get(control_plane=cp, version=version).config_hash


def assert_reverted(cp: ControlPlane, to_version: int, config: dict[str, Any]) -> None:
    """The revert is one new version with the target's config and hash, rows and log alike."""
    before, _ = head(cp)
    result = revert_control_plane(cp, to_version, actor=ACTOR)
    version, config_hash = head(cp)
    assert version == before + 1 == result.diff.config_version
    assert config_hash == hash_of(cp, to_version) == result.config_hash
    assert config_of(cp) == config
    assert hashing.config_hash(config_of(cp)) == config_hash


def service(name: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "host": f"{name}.internal", **fields}


def test_reverting_undoes_creates(cp: ControlPlane) -> None:
    entities.create_entity(cp, "services", service("billing"), actor=ACTOR)
    at_v1 = config_of(cp)
    entities.create_entity(cp, "services", service("orders"), actor=ACTOR)
    entities.create_entity(
        cp, "routes", {"name": "r", "paths": ["/o"], "service": "orders"}, actor=ACTOR
    )
    assert_reverted(cp, 1, at_v1)


def test_reverting_restores_an_update_with_its_timestamps(cp: ControlPlane) -> None:
    entities.create_entity(cp, "services", service("billing", port=80), actor=ACTOR)
    at_v1 = config_of(cp)
    entities.update_entity(cp, "services", "billing", {"port": 81}, actor=ACTOR)
    entities.update_entity(cp, "services", "billing", {"path": "/v2"}, actor=ACTOR)
    assert config_of(cp)["services"][0]["updated_at"] != at_v1["services"][0]["updated_at"]
    assert_reverted(cp, 1, at_v1)


def test_reverting_recreates_deleted_entities_with_their_ids(cp: ControlPlane) -> None:
    entities.create_entity(cp, "consumers", {"username": "ann", "custom_id": "a1"}, actor=ACTOR)
    at_v1 = config_of(cp)
    entities.delete_entity(cp, "consumers", "ann", actor=ACTOR)
    assert_reverted(cp, 1, at_v1)
    assert entities.require(cp, "consumers", "ann").data == at_v1["consumers"][0]


def test_reverting_restores_everything_a_delete_cascaded_to(cp: ControlPlane) -> None:
    entities.create_entity(cp, "consumers", {"username": "ann"}, actor=ACTOR)
    entities.create_entity(cp, "keyauth_credentials", {"key": "k", "consumer": "ann"}, actor=ACTOR)
    entities.create_entity(cp, "acls", {"group": "admins", "consumer": "ann"}, actor=ACTOR)
    rate_limit = {"name": "rate-limiting", "consumer": "ann", "config": {"minute": 5}}
    entities.create_entity(cp, "plugins", rate_limit, actor=ACTOR)
    at_v4 = config_of(cp)
    entities.delete_entity(cp, "consumers", "ann", actor=ACTOR)  # its credentials go too
    assert Entity.objects.filter(control_plane=cp).count() == 0
    assert_reverted(cp, 4, at_v4)
    # Parents come before their children, so a node can apply the delta in order.
    changes = Change.objects.filter(config_version__control_plane=cp, config_version__version=6)
    assert [(c.op, c.entity_type) for c in changes] == [
        ("create", "consumers"),
        ("create", "plugins"),
        ("create", "keyauth_credentials"),
        ("create", "acls"),
    ]


def test_reverting_a_creation_deletes_children_before_their_parents(cp: ControlPlane) -> None:
    entities.create_entity(cp, "upstreams", {"name": "pool"}, actor=ACTOR)
    entities.create_entity(
        cp, "targets", {"target": "10.0.0.1:80", "upstream": "pool"}, actor=ACTOR
    )
    revert_control_plane(cp, 0, actor=ACTOR)
    changes = Change.objects.filter(config_version__control_plane=cp, config_version__version=3)
    assert [(c.op, c.entity_type) for c in changes] == [
        ("delete", "targets"),
        ("delete", "upstreams"),
    ]
    assert head(cp)[1] == hashing.EMPTY_HASH


def test_reverting_swapped_unique_names_restores_both(cp: ControlPlane) -> None:
    entities.create_entity(cp, "services", service("a"), actor=ACTOR)
    entities.create_entity(cp, "services", service("b"), actor=ACTOR)
    at_v2 = config_of(cp)
    entities.update_entity(cp, "services", "a", {"name": "tmp"}, actor=ACTOR)
    entities.update_entity(cp, "services", "b", {"name": "a"}, actor=ACTOR)
    entities.update_entity(cp, "services", "tmp", {"name": "b"}, actor=ACTOR)
    assert_reverted(cp, 2, at_v2)
    names = {row.data["id"]: row.endpoint_key for row in Entity.objects.filter(control_plane=cp)}
    assert names == {data["id"]: data["name"] for data in at_v2["services"]}
    with pytest.raises(UniqueViolation):
        entities.create_entity(cp, "services", service("a"), actor=ACTOR)


def test_reverting_restores_certificates_with_their_snis_and_group_memberships(
    cp: ControlPlane, cert_pem: tuple[str, str]
) -> None:
    cert, key = cert_pem
    entities.create_entity(
        cp, "certificates", {"cert": cert, "key": key, "snis": ["a.test", "b.test"]}, actor=ACTOR
    )
    entities.create_entity(cp, "consumers", {"username": "ann"}, actor=ACTOR)
    entities.create_entity(cp, "consumer_groups", {"name": "gold"}, actor=ACTOR)
    add_consumers_to_group(cp, "gold", ["ann"], actor=ACTOR)
    version, _ = head(cp)
    at_version = config_of(cp)
    certificate_id = at_version["certificates"][0]["id"]
    entities.delete_entity(cp, "certificates", certificate_id, actor=ACTOR)
    entities.delete_entity(cp, "consumer_groups", "gold", actor=ACTOR)
    assert_reverted(cp, version, at_version)
    assert len(config_of(cp)["snis"]) == 2 and len(config_of(cp)["consumer_group_consumers"]) == 1


DECK_V1 = """
_format_version: "3.0"
services:
- name: billing
  host: billing.internal
  routes:
  - name: invoices
    paths: [/invoices]
    plugins:
    - name: cors
- name: orders
  host: orders.internal
consumers:
- username: ann
  keyauth_credentials:
  - key: ann-key
upstreams:
- name: pool
  targets:
  - target: 10.0.0.1:80
  - target: 10.0.0.2:80
"""

DECK_V2 = """
_format_version: "3.0"
services:
- name: billing
  host: billing-v2.internal
  port: 8443
  protocol: https
- name: shipping
  host: shipping.internal
  routes:
  - name: parcels
    paths: [/parcels]
consumers:
- username: bea
plugins:
- name: rate-limiting
  config: {minute: 10}
"""


def test_reverting_undoes_a_whole_deck_sync(cp: ControlPlane) -> None:
    apply_declarative_config(cp, DECK_V1, actor=ACTOR)
    at_v1 = config_of(cp)
    diff = apply_declarative_config(cp, DECK_V2, actor=ACTOR)
    assert diff.total > 10
    assert_reverted(cp, 1, at_v1)
    # Syncing the first file again now finds nothing to change.
    assert apply_declarative_config(cp, DECK_V1, actor=ACTOR, dry_run=True).total == 0


def test_a_revert_can_itself_be_reverted(cp: ControlPlane) -> None:
    apply_declarative_config(cp, DECK_V1, actor=ACTOR)
    apply_declarative_config(cp, DECK_V2, actor=ACTOR)
    at_v2 = config_of(cp)
    revert_control_plane(cp, 1, actor=ACTOR)
    assert_reverted(cp, 2, at_v2)


def test_a_revert_is_one_version_broadcast_once(
    cp: ControlPlane,
    published: list[tuple[str, dict[str, Any]]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    apply_declarative_config(cp, DECK_V1, actor=ACTOR)
    apply_declarative_config(cp, DECK_V2, actor=ACTOR)
    with django_capture_on_commit_callbacks(execute=True):
        revert_control_plane(cp, 1, actor=ACTOR)
    assert [group for group, _ in published] == [f"sync.{cp.pk}", f"live.{cp.pk}"]
    latest = ConfigVersion.objects.get(control_plane=cp, version=3)
    assert latest.actor == f"{ACTOR} (revert to v1)"


def test_a_node_at_the_current_version_applies_the_revert_delta(
    cp: ControlPlane, tmp_path: Path
) -> None:
    apply_declarative_config(cp, DECK_V1, actor=ACTOR)
    apply_declarative_config(cp, DECK_V2, actor=ACTOR)
    node = Store.open(tmp_path / "node.db")
    node.replace_config(index_snapshot(config_of(cp)), version=2, config_hash=hash_of(cp, 2))
    revert_control_plane(cp, 1, actor=ACTOR)
    changes = [
        {"op": c.op, "entity_type": c.entity_type, "entity": c.entity, "old_entity": c.old_entity}
        for c in Change.objects.filter(config_version__control_plane=cp, config_version__version=3)
    ]
    _, node_hash = plan_delta(node, changes)
    node.close()
    assert node_hash == hash_of(cp, 1) == hash_of(cp, 3)


def test_a_dry_run_answers_the_diff_and_writes_nothing(
    cp: ControlPlane,
    published: list[tuple[str, dict[str, Any]]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    entities.create_entity(cp, "services", service("billing", port=80), actor=ACTOR)
    entities.update_entity(cp, "services", "billing", {"port": 81}, actor=ACTOR)
    entities.create_entity(cp, "consumers", {"username": "ann"}, actor=ACTOR)
    before = (head(cp), config_of(cp))
    with django_capture_on_commit_callbacks(execute=True):
        result = revert_control_plane(cp, 1, actor=ACTOR, dry_run=True)
    assert (head(cp), config_of(cp)) == before and published == []
    answer = result.as_dict()
    assert answer["dry_run"] is True and answer["config_version"] == 3
    assert answer["summary"] == {
        "created": 0,
        "updated": 1,
        "deleted": 1,
        "unchanged": 0,
        "total_changes": 2,
    }
    assert answer["config_hash"] == hash_of(cp, 1)
    [updated] = answer["updated"]["services"]
    assert updated["name"] == "billing" and updated["fields"] == ["port"]
    assert updated["reason"] == f"changed in version 2 by {ACTOR}"
    [deleted] = answer["deleted"]["consumers"]
    assert deleted["reason"] == f"created in version 3 by {ACTOR}"
    assert (
        answer["message"] == "reverting to version 1 would change: 0 created, 1 updated, 1 deleted"
    )


def test_the_dry_run_diff_is_what_the_revert_then_does(cp: ControlPlane) -> None:
    apply_declarative_config(cp, DECK_V1, actor=ACTOR)
    apply_declarative_config(cp, DECK_V2, actor=ACTOR)
    planned = revert_control_plane(cp, 1, actor=ACTOR, dry_run=True).as_dict()
    done = revert_control_plane(cp, 1, actor=ACTOR).as_dict()
    for name in ("created", "updated", "deleted", "counts"):
        assert planned[name] == done[name]
    assert (done["dry_run"], done["config_version"]) == (False, 3)
    assert done["message"].startswith("reverted to version 1 as version 3: ")


def test_reverting_to_the_current_version_writes_nothing(cp: ControlPlane) -> None:
    entities.create_entity(cp, "services", service("billing"), actor=ACTOR)
    result = revert_control_plane(cp, 1, actor=ACTOR)
    assert head(cp)[0] == 1
    assert result.diff.total == 0
    assert result.message == "the control plane is at version 1: nothing to revert"


def test_reverting_to_a_config_equal_to_todays_writes_nothing(cp: ControlPlane) -> None:
    entities.create_entity(cp, "services", service("billing"), actor=ACTOR)
    entities.create_entity(cp, "consumers", {"username": "tmp"}, actor=ACTOR)
    entities.delete_entity(cp, "consumers", "tmp", actor=ACTOR)
    result = revert_control_plane(cp, 1, actor=ACTOR)
    assert head(cp)[0] == 3
    assert result.message == "the config already equals version 1's: nothing to change"


def test_the_oldest_revertible_version_is_the_one_before_the_oldest_kept(
    cp: ControlPlane, settings: Any
) -> None:
    settings.KONNECTLITE_CHANGELOG_RETENTION = 3
    hashes = {}
    for n in range(6):
        entities.create_entity(cp, "consumers", {"username": f"u{n}"}, actor=ACTOR)
        hashes[n + 1] = head(cp)[1]
    cp.refresh_from_db()
    assert revertible_versions(cp) == range(3, 7)
    revert_control_plane(cp, 3, actor=ACTOR)  # version 3's row is gone; its changes' are not
    assert head(cp) == (7, hashes[3])


@pytest.mark.parametrize(
    ("to_version", "problem"),
    [
        (
            2,
            "version 2 is no longer in the change log; the oldest version this control plane "
            "can revert to is 3",
        ),
        (
            -1,
            "version -1 is no longer in the change log; the oldest version this control plane "
            "can revert to is 3",
        ),
        (9, "version 9 does not exist: the control plane is at version 6"),
    ],
)
def test_a_version_outside_the_log_is_refused_naming_the_oldest_revertible(
    cp: ControlPlane, settings: Any, to_version: int, problem: str
) -> None:
    settings.KONNECTLITE_CHANGELOG_RETENTION = 3
    for n in range(6):
        entities.create_entity(cp, "consumers", {"username": f"u{n}"}, actor=ACTOR)
    with pytest.raises(SchemaViolationError) as refused:
        revert_control_plane(cp, to_version, actor=ACTOR)
    assert refused.value.status == 400
    assert refused.value.fields == {"to_version": problem}
    assert refused.value.message == f"cannot revert: {problem}"
    assert head(cp)[0] == 6


def test_a_config_store_that_drifted_from_its_log_is_not_reverted(cp: ControlPlane) -> None:
    entities.create_entity(cp, "services", service("billing", port=80), actor=ACTOR)
    entities.update_entity(cp, "services", "billing", {"port": 81}, actor=ACTOR)
    ConfigVersion.objects.filter(control_plane=cp, version=1).update(config_hash="f" * 64)
    with pytest.raises(Conflict, match="no longer matches the change log") as refused:
        revert_control_plane(cp, 1, actor=ACTOR)
    assert refused.value.status == 409
    assert head(cp)[0] == 2


def test_reverting_to_version_zero_empties_the_config(cp: ControlPlane) -> None:
    apply_declarative_config(cp, DECK_V1, actor=ACTOR)
    result = revert_control_plane(cp, 0, actor=ACTOR)
    assert head(cp) == (2, hashing.EMPTY_HASH)
    assert not Entity.objects.filter(control_plane=cp).exists()
    assert (
        result.diff.count("deleted")
        == Change.objects.filter(
            config_version__control_plane=cp, config_version__version=1
        ).count()
    )


def test_reverting_reads_only_the_entities_touched_since(
    cp: ControlPlane, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    apply_declarative_config(cp, DECK_V1, actor=ACTOR)
    entities.update_entity(cp, "services", "orders", {"port": 81}, actor=ACTOR)
    with django_assert_max_num_queries(25):
        result = revert_control_plane(cp, 1, actor=ACTOR, dry_run=True)
    assert result.diff.total == 1
    assert result.diff.unchanged == Entity.objects.filter(control_plane=cp).count() - 1


def test_a_revert_reviewed_at_an_older_version_is_refused(cp: ControlPlane) -> None:
    entities.create_entity(cp, "services", service("billing"), actor=ACTOR)
    entities.create_entity(cp, "consumers", {"username": "ann"}, actor=ACTOR)
    reviewed = revert_control_plane(cp, 1, actor=ACTOR, dry_run=True)
    entities.create_entity(cp, "consumers", {"username": "bea"}, actor=ACTOR)
    with pytest.raises(Conflict, match=r"changed since the diff was made \(version 2 → 3\)"):
        revert_control_plane(cp, 1, actor=ACTOR, base_version=reviewed.from_version)
    assert head(cp)[0] == 3
    revert_control_plane(cp, 1, actor=ACTOR, base_version=3)
    assert head(cp)[1] == hash_of(cp, 1)
