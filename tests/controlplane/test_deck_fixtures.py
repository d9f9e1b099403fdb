"""Every decK file under ../shared/fixtures/deck imports and round-trips, or is refused precisely.

The fixtures are decK's own sync test data and KongAir's production file. ``OUTCOMES``
records, per file, either that it imports or the location (entity path and field) of the
first problem that refuses it: an Enterprise feature, a plugin that is not bundled, decK's
environment templates, or a reference to an entity that decK's test suite creates with
another file first. A file that imports must re-export to an equivalent config: syncing the
export changes nothing and writes no version, and exporting again gives the same text.
"""

import os
from pathlib import Path

import pytest
import yaml

from controlplane.declarative.errors import InvalidDeclarativeConfig
from controlplane.declarative.export import render
from controlplane.models import ControlPlane
from controlplane.services.declarative import apply_declarative_config, export_declarative_config

# The shared fixtures live beside the clone: <clone>/../shared/fixtures/deck.
FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "deck"
FILES = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))
IMPORTS = "imports"

OUTCOMES: dict[str, str] = {
    "kongair/PRD_kong_kong.yaml": "services[name=experience-service].plugins[1].name",
    "sync/001-create-a-service/kong.yaml": IMPORTS,
    "sync/001-create-a-service/kong3x.yaml": IMPORTS,
    "sync/002-create-services-and-routes/kong.yaml": IMPORTS,
    "sync/002-create-services-and-routes/kong3x.yaml": IMPORTS,
    "sync/003-create-a-plugin/kong-conditional.yaml": "plugins[0].condition",
    "sync/003-create-a-plugin/kong.yaml": IMPORTS,
    "sync/003-create-a-plugin/kong3x.yaml": IMPORTS,
    "sync/004-create-upstream-and-target/kong.yaml": IMPORTS,
    "sync/004-create-upstream-and-target/kong3x.yaml": IMPORTS,
    "sync/005-create-upstream-and-target-weight/kong.yaml": IMPORTS,
    "sync/005-create-upstream-and-target-weight/kong3x.yaml": IMPORTS,
    "sync/006-fill-defaults-rate-limiting/kong.yaml": IMPORTS,
    "sync/007-fill-defaults-rate-limiting-dedup/kong.yaml": IMPORTS,
    "sync/008-create-simple-entities/kong.yaml": IMPORTS,
    "sync/009-skip-ca-cert/kong.yaml": IMPORTS,
    "sync/009-skip-ca-cert/kong3x.yaml": IMPORTS,
    "sync/010-create-route-with-service-name-reference/kong.yaml": IMPORTS,
    "sync/010-create-route-with-service-name-reference/kong3x.yaml": IMPORTS,
    "sync/011-plugin-ordering/kong.yaml": IMPORTS,
    "sync/012-vaults/kong3x.yaml": IMPORTS,
    "sync/013-update-username-consumer-with-custom-id/kong-initial.yaml": IMPORTS,
    "sync/013-update-username-consumer-with-custom-id/kong.yaml": IMPORTS,
    "sync/013-update-username-consumer-with-custom-id/kong3x-initial.yaml": IMPORTS,
    "sync/013-update-username-consumer-with-custom-id/kong3x.yaml": IMPORTS,
    "sync/014-update-consumer-with-custom-id/kong-initial.yaml": IMPORTS,
    "sync/014-update-consumer-with-custom-id/kong.yaml": IMPORTS,
    "sync/014-update-consumer-with-custom-id/kong3x-initial.yaml": IMPORTS,
    "sync/014-update-consumer-with-custom-id/kong3x.yaml": IMPORTS,
    "sync/015-consumer-groups/kong-cg.yaml": IMPORTS,
    "sync/015-consumer-groups/kong-consumer-1.yaml": "consumers[username=user1].groups[name=foo-group].consumer_group",
    "sync/015-consumer-groups/kong-consumer-2.yaml": "consumers[username=user2].groups[name=foo-group].consumer_group",
    "sync/015-consumer-groups/kong-consumer-groups.yaml": IMPORTS,
    "sync/015-consumer-groups/kong-consumers-multiple-groups-initial.yaml": "consumers[username=test-consumer].groups[name=consumer-group-1].consumer_group",
    "sync/015-consumer-groups/kong-consumers-multiple-groups-update-removal.yaml": "consumers[username=test-consumer].groups[name=consumer-group-1].consumer_group",
    "sync/015-consumer-groups/kong-consumers-multiple-groups-update-replace.yaml": "consumers[username=test-consumer].groups[name=consumer-group-1].consumer_group",
    "sync/015-consumer-groups/kong-consumers-multiple-groups-update.yaml": "consumers[username=test-consumer].groups[name=consumer-group-1].consumer_group",
    "sync/015-consumer-groups/kong-consumers-multiple.yaml": "consumers[username=test-consumer-1].groups[name=consumer-group-1].consumer_group",
    "sync/015-consumer-groups/kong-consumers-no-tag.yaml": "consumers[username=user-1].groups[name=foo-group].consumer_group",
    "sync/015-consumer-groups/kong-consumers.yaml": "consumers[username=user-1].groups[name=foo-group].consumer_group",
    "sync/015-consumer-groups/kong-plugins-cg.yaml": "plugins[0].consumer_group",
    "sync/015-consumer-groups/kong-plugins-consumers-removal-replace.yaml": "consumers[username=test-consumer-1].groups[name=consumer-group-1].consumer_group",
    "sync/015-consumer-groups/kong-plugins-consumers.yaml": "consumers[username=test-consumer-1].groups[name=consumer-group-1].consumer_group",
    "sync/015-consumer-groups/kong.yaml": IMPORTS,
    "sync/015-consumer-groups/kong3x-initial.yaml": IMPORTS,
    "sync/015-consumer-groups/kong3x.yaml": IMPORTS,
    "sync/016-consumer-groups-and-plugins/kong.yaml": "consumer_groups[name=gold].plugins[0].name",
    "sync/016-consumer-groups-and-plugins/kong3x-initial.yaml": "consumer_groups[name=gold].plugins[0].name",
    "sync/016-consumer-groups-and-plugins/kong3x.yaml": "consumer_groups[name=gold].plugins[0].name",
    "sync/017-consumer-groups-rla-application/kong.yaml": "consumer_groups[name=silver].plugins[0].name",
    "sync/017-consumer-groups-rla-application/kong3x-empty-application.yaml": "plugins[0].name",
    "sync/017-consumer-groups-rla-application/kong3x.yaml": "consumer_groups[name=silver].plugins[0].name",
    "sync/018-plugin-instance_name/kong-with-instance_name.yaml": IMPORTS,
    "sync/018-plugin-instance_name/kong-without-instance_name.yaml": IMPORTS,
    "sync/019-skip-consumers/kong34.yaml": "consumer_groups[name=gold].plugins[0].name",
    "sync/019-skip-consumers/kong3x.yaml": "consumer_groups[name=gold].plugins[0].name",
    "sync/020-same-names-altered-ids/1-before.yaml": IMPORTS,
    "sync/020-same-names-altered-ids/2-before.yaml": IMPORTS,
    "sync/020-same-names-altered-ids/3-before.yaml": IMPORTS,
    "sync/020-same-names-altered-ids/desired.yaml": IMPORTS,
    "sync/021-update-with-explicit-ids/after.yaml": IMPORTS,
    "sync/021-update-with-explicit-ids/before.yaml": IMPORTS,
    "sync/022-update-with-explicit-ids-with-no-names/after.yaml": IMPORTS,
    "sync/022-update-with-explicit-ids-with-no-names/before.yaml": IMPORTS,
    "sync/023-create-and-update-certificate-with-snis/initial.yaml": IMPORTS,
    "sync/023-create-and-update-certificate-with-snis/update.yaml": IMPORTS,
    "sync/024-consumers-with-custom_id-and-username/kong3x-reverse-order.yaml": IMPORTS,
    "sync/024-consumers-with-custom_id-and-username/kong3x.yaml": IMPORTS,
    "sync/025-consumer-groups-scoped-plugins/kong-cg-plugin-instance-name.yaml": IMPORTS,
    "sync/025-consumer-groups-scoped-plugins/kong3x.yaml": "consumer_groups[name=silver].plugins[0].name",
    "sync/025-consumer-groups-scoped-plugins/konnect.yaml": "consumer_groups[name=silver].plugins[0].name",
    "sync/026-konnect-rename/default.yaml": IMPORTS,
    "sync/026-konnect-rename/konnect_default_cp.yaml": IMPORTS,
    "sync/026-konnect-rename/konnect_default_rg.yaml": IMPORTS,
    "sync/026-konnect-rename/konnect_test_cp.yaml": "_konnect.control_plane_name",
    "sync/026-konnect-rename/konnect_test_rg.yaml": "_konnect.control_plane_name",
    "sync/026-konnect-rename/test.yaml": IMPORTS,
    "sync/027-created-at/new.yaml": IMPORTS,
    "sync/027-created-at/old.yaml": IMPORTS,
    "sync/028-consumer-group-consumers-custom_id/kong.yaml": IMPORTS,
    "sync/029-lookup-tags-consumers/global_consumers.yaml": IMPORTS,
    "sync/029-lookup-tags-consumers/plugins_and_consumers.yaml": "plugins[0].name",
    "sync/029-lookup-tags-consumers/plugins_lookup.yaml": "plugins[0].consumer",
    "sync/029-lookup-tags-consumers/plugins_no_lookup.yaml": "plugins[0].consumer",
    "sync/030-lookup-tags-routes/global_routes.yaml": IMPORTS,
    "sync/030-lookup-tags-routes/plugins_and_routes.yaml": "plugins[0].name",
    "sync/030-lookup-tags-routes/plugins_lookup.yaml": "plugins[0].route",
    "sync/030-lookup-tags-routes/plugins_no_lookup.yaml": "plugins[0].route",
    "sync/031-consumer-group-consumers-from-upstream/consumer-groups.yaml": "consumer_groups[name=group-1].consumers[username=consumer-1].consumer",
    "sync/031-consumer-group-consumers-from-upstream/initial.yaml": IMPORTS,
    "sync/032-consumer-group-consumers-with-tags/initial.yaml": IMPORTS,
    "sync/033-filter-chains/create-3.4.x.yaml": "services[name=test].filter_chains",
    "sync/033-filter-chains/create.yaml": "services[name=test].filter_chains",
    "sync/033-filter-chains/delete-3.4.x.yaml": "services[name=test].routes[name=r1].filter_chains",
    "sync/033-filter-chains/delete.yaml": "services[name=test].routes[name=r1].filter_chains",
    "sync/033-filter-chains/init.yaml": IMPORTS,
    "sync/033-filter-chains/update-3.4.x.yaml": "services[name=test].filter_chains",
    "sync/033-filter-chains/update.yaml": "services[name=test].filter_chains",
    "sync/034-lookup-tags-consumerGroups/global_entities_consumerGroups.yaml": IMPORTS,
    "sync/034-lookup-tags-consumerGroups/plugins_and_entities_consumerGroups.yaml": "plugins[0].name",
    "sync/034-lookup-tags-consumerGroups/plugins_no_lookup_consumerGroup.yaml": "plugins[0].consumer_group",
    "sync/034-lookup-tags-consumerGroups/plugins_no_lookup_route.yaml": "plugins[0].route",
    "sync/034-lookup-tags-consumerGroups/plugins_no_lookup_service.yaml": "plugins[0].service",
    "sync/034-lookup-tags-consumerGroups/plugins_route_lookup.yaml": "plugins[0].route",
    "sync/034-lookup-tags-consumerGroups/plugins_service_lookup.yaml": "plugins[0].service",
    "sync/035-lookup-tags-services/global_services.yaml": IMPORTS,
    "sync/035-lookup-tags-services/plugins_and_services.yaml": "plugins[0].name",
    "sync/035-lookup-tags-services/plugins_lookup.yaml": "plugins[0].service",
    "sync/035-lookup-tags-services/plugins_no_lookup.yaml": "plugins[0].service",
    "sync/036-degraphql-routes/kong-complex-query.yaml": "custom_entities",
    "sync/036-degraphql-routes/kong-fake.yaml": "custom_entities",
    "sync/036-degraphql-routes/kong.yaml": "custom_entities",
    "sync/037-consumer-group-policy-overrides/kong312x-no-info.yaml": "consumer_groups[name=test-group].plugins[0].name",
    "sync/037-consumer-group-policy-overrides/kong312x.yaml": "_info.consumer_group_policy_overrides",
    "sync/037-consumer-group-policy-overrides/kong313x.yaml": "_info.consumer_group_policy_overrides",
    "sync/037-consumer-group-policy-overrides/kong315x.yaml": "_info.consumer_group_policy_overrides",
    "sync/037-consumer-group-policy-overrides/kong34x-no-info.yaml": "consumer_groups[name=test-group].plugins[0].name",
    "sync/037-consumer-group-policy-overrides/kong34x.yaml": "_info.consumer_group_policy_overrides",
    "sync/037-consumer-group-policy-overrides/kong38x-no-info.yaml": "consumer_groups[name=test-group].plugins[0].name",
    "sync/037-consumer-group-policy-overrides/kong38x.yaml": "_info.consumer_group_policy_overrides",
    "sync/037-consumer-group-policy-overrides/kong39x-no-info.yaml": "consumer_groups[name=test-group].plugins[0].name",
    "sync/037-consumer-group-policy-overrides/kong39x.yaml": "_info.consumer_group_policy_overrides",
    "sync/038-skip-consumers-with-cgs/base.yaml": "consumer_groups[name=bronze].plugins[0].name",
    "sync/038-skip-consumers-with-cgs/consumers.yaml": "consumers[username=alice].groups[name=gold].consumer_group",
    "sync/039-partials/cg-plugin-partial.yaml": "partials",
    "sync/039-partials/kong-ids.yaml": "partials",
    "sync/039-partials/kong-partials-no-name.yaml": "partials",
    "sync/039-partials/kong-partials-no-type.yaml": "partials",
    "sync/039-partials/kong-partials.yaml": "partials",
    "sync/039-partials/kong-update.yaml": "partials",
    "sync/039-partials/kong-wrong.yaml": "plugins[0].partials",
    "sync/039-partials/kong.yaml": "partials",
    "sync/040-avoid-entity-rewrite-with-id-on-select-tag-mismatch/certificate-final.yaml": IMPORTS,
    "sync/040-avoid-entity-rewrite-with-id-on-select-tag-mismatch/certificate-initial.yaml": IMPORTS,
    "sync/041-plugins-nested-foreign-keys/1_1/kong-consumer-groups-via-ids.yaml": IMPORTS,
    "sync/041-plugins-nested-foreign-keys/1_1/kong-consumer-groups-via-names.yaml": IMPORTS,
    "sync/041-plugins-nested-foreign-keys/1_1/kong-consumers-not-in-state-or-dump.yaml": "services[name=example-service].plugins[1].consumer",
    "sync/041-plugins-nested-foreign-keys/1_1/kong-consumers-via-ids.yaml": IMPORTS,
    "sync/041-plugins-nested-foreign-keys/1_1/kong-consumers-via-names.yaml": IMPORTS,
    "sync/041-plugins-nested-foreign-keys/1_1/kong-routes-not-in-state-or-dump.yaml": "services[name=example-service].plugins[1].route",
    "sync/041-plugins-nested-foreign-keys/1_1/kong-routes-via-ids.yaml": IMPORTS,
    "sync/041-plugins-nested-foreign-keys/1_1/kong-routes-via-names.yaml": IMPORTS,
    "sync/041-plugins-nested-foreign-keys/1_1/kong-services-not-in-state-or-dump.yaml": "routes[name=example-route-1].plugins[1].service",
    "sync/041-plugins-nested-foreign-keys/1_1/kong-services-via-ids.yaml": IMPORTS,
    "sync/041-plugins-nested-foreign-keys/1_1/kong-services-via-names.yaml": IMPORTS,
    "sync/041-plugins-nested-foreign-keys/kong3x-consumer-groups-not-in-state-or-dump.yaml": "services[name=example-service].plugins[1].consumer_group",
    "sync/041-plugins-nested-foreign-keys/kong3x-consumer-groups-via-ids.yaml": IMPORTS,
    "sync/041-plugins-nested-foreign-keys/kong3x-consumer-groups-via-names.yaml": IMPORTS,
    "sync/041-plugins-nested-foreign-keys/kong3x-consumers-not-in-state-or-dump.yaml": "services[name=example-service].plugins[1].consumer",
    "sync/041-plugins-nested-foreign-keys/kong3x-consumers-via-ids.yaml": IMPORTS,
    "sync/041-plugins-nested-foreign-keys/kong3x-consumers-via-names.yaml": IMPORTS,
    "sync/041-plugins-nested-foreign-keys/kong3x-routes-not-in-state-or-dump.yaml": "services[name=example-service].plugins[1].route",
    "sync/041-plugins-nested-foreign-keys/kong3x-routes-via-ids.yaml": IMPORTS,
    "sync/041-plugins-nested-foreign-keys/kong3x-routes-via-names.yaml": IMPORTS,
    "sync/041-plugins-nested-foreign-keys/kong3x-services-not-in-state-or-dump.yaml": "routes[name=example-route-1].plugins[1].service",
    "sync/041-plugins-nested-foreign-keys/kong3x-services-via-ids.yaml": IMPORTS,
    "sync/041-plugins-nested-foreign-keys/kong3x-services-via-names.yaml": IMPORTS,
    "sync/042-scoped-plugins/plugins1.yaml": IMPORTS,
    "sync/042-scoped-plugins/plugins2.yaml": IMPORTS,
    "sync/043-keys-and-key_sets/kong-name-update.yaml": IMPORTS,
    "sync/043-keys-and-key_sets/kong-no-name-konnect.yaml": IMPORTS,
    "sync/043-keys-and-key_sets/kong-no-name.yaml": IMPORTS,
    "sync/043-keys-and-key_sets/kong.yaml": IMPORTS,
    "sync/044-partials-tagging/partial-lookup-tags-ids.yaml": "services[name=httpbin-1].plugins[0].partials",
    "sync/044-partials-tagging/partial-lookup-tags-names.yaml": "services[name=httpbin-1].plugins[0].partials",
    "sync/044-partials-tagging/partial-lookup-tags-wrong-ids.yaml": "services[name=httpbin-1].plugins[0].partials",
    "sync/044-partials-tagging/partial-lookup-tags-wrong-names.yaml": "services[name=httpbin-1].plugins[0].partials",
    "sync/044-partials-tagging/partial-lookup-tags-wrong.yaml": "plugins[0].partials",
    "sync/044-partials-tagging/partials.yaml": "partials",
    "sync/045-skip-custom-entities/initial.yaml": "custom_entities",
    "sync/045-skip-custom-entities/select-tag.yaml": IMPORTS,
    "sync/046-consumer-credentials/creds-initial.yaml": IMPORTS,
    "sync/047-basic-auth-skip-hash/expected-dump.yaml": IMPORTS,
    "sync/047-basic-auth-skip-hash/kong-update.yaml": IMPORTS,
    "sync/047-basic-auth-skip-hash/kong-with-info-update.yaml": IMPORTS,
    "sync/047-basic-auth-skip-hash/kong-with-info.yaml": IMPORTS,
    "sync/047-basic-auth-skip-hash/kong.yaml": IMPORTS,
    "sync/048-service-tls-sans/kong.yaml": "services[name=tls-sans-uris].tls_sans",
    "sync/048-service-tls-sans/no-tls-http.yaml": IMPORTS,
    "sync/048-service-tls-sans/no-tls-https.yaml": IMPORTS,
    "sync/049-skip-consumers-default-lookup-tags/consumer-groups.yaml": "plugins[0].consumer",
    "sync/049-skip-consumers-default-lookup-tags/consumers.yaml": "plugins[0].consumer",
    "sync/050-konnect-workspace/konnect-no-workspace.yaml": IMPORTS,
    "sync/050-konnect-workspace/konnect-workspace-initial.yaml": "_workspace",
    "sync/050-konnect-workspace/konnect-workspace-mismatch.yaml": "_workspace",
    "sync/050-konnect-workspace/konnect-workspace-updated.yaml": "_workspace",
    "sync/050-konnect-workspace/konnect-workspace-with-entities.yaml": "_workspace",
    "sync/050-konnect-workspace/konnect-workspace-with-multiple-entities-updated.yaml": "_workspace",
    "sync/050-konnect-workspace/konnect-workspace-with-multiple-entities.yaml": "_workspace",
    "sync/050-update-upstream-target-weight/after.yaml": IMPORTS,
    "sync/050-update-upstream-target-weight/before.yaml": IMPORTS,
    "sync/051-consumer-group-not-found/kong.yaml": "consumers[username=test-consumer].groups[name=non-existent-group].consumer_group",
    "sync/052-graphql-ratelimiting-cost-decorations/kong-all-fields.yaml": "custom_entities",
    "sync/052-graphql-ratelimiting-cost-decorations/kong-missing-type-path.yaml": "custom_entities",
    "sync/052-graphql-ratelimiting-cost-decorations/kong-mixed.yaml": "custom_entities",
    "sync/052-graphql-ratelimiting-cost-decorations/kong.yaml": "custom_entities",
    "sync/053-mask-short-values/kong.yaml": "services[0].host",
    "sync/054-cloned-plugin-definitions/kong-fake.yaml": "cloned_plugins",
    "sync/054-cloned-plugin-definitions/kong.yaml": "cloned_plugins",
    "sync/055-custom-plugin-definitions/kong.yaml": "custom_plugins",
    "sync/056-ai-models/kong.yaml": "ai_models",
    "sync/057-env-var-masking-tests/comprehensive.yaml": "certificates[0].cert",
    "sync/057-env-var-masking-tests/jwk-key.yaml": "keys[0].jwk",
    "sync/057-env-var-masking-tests/pem-key.yaml": "certificates[0].cert",
    "sync/xxx-plugins-on-entities/kong.yaml": IMPORTS,
    "sync/xxx-rbac-endpoint-permissions/kong.yaml": "rbac_roles",
    "sync/xxx-rbac-endpoint-permissions/kong3x.yaml": "rbac_roles",
}


def _name(path: Path) -> str:
    return path.relative_to(FIXTURES).as_posix()


def test_the_fixture_folder_is_there() -> None:
    if not FILES and os.environ.get("CI") != "true":
        pytest.skip(f"no decK fixtures at {FIXTURES.resolve()}")
    assert FILES, f"no decK fixtures at {FIXTURES.resolve()}"


def test_every_fixture_has_a_recorded_outcome() -> None:
    assert sorted(_name(p) for p in FILES) == sorted(OUTCOMES) or not FILES


@pytest.mark.parametrize("path", FILES, ids=_name)
def test_a_fixture_imports_or_is_refused_naming_entity_and_field(
    cp: ControlPlane, path: Path
) -> None:
    expected = OUTCOMES.get(_name(path))
    try:
        apply_declarative_config(cp, path.read_bytes(), actor="fixtures")
    except InvalidDeclarativeConfig as exc:
        first = exc.problems[0]
        assert expected == first.location, exc.message
        assert exc.message.startswith(f"declarative config is invalid: {first.location}: ")
        assert exc.body()["code"] == 14
        cp.refresh_from_db()
        assert cp.config_version == 0  # refused whole: nothing written
        return
    assert expected == IMPORTS
    _assert_round_trip(cp)


def _assert_round_trip(cp: ControlPlane) -> None:
    cp.refresh_from_db()
    version = cp.config_version
    exported = render(export_declarative_config(cp), "yaml")
    again = apply_declarative_config(cp, exported, actor="fixtures")
    assert again.total == 0, again.as_dict()
    cp.refresh_from_db()
    assert cp.config_version == version
    assert render(export_declarative_config(cp), "yaml") == exported


def test_kongair_imports_without_its_two_enterprise_plugins(cp: ControlPlane) -> None:
    path = FIXTURES / "kongair" / "PRD_kong_kong.yaml"
    if not path.exists():
        pytest.skip(f"no KongAir file at {path.resolve()}")
    document = yaml.safe_load(path.read_text())
    for service in document["services"]:
        service["plugins"] = [
            p for p in service.get("plugins", []) if not p["name"].startswith("graphql-")
        ]
    diff = apply_declarative_config(cp, document, actor="fixtures")
    assert diff.counts()["routes"]["created"] == 14
    assert diff.counts()["consumer_group_consumers"]["created"] == 3
    _assert_round_trip(cp)
