"""Syncing a decK file onto a control plane: one version, matched entities, nothing lost."""

from typing import Any
from unittest import mock

import pytest

from controlplane.declarative.diff import Diff
from controlplane.declarative.errors import InvalidDeclarativeConfig
from controlplane.errors import ReferencedByOthers
from controlplane.models import Change, ConfigVersion, ControlPlane, Entity, EntityRef, UniqueKey
from controlplane.services import entities as entity_service
from controlplane.services.declarative import apply_declarative_config

BILLING: dict[str, Any] = {
    "_format_version": "3.0",
    "services": [
        {
            "name": "billing",
            "url": "http://billing.internal:8080/v1",
            "routes": [
                {"name": "invoices", "paths": ["/invoices"], "plugins": [{"name": "key-auth"}]},
                {"name": "payments", "paths": ["/payments"]},
            ],
            "plugins": [{"name": "rate-limiting", "config": {"minute": 100}}],
        }
    ],
    "consumers": [{"username": "alice", "keyauth_credentials": [{"key": "alice-key"}]}],
}


def sync(cp: ControlPlane, document: dict[str, Any], **kwargs: Any) -> Diff:
    return apply_declarative_config(cp, document, actor="test", **kwargs)


def stored(cp: ControlPlane, entity_type: str) -> list[dict[str, Any]]:
    return [row.data for row in Entity.objects.filter(control_plane=cp, entity_type=entity_type)]


def one(cp: ControlPlane, entity_type: str) -> dict[str, Any]:
    (data,) = stored(cp, entity_type)
    return data


def versions(cp: ControlPlane) -> list[ConfigVersion]:
    return list(ConfigVersion.objects.filter(control_plane=cp).order_by("version"))


def test_a_file_is_written_as_one_version_holding_every_change(cp: ControlPlane) -> None:
    diff = sync(cp, BILLING)
    assert diff.config_version == 1
    assert diff.count("created") == 7
    (version,) = versions(cp)
    assert version.change_count == 7
    assert {c.op for c in Change.objects.filter(config_version=version)} == {"create"}


def test_nested_entities_reference_their_parent(cp: ControlPlane) -> None:
    sync(cp, BILLING)
    service = one(cp, "services")
    routes = stored(cp, "routes")
    assert {r["service"]["id"] for r in routes} == {service["id"]}
    plugins = {p["name"]: p for p in stored(cp, "plugins")}
    assert plugins["rate-limiting"]["service"] == {"id": service["id"]}
    invoices = next(r for r in routes if r["name"] == "invoices")
    assert plugins["key-auth"]["route"] == {"id": invoices["id"]}
    assert one(cp, "keyauth_credentials")["consumer"]["id"] == one(cp, "consumers")["id"]


def test_the_index_tables_follow_a_bulk_sync(cp: ControlPlane) -> None:
    sync(cp, BILLING)
    assert UniqueKey.objects.filter(control_plane=cp, entity_type="services").count() == 1
    assert EntityRef.objects.filter(control_plane=cp, target_type="services").count() == 3
    with pytest.raises(ReferencedByOthers):
        entity_service.delete_entity(cp, "services", "billing", actor="test")


def test_syncing_the_same_file_again_changes_nothing_and_writes_no_version(
    cp: ControlPlane,
) -> None:
    sync(cp, BILLING)
    diff = sync(cp, BILLING)
    assert diff.total == 0
    assert diff.unchanged == 7
    assert diff.config_version == 1
    assert len(versions(cp)) == 1


def test_an_existing_entity_keeps_its_id_and_created_at(cp: ControlPlane) -> None:
    sync(cp, BILLING)
    before = one(cp, "services")
    changed = {**BILLING, "services": [{**BILLING["services"][0], "retries": 2}]}
    diff = sync(cp, changed)
    after = one(cp, "services")
    assert (after["id"], after["created_at"]) == (before["id"], before["created_at"])
    assert after["retries"] == 2
    assert diff.changes["updated"]["services"][0]["fields"] == ["retries"]
    assert diff.total == 1


def test_one_changed_entity_is_one_version_with_one_change(cp: ControlPlane) -> None:
    sync(cp, BILLING)
    changed = {
        **BILLING,
        "consumers": [
            {"username": "alice", "custom_id": "A-1", "keyauth_credentials": [{"key": "alice-key"}]}
        ],
    }
    sync(cp, changed)
    last = versions(cp)[-1]
    assert (last.version, last.change_count) == (2, 1)


def test_entities_missing_from_the_file_are_deleted_children_first(cp: ControlPlane) -> None:
    sync(cp, BILLING)
    diff = sync(cp, {"_format_version": "3.0", "consumers": BILLING["consumers"]})
    assert diff.count("deleted") == 5
    assert stored(cp, "services") == [] and stored(cp, "routes") == []
    order = [c.entity_type for c in Change.objects.filter(config_version=versions(cp)[-1])]
    assert order.index("plugins") < order.index("routes") < order.index("services")


def test_a_dry_run_reports_the_diff_and_writes_nothing(cp: ControlPlane) -> None:
    diff = sync(cp, BILLING, dry_run=True)
    assert diff.dry_run and diff.count("created") == 7
    assert diff.changes["created"]["services"] == [
        {
            "id": diff.changes["created"]["services"][0]["id"],
            "name": "billing",
            "where": "services[name=billing]",
        }
    ]
    assert Entity.objects.filter(control_plane=cp).count() == 0
    assert versions(cp) == []


def test_an_entity_given_by_id_is_matched_by_id(cp: ControlPlane) -> None:
    created = entity_service.create_entity(
        cp, "services", {"name": "old-name", "host": "a.internal"}, actor="test"
    )
    document = {"services": [{"id": created["id"], "name": "new-name", "host": "a.internal"}]}
    diff = sync(cp, document)
    assert diff.count("updated") == 1 and diff.count("created") == 0
    assert one(cp, "services")["name"] == "new-name"


def test_an_entity_is_matched_by_name_when_the_file_has_no_id(cp: ControlPlane) -> None:
    created = entity_service.create_entity(
        cp, "services", {"name": "billing", "host": "a.internal"}, actor="test"
    )
    sync(cp, {"services": [{"name": "billing", "host": "b.internal"}]})
    assert one(cp, "services")["id"] == created["id"]


def test_a_plugin_is_matched_by_its_name_and_scope(cp: ControlPlane) -> None:
    sync(cp, {"plugins": [{"name": "rate-limiting", "config": {"minute": 5}}]})
    first = one(cp, "plugins")
    diff = sync(cp, {"plugins": [{"name": "rate-limiting", "config": {"minute": 6}}]})
    assert one(cp, "plugins")["id"] == first["id"]
    assert diff.count("updated") == 1


def test_an_unnamed_route_is_matched_by_its_content(cp: ControlPlane) -> None:
    document = {"services": [{"name": "s", "host": "h", "routes": [{"paths": ["/x"]}]}]}
    sync(cp, document)
    route = one(cp, "routes")
    assert sync(cp, document).total == 0
    assert one(cp, "routes")["id"] == route["id"]


def test_one_bad_entity_among_many_refuses_the_whole_file(cp: ControlPlane) -> None:
    services = [{"name": f"svc-{i}", "host": f"h{i}.internal"} for i in range(200)]
    services[120]["routes"] = [{"name": "r1", "paths": ["no-slash"]}]
    with pytest.raises(InvalidDeclarativeConfig) as refused:
        sync(cp, {"_format_version": "3.0", "services": services})
    problem = refused.value.problems[0]
    assert problem.where == "services[name=svc-120].routes[name=r1]"
    assert problem.field is not None and problem.field.startswith("paths")
    assert problem.path == "services[120].routes[0]"
    body = refused.value.body()
    assert body["code"] == 14 and body["name"] == "invalid declarative configuration"
    assert "services[name=svc-120].routes[name=r1].paths" in body["message"]
    assert Entity.objects.filter(control_plane=cp).count() == 0


def test_every_problem_is_reported_at_once(cp: ControlPlane) -> None:
    document = {"services": [{"name": "a"}, {"name": "b", "port": "x", "host": "h"}]}
    with pytest.raises(InvalidDeclarativeConfig) as refused:
        sync(cp, document)
    locations = {p.location for p in refused.value.problems}
    assert locations == {"services[name=a].host", "services[name=b].port"}


def test_a_dangling_reference_names_the_referring_field(cp: ControlPlane) -> None:
    with pytest.raises(InvalidDeclarativeConfig) as refused:
        sync(cp, {"routes": [{"name": "r", "paths": ["/"], "service": {"name": "nope"}}]})
    problem = refused.value.problems[0]
    assert problem.location == "routes[name=r].service"
    assert '{name="nope"}' in problem.message


def test_a_top_level_entity_may_refer_to_another_by_name_or_id(cp: ControlPlane) -> None:
    document = {
        "services": [
            {"name": "billing", "host": "h", "id": "5f1c8e6a-8d3e-4f57-9d0b-3a6f8c1e2b44"}
        ],
        "routes": [
            {"name": "by-name", "paths": ["/a"], "service": {"name": "billing"}},
            {
                "name": "by-id",
                "paths": ["/b"],
                "service": {"id": "5f1c8e6a-8d3e-4f57-9d0b-3a6f8c1e2b44"},
            },
        ],
        "plugins": [{"name": "key-auth", "route": "by-name"}],
    }
    sync(cp, document)
    service_id = one(cp, "services")["id"]
    assert {r["service"]["id"] for r in stored(cp, "routes")} == {service_id}
    route = next(r for r in stored(cp, "routes") if r["name"] == "by-name")
    assert one(cp, "plugins")["route"] == {"id": route["id"]}


def test_a_reference_may_name_an_entity_the_file_leaves_alone(cp: ControlPlane) -> None:
    entity_service.create_entity(
        cp, "consumers", {"username": "outside", "tags": ["other-team"]}, actor="test"
    )
    document = {
        "_info": {"select_tags": ["team-a"]},
        "plugins": [{"name": "rate-limiting", "consumer": "outside", "config": {"minute": 1}}],
    }
    sync(cp, document)
    assert one(cp, "plugins")["consumer"]["id"] == one(cp, "consumers")["id"]


def test_duplicate_names_in_the_file_are_a_unique_violation(cp: ControlPlane) -> None:
    with pytest.raises(InvalidDeclarativeConfig) as refused:
        sync(cp, {"services": [{"name": "x", "host": "a"}, {"name": "x", "host": "b"}]})
    (problem,) = refused.value.problems
    assert problem.field == "name"
    assert "UNIQUE violation" in problem.message


def test_select_tags_manage_only_the_tagged_entities_and_tag_the_files(cp: ControlPlane) -> None:
    entity_service.create_entity(cp, "services", {"name": "theirs", "host": "t"}, actor="test")
    document = {"_info": {"select_tags": ["team-a"]}, "services": [{"name": "ours", "host": "o"}]}
    sync(cp, document)
    services = {s["name"]: s for s in stored(cp, "services")}
    assert set(services) == {"theirs", "ours"}
    assert services["ours"]["tags"] == ["team-a"]
    sync(cp, {"_info": {"select_tags": ["team-a"]}})
    assert [s["name"] for s in stored(cp, "services")] == ["theirs"]


def test_an_entity_outside_the_select_tags_is_not_rewritten(cp: ControlPlane) -> None:
    entity_service.create_entity(cp, "services", {"name": "shared", "host": "t"}, actor="test")
    document = {"_info": {"select_tags": ["team-a"]}, "services": [{"name": "shared", "host": "x"}]}
    with pytest.raises(InvalidDeclarativeConfig) as refused:
        sync(cp, document)
    assert "does not manage" in refused.value.problems[0].message
    assert one(cp, "services")["host"] == "t"


def test_deleting_a_managed_entity_cascades_to_unmanaged_plugins(cp: ControlPlane) -> None:
    sync(cp, {"_info": {"select_tags": ["a"]}, "services": [{"name": "s", "host": "h"}]})
    entity_service.create_entity(cp, "plugins", {"name": "key-auth", "service": "s"}, actor="t")
    diff = sync(cp, {"_info": {"select_tags": ["a"]}})
    assert diff.counts() == {
        "plugins": {"created": 0, "updated": 0, "deleted": 1},
        "services": {"created": 0, "updated": 0, "deleted": 1},
    }


def test_deleting_a_managed_entity_an_unmanaged_route_uses_is_refused(cp: ControlPlane) -> None:
    sync(cp, {"_info": {"select_tags": ["a"]}, "services": [{"name": "s", "host": "h"}]})
    entity_service.create_entity(
        cp, "routes", {"name": "r", "paths": ["/"], "service": "s"}, actor="t"
    )
    with pytest.raises(InvalidDeclarativeConfig) as refused:
        sync(cp, {"_info": {"select_tags": ["a"]}})
    assert refused.value.problems[0].where.startswith("services[id=")
    assert "references it" in refused.value.problems[0].message


def test_plugin_configs_are_shared_by_name_under_each_plugins_own(cp: ControlPlane) -> None:
    document = {
        "_plugin_configs": {"strict": {"minute": 10, "policy": "local"}},
        "services": [
            {
                "name": "s",
                "host": "h",
                "plugins": [
                    {"name": "rate-limiting", "_config": "strict", "config": {"minute": 20}}
                ],
            }
        ],
    }
    sync(cp, document)
    config = one(cp, "plugins")["config"]
    assert (config["minute"], config["policy"]) == (20, "local")


def test_info_defaults_fill_what_entities_leave_out(cp: ControlPlane) -> None:
    document = {
        "_info": {"defaults": {"service": {"retries": 1, "port": 9000}}},
        "services": [{"name": "s", "host": "h", "port": 8080}],
    }
    sync(cp, document)
    service = one(cp, "services")
    assert (service["retries"], service["port"]) == (1, 8080)


def test_format_1_1_regex_paths_get_the_3_0_prefix(cp: ControlPlane) -> None:
    document = {
        "_format_version": "1.1",
        "routes": [{"name": "r", "paths": ["/plain", "/users/\\d+$"]}],
    }
    sync(cp, document)
    assert one(cp, "routes")["paths"] == ["/plain", "~/users/\\d+$"]


def test_certificate_snis_and_consumer_groups_nest(
    cp: ControlPlane, cert_pem: tuple[str, str]
) -> None:
    cert, key = cert_pem
    document = {
        "certificates": [{"cert": cert, "key": key, "snis": [{"name": "a.example"}, "b.example"]}],
        "consumer_groups": [{"name": "gold", "consumers": [{"username": "bob"}]}],
        "consumers": [{"username": "bob"}, {"username": "carol", "groups": [{"name": "gold"}]}],
    }
    sync(cp, document)
    assert sorted(s["name"] for s in stored(cp, "snis")) == ["a.example", "b.example"]
    assert len(stored(cp, "consumer_group_consumers")) == 2
    assert sync(cp, document).total == 0


def test_a_basic_auth_password_survives_a_sync_of_its_hash(cp: ControlPlane) -> None:
    document = {
        "consumers": [
            {"username": "u", "basicauth_credentials": [{"username": "u1", "password": "secret"}]}
        ]
    }
    sync(cp, document)
    hashed = one(cp, "basicauth_credentials")["password"]
    assert hashed != "secret"
    assert sync(cp, document).total == 0
    dumped = {
        "consumers": [
            {"username": "u", "basicauth_credentials": [{"username": "u1", "password": hashed}]}
        ]
    }
    assert sync(cp, dumped).total == 0
    assert one(cp, "basicauth_credentials")["password"] == hashed


def test_enterprise_plugins_are_refused_by_name(cp: ControlPlane) -> None:
    with pytest.raises(InvalidDeclarativeConfig) as refused:
        sync(cp, {"plugins": [{"name": "rate-limiting-advanced", "config": {}}]})
    problem = refused.value.problems[0]
    assert (problem.location, "Kong Enterprise" in problem.message) == ("plugins[0].name", True)


def test_enterprise_collections_and_unknown_keys_are_refused(cp: ControlPlane) -> None:
    document = {"partials": [{"name": "p"}], "workspaces": [{"name": "w"}], "servces": []}
    with pytest.raises(InvalidDeclarativeConfig) as refused:
        sync(cp, document)
    messages = {p.where: p.message for p in refused.value.problems}
    assert "Kong Enterprise" in messages["partials"]
    assert "Kong Enterprise" in messages["workspaces"]
    assert messages["servces"] == "unknown top-level key"


def test_a_file_for_another_control_plane_is_refused(cp: ControlPlane) -> None:
    with pytest.raises(InvalidDeclarativeConfig) as refused:
        sync(cp, {"_konnect": {"control_plane_name": "production"}})
    assert refused.value.problems[0].location == "_konnect.control_plane_name"


def test_a_sync_broadcasts_one_version(
    cp: ControlPlane, published: list[tuple[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sync(cp, BILLING)
    assert [group for group, _ in published] == [f"sync.{cp.pk}", f"live.{cp.pk}"]


def test_a_write_landing_during_planning_makes_the_sync_plan_again(cp: ControlPlane) -> None:
    from controlplane.services import bulk_store

    real = bulk_store.load_current
    calls: list[int] = []

    def racing(control_plane: ControlPlane) -> Any:
        current = real(control_plane)
        if not calls:
            entity_service.create_entity(cp, "services", {"name": "late", "host": "h"}, actor="t")
        calls.append(1)
        return current

    with mock.patch.object(bulk_store, "load_current", racing):
        diff = sync(cp, BILLING)
    assert len(calls) == 2
    assert diff.count("deleted") == 1  # the late service is not in the file
    assert [s["name"] for s in stored(cp, "services")] == ["billing"]


def test_a_membership_listed_on_both_sides_is_one_membership(cp: ControlPlane) -> None:
    document = {
        "consumer_groups": [{"name": "gold", "consumers": [{"username": "bob"}]}],
        "consumers": [{"username": "bob", "groups": [{"name": "gold"}]}],
    }
    assert sync(cp, document).count("created") == 3
    assert len(stored(cp, "consumer_group_consumers")) == 1
    assert sync(cp, document).total == 0


def test_a_value_nested_too_deeply_to_validate_is_refused(cp: ControlPlane) -> None:
    deep: dict[str, Any] = {}
    for _ in range(5000):
        deep = {"a": deep}
    with pytest.raises(InvalidDeclarativeConfig, match="nests values too deeply"):
        sync(cp, {"plugins": [{"name": "cors", "config": deep}]})
