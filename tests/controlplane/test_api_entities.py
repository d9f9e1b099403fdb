"""Kong Admin API semantics for services, routes, consumers and plugins.

Nested paths are in test_api_nested_entities.py, lists in test_api_pagination.py, bad input in
test_api_bad_input.py, and the 401/404/403 rules for every endpoint in test_api_tenancy.py.
"""

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from controlplane.models import ConfigVersion, ControlPlane, Entity

Url = Callable[[str], str]
NOT_FOUND = {"code": 6, "name": "not found", "message": "Not found"}


def created(api: APIClient, url: str, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post(url, body, format="json")
    assert response.status_code == 201, response.json()
    return dict(response.json())


@pytest.fixture
def billing(owner_api: APIClient, core: Url) -> dict[str, Any]:
    return created(owner_api, core("/services"), {"name": "billing", "host": "b.internal"})


# Services


def test_creating_a_service_answers_201_with_kong_defaults(owner_api: APIClient, core: Url) -> None:
    body = created(
        owner_api, core("/services"), {"name": "billing", "url": "https://billing.internal:8443/v1"}
    )
    assert body["protocol"] == "https"
    assert body["host"] == "billing.internal"
    assert body["port"] == 8443
    assert body["path"] == "/v1"
    assert body["retries"] == 5
    assert body["connect_timeout"] == body["read_timeout"] == body["write_timeout"] == 60000
    assert body["enabled"] is True
    assert "url" not in body


def test_every_entity_has_id_timestamps_and_tags(owner_api: APIClient, core: Url) -> None:
    body = created(owner_api, core("/consumers"), {"username": "ann", "tags": ["team-a"]})
    assert body["created_at"] == body["updated_at"]
    assert isinstance(body["created_at"], int)
    assert len(body["id"]) == 36
    assert body["tags"] == ["team-a"]


def test_a_service_can_be_fetched_by_id_or_by_name(
    owner_api: APIClient, core: Url, billing: dict[str, Any]
) -> None:
    assert owner_api.get(core("/services/billing")).json()["id"] == billing["id"]
    assert owner_api.get(core(f"/services/{billing['id']}")).json()["name"] == "billing"


def test_a_missing_service_is_kongs_404(owner_api: APIClient, core: Url) -> None:
    response = owner_api.get(core("/services/nope"))
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_a_client_may_choose_the_id(owner_api: APIClient, core: Url) -> None:
    wanted = "0b5c3c2e-1111-4a5f-9d1e-5d2f6a7b8c9d"
    body = created(owner_api, core("/services"), {"id": wanted, "host": "h"})
    assert body["id"] == wanted


def test_a_duplicate_name_is_a_409_unique_violation(
    owner_api: APIClient, core: Url, billing: dict[str, Any]
) -> None:
    response = owner_api.post(core("/services"), {"name": "billing", "host": "x"}, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "code": 5,
        "name": "unique constraint violation",
        "message": "UNIQUE violation detected on '{name=\"billing\"}'",
        "fields": {"name": "billing"},
    }


def test_a_duplicate_id_is_a_409(owner_api: APIClient, core: Url, billing: dict[str, Any]) -> None:
    response = owner_api.post(core("/services"), {"id": billing["id"], "host": "x"}, format="json")
    assert response.status_code == 409


def test_a_schema_violation_is_a_400_with_kongs_body(owner_api: APIClient, core: Url) -> None:
    response = owner_api.post(core("/services"), {"host": "h", "port": 70000}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "code": 2,
        "name": "schema violation",
        "message": "schema violation (port: value should be between 0 and 65535)",
        "fields": {"port": "value should be between 0 and 65535"},
    }


def test_put_creates_a_service_named_by_the_path(owner_api: APIClient, core: Url) -> None:
    response = owner_api.put(core("/services/billing"), {"host": "b.internal"}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "billing"
    assert owner_api.get(core("/services/billing")).status_code == 200


def test_put_creates_a_service_with_the_id_of_the_path(owner_api: APIClient, core: Url) -> None:
    wanted = "7f0ad3f6-2a43-4b8e-9d65-1c7c0b2bd111"
    response = owner_api.put(core(f"/services/{wanted}"), {"host": "h"}, format="json")
    assert response.status_code == 200
    assert response.json()["id"] == wanted


def test_put_replaces_the_whole_service_but_keeps_id_and_created_at(
    owner_api: APIClient, core: Url
) -> None:
    first = created(owner_api, core("/services"), {"name": "billing", "host": "a", "retries": 9})
    response = owner_api.put(core("/services/billing"), {"host": "b"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["created_at"]) == (first["id"], first["created_at"])
    assert body["host"] == "b"
    assert body["retries"] == 5  # back to the default: PUT is not a merge


def test_put_by_name_cannot_rename_the_service(
    owner_api: APIClient, core: Url, billing: dict[str, Any]
) -> None:
    response = owner_api.put(
        core("/services/billing"), {"name": "other", "host": "h"}, format="json"
    )
    assert response.json()["name"] == "billing"
    assert owner_api.get(core("/services/other")).status_code == 404


def test_patch_merges_into_the_existing_service(
    owner_api: APIClient, core: Url, billing: dict[str, Any]
) -> None:
    response = owner_api.patch(core("/services/billing"), {"port": 8080}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["port"], body["host"], body["name"]) == (8080, "b.internal", "billing")
    assert body["id"] == billing["id"]
    assert body["updated_at"] >= billing["updated_at"]


def test_patch_may_rename_and_the_new_name_finds_it(
    owner_api: APIClient, core: Url, billing: dict[str, Any]
) -> None:
    owner_api.patch(core("/services/billing"), {"name": "invoices"}, format="json")
    assert owner_api.get(core("/services/invoices")).json()["id"] == billing["id"]
    assert owner_api.get(core("/services/billing")).status_code == 404


def test_patch_cannot_change_id_or_created_at(
    owner_api: APIClient, core: Url, billing: dict[str, Any]
) -> None:
    body = owner_api.patch(
        core("/services/billing"),
        {"id": "7f0ad3f6-2a43-4b8e-9d65-1c7c0b2bd111", "created_at": 1},
        format="json",
    ).json()
    assert (body["id"], body["created_at"]) == (billing["id"], billing["created_at"])


def test_patching_a_missing_service_is_404(owner_api: APIClient, core: Url) -> None:
    response = owner_api.patch(core("/services/nope"), {"port": 1}, format="json")
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_a_patch_to_a_taken_name_is_409(
    owner_api: APIClient, core: Url, billing: dict[str, Any]
) -> None:
    created(owner_api, core("/services"), {"name": "other", "host": "h"})
    response = owner_api.patch(core("/services/other"), {"name": "billing"}, format="json")
    assert response.status_code == 409


def test_delete_answers_204_and_the_service_is_gone(
    owner_api: APIClient, core: Url, billing: dict[str, Any]
) -> None:
    assert owner_api.delete(core("/services/billing")).status_code == 204
    assert owner_api.get(core(f"/services/{billing['id']}")).status_code == 404


def test_deleting_what_does_not_exist_answers_204_and_writes_no_version(
    owner_api: APIClient, core: Url, cp: ControlPlane
) -> None:
    assert owner_api.delete(core("/services/nope")).status_code == 204
    assert (
        owner_api.delete(core("/services/7f0ad3f6-2a43-4b8e-9d65-1c7c0b2bd111")).status_code == 204
    )
    cp.refresh_from_db()
    assert cp.config_version == 0


def test_a_form_encoded_service_is_typed_by_the_schema(owner_api: APIClient, core: Url) -> None:
    response = owner_api.post(
        core("/services"),
        "name=billing&host=b.internal&port=8080&retries=2&enabled=false&tags[]=a&tags[]=b",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["port"], body["retries"], body["enabled"]) == (8080, 2, False)
    assert body["tags"] == ["a", "b"]


def test_a_multipart_form_is_accepted_too(owner_api: APIClient, core: Url) -> None:
    response = owner_api.post(core("/services"), {"name": "billing", "host": "h", "port": "81"})
    assert response.status_code == 201, response.json()
    assert response.json()["port"] == 81


# Routes


def test_a_route_gets_kongs_defaults(owner_api: APIClient, core: Url) -> None:
    body = created(owner_api, core("/routes"), {"paths": ["/bill"]})
    assert body["protocols"] == ["http", "https"]
    assert body["strip_path"] is True
    assert body["preserve_host"] is False
    assert body["regex_priority"] == 0
    assert body["path_handling"] == "v0"
    assert body["https_redirect_status_code"] == 426
    assert body["service"] is None


def test_an_http_route_needs_methods_hosts_headers_or_paths(
    owner_api: APIClient, core: Url
) -> None:
    response = owner_api.post(core("/routes"), {"name": "r"}, format="json")
    assert response.status_code == 400
    assert response.json()["name"] == "schema violation"
    assert "must set one of 'methods', 'hosts', 'headers', 'paths'" in response.json()["message"]


@pytest.mark.parametrize(
    "matcher",
    [{"methods": ["GET"]}, {"hosts": ["a.test"]}, {"headers": {"x-v": ["1"]}}, {"paths": ["/a"]}],
)
def test_any_one_matcher_is_enough_for_a_route(
    owner_api: APIClient, core: Url, matcher: dict[str, Any]
) -> None:
    created(owner_api, core("/routes"), matcher)


def test_a_route_may_reference_its_service_by_name(
    owner_api: APIClient, core: Url, billing: dict[str, Any]
) -> None:
    body = created(
        owner_api,
        core("/routes"),
        {"name": "r1", "paths": ["/bill"], "service": {"name": "billing"}},
    )
    assert body["service"] == {"id": billing["id"]}


def test_a_route_may_reference_its_service_by_id(
    owner_api: APIClient, core: Url, billing: dict[str, Any]
) -> None:
    body = created(owner_api, core("/routes"), {"paths": ["/b"], "service": {"id": billing["id"]}})
    assert body["service"] == {"id": billing["id"]}


@pytest.mark.parametrize(
    "service", [{"name": "ghost"}, {"id": "7f0ad3f6-2a43-4b8e-9d65-1c7c0b2bd111"}]
)
def test_a_reference_to_a_missing_service_is_a_foreign_key_violation(
    owner_api: APIClient, core: Url, service: dict[str, str]
) -> None:
    response = owner_api.post(core("/routes"), {"paths": ["/b"], "service": service}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["name"]) == (4, "foreign key violation")
    assert "does not reference an existing 'services' entity" in body["message"]
    assert body["fields"] == {"service": service}


def test_a_form_encoded_route_builds_arrays_and_references(
    owner_api: APIClient, core: Url, billing: dict[str, Any]
) -> None:
    response = owner_api.post(
        core("/routes"),
        f"paths[]=/a&paths[]=/b&methods=GET&methods=POST&service.id={billing['id']}"
        "&headers.x-version=1&strip_path=false",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["paths"] == ["/a", "/b"]
    assert body["methods"] == ["GET", "POST"]
    assert body["headers"] == {"x-version": ["1"]}
    assert body["strip_path"] is False
    assert body["service"] == {"id": billing["id"]}


def test_patching_a_route_can_move_it_to_another_service(
    owner_api: APIClient, core: Url, billing: dict[str, Any]
) -> None:
    other = created(owner_api, core("/services"), {"name": "other", "host": "o"})
    created(
        owner_api, core("/routes"), {"name": "r", "paths": ["/"], "service": {"name": "billing"}}
    )
    body = owner_api.patch(core("/routes/r"), {"service": {"name": "other"}}, format="json").json()
    assert body["service"] == {"id": other["id"]}


def test_route_snis_need_an_https_protocol(owner_api: APIClient, core: Url) -> None:
    response = owner_api.post(
        core("/routes"), {"protocols": ["http"], "paths": ["/"], "snis": ["a.test"]}, format="json"
    )
    assert response.status_code == 400


# Consumers


def test_a_consumer_needs_a_username_or_a_custom_id(owner_api: APIClient, core: Url) -> None:
    response = owner_api.post(core("/consumers"), {"tags": ["x"]}, format="json")
    assert response.status_code == 400
    assert "at least one of these fields must be non-empty" in response.json()["message"]
    created(owner_api, core("/consumers"), {"custom_id": "c-1"})


def test_a_consumer_is_found_by_username(owner_api: APIClient, core: Url) -> None:
    ann = created(owner_api, core("/consumers"), {"username": "ann"})
    assert owner_api.get(core("/consumers/ann")).json()["id"] == ann["id"]


def test_custom_ids_are_unique_too(owner_api: APIClient, core: Url) -> None:
    created(owner_api, core("/consumers"), {"username": "ann", "custom_id": "c-1"})
    response = owner_api.post(
        core("/consumers"), {"username": "bea", "custom_id": "c-1"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["message"] == "UNIQUE violation detected on '{custom_id=\"c-1\"}'"


# Plugins


def test_a_plugin_config_is_filled_with_its_schema_defaults(
    owner_api: APIClient, core: Url
) -> None:
    body = created(owner_api, core("/plugins"), {"name": "key-auth"})
    assert body["config"]["key_names"] == ["apikey"]
    assert body["config"]["hide_credentials"] is False
    assert body["enabled"] is True
    assert body["protocols"] == ["grpc", "grpcs", "http", "https"]
    assert body["service"] is body["route"] is body["consumer"] is None


@pytest.mark.parametrize(
    ("name", "config"),
    [
        ("key-auth", {}),
        ("basic-auth", {}),
        ("acl", {"allow": ["admins"]}),
        ("jwt", {}),
        ("rate-limiting", {"minute": 5}),
        ("cors", {}),
        ("request-transformer", {}),
        ("correlation-id", {}),
    ],
)
def test_the_bundled_plugins_can_be_created(
    owner_api: APIClient, core: Url, name: str, config: dict[str, Any]
) -> None:
    body = created(owner_api, core("/plugins"), {"name": name, "config": config})
    assert body["name"] == name


def test_an_unknown_plugin_is_a_schema_violation(owner_api: APIClient, core: Url) -> None:
    response = owner_api.post(core("/plugins"), {"name": "no-such-plugin"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["name"] == "schema violation"
    assert body["fields"] == {
        "name": "plugin 'no-such-plugin' not enabled; add it to the 'plugins' configuration property"
    }


def test_a_plugin_config_is_validated(owner_api: APIClient, core: Url) -> None:
    response = owner_api.post(
        core("/plugins"), {"name": "rate-limiting", "config": {"minute": "often"}}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["fields"]["config"]["minute"] == "expected a number"


def test_a_form_encoded_plugin_config_uses_dots(owner_api: APIClient, core: Url) -> None:
    response = owner_api.post(
        core("/plugins"),
        "name=rate-limiting&config.minute=5&config.policy=local&enabled=false",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["config"]["minute"], body["enabled"]) == (5, False)


def test_a_plugin_may_be_scoped_to_a_service_route_and_consumer(
    owner_api: APIClient, core: Url, billing: dict[str, Any]
) -> None:
    route = created(owner_api, core("/routes"), {"name": "r", "paths": ["/"]})
    ann = created(owner_api, core("/consumers"), {"username": "ann"})
    body = created(
        owner_api,
        core("/plugins"),
        {
            "name": "rate-limiting",
            "config": {"minute": 5},
            "service": {"name": "billing"},
            "route": {"name": "r"},
            "consumer": {"username": "ann"},
        },
    )
    assert body["service"] == {"id": billing["id"]}
    assert body["route"] == {"id": route["id"]}
    assert body["consumer"] == {"id": ann["id"]}


def test_a_consumer_reference_may_use_the_custom_id(owner_api: APIClient, core: Url) -> None:
    created(owner_api, core("/consumers"), {"username": "ann"})
    bea = created(owner_api, core("/consumers"), {"username": "bea", "custom_id": "ann"})
    body = created(
        owner_api,
        core("/plugins"),
        {"name": "rate-limiting", "config": {"minute": 5}, "consumer": {"custom_id": "ann"}},
    )
    assert body["consumer"] == {"id": bea["id"]}


def test_the_same_plugin_twice_in_one_scope_is_409(owner_api: APIClient, core: Url) -> None:
    created(owner_api, core("/plugins"), {"name": "cors"})
    response = owner_api.post(core("/plugins"), {"name": "cors"}, format="json")
    assert response.status_code == 409
    assert response.json()["name"] == "unique constraint violation"
    assert 'name="cors"' in response.json()["message"]


def test_the_same_plugin_in_another_scope_is_fine(
    owner_api: APIClient, core: Url, billing: dict[str, Any]
) -> None:
    created(owner_api, core("/plugins"), {"name": "cors"})
    created(owner_api, core("/plugins"), {"name": "cors", "service": {"id": billing["id"]}})


def test_a_plugin_is_found_by_its_instance_name(owner_api: APIClient, core: Url) -> None:
    plugin = created(owner_api, core("/plugins"), {"name": "cors", "instance_name": "cors-1"})
    assert owner_api.get(core("/plugins/cors-1")).json()["id"] == plugin["id"]


def test_patching_a_plugin_merges_its_config(owner_api: APIClient, core: Url) -> None:
    plugin = created(
        owner_api, core("/plugins"), {"name": "rate-limiting", "config": {"minute": 5, "hour": 100}}
    )
    body = owner_api.patch(
        core(f"/plugins/{plugin['id']}"), {"config": {"minute": 10}}, format="json"
    ).json()
    assert (body["config"]["minute"], body["config"]["hour"]) == (10, 100)


# Deletion


def test_deleting_a_referenced_service_is_refused(
    owner_api: APIClient, core: Url, cp: ControlPlane, billing: dict[str, Any]
) -> None:
    owner_api.post(core("/services/billing/routes"), {"paths": ["/bill"]}, format="json")
    cp.refresh_from_db()
    version = cp.config_version
    response = owner_api.delete(core("/services/billing"))
    assert response.status_code == 400
    body = response.json()
    assert body["name"] == "referenced by others"
    assert body["message"] == "an existing 'routes' entity references this 'services' entity"
    assert owner_api.get(core("/services/billing")).status_code == 200
    cp.refresh_from_db()
    assert cp.config_version == version


def test_a_cascade_is_one_version_with_several_changes(
    owner_api: APIClient, core: Url, cp: ControlPlane, billing: dict[str, Any]
) -> None:
    route = created(owner_api, core("/services/billing/routes"), {"name": "r", "paths": ["/bill"]})
    created(owner_api, core("/routes/r/plugins"), {"name": "key-auth"})
    assert owner_api.delete(core(f"/routes/{route['id']}")).status_code == 204
    cp.refresh_from_db()
    last = ConfigVersion.objects.get(control_plane=cp, version=cp.config_version)
    assert [c.op for c in last.changes.all()] == ["delete", "delete"]
    assert sorted(c.entity_type for c in last.changes.all()) == ["plugins", "routes"]


def test_deleting_a_service_takes_its_plugins_along(
    owner_api: APIClient, core: Url, billing: dict[str, Any]
) -> None:
    created(owner_api, core("/services/billing/plugins"), {"name": "cors"})
    assert owner_api.delete(core("/services/billing")).status_code == 204
    assert owner_api.get(core("/plugins")).json()["data"] == []


def test_deleting_a_consumer_takes_its_plugins_along(
    owner_api: APIClient, core: Url, cp: ControlPlane
) -> None:
    created(owner_api, core("/consumers"), {"username": "ann"})
    created(
        owner_api, core("/consumers/ann/plugins"), {"name": "rate-limiting", "config": {"hour": 1}}
    )
    created(owner_api, core("/plugins"), {"name": "cors"})
    assert owner_api.delete(core("/consumers/ann")).status_code == 204
    names = [p["name"] for p in owner_api.get(core("/plugins")).json()["data"]]
    assert names == ["cors"]
    assert not Entity.objects.filter(control_plane=cp, entity_type="consumers").exists()
