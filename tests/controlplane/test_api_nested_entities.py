"""Kong's nested paths: /services/{x}/routes, /services/{x}/plugins, /routes/{x}/plugins,
/routes/{x}/service and /consumers/{x}/plugins, with their items."""

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

Url = Callable[[str], str]


def created(api: APIClient, url: str, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post(url, body, format="json")
    assert response.status_code == 201, response.json()
    return dict(response.json())


@pytest.fixture
def billing(owner_api: APIClient, core: Url) -> dict[str, Any]:
    return created(owner_api, core("/services"), {"name": "billing", "host": "b.internal"})


@pytest.fixture
def route(owner_api: APIClient, core: Url, billing: dict[str, Any]) -> dict[str, Any]:
    return created(owner_api, core("/services/billing/routes"), {"name": "r", "paths": ["/b"]})


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.json()
    return sorted(item["id"] for item in response.json()["data"])


def test_posting_under_a_service_creates_a_route_of_that_service(
    route: dict[str, Any], billing: dict[str, Any]
) -> None:
    assert route["service"] == {"id": billing["id"]}


def test_the_path_wins_over_a_service_in_the_body(
    owner_api: APIClient, core: Url, billing: dict[str, Any]
) -> None:
    created(owner_api, core("/services"), {"name": "other", "host": "o"})
    body = created(
        owner_api, core("/services/billing/routes"), {"paths": ["/"], "service": {"name": "other"}}
    )
    assert body["service"] == {"id": billing["id"]}


def test_a_service_lists_only_its_own_routes(
    owner_api: APIClient, core: Url, route: dict[str, Any]
) -> None:
    created(owner_api, core("/services"), {"name": "other", "host": "o"})
    created(owner_api, core("/services/other/routes"), {"paths": ["/o"]})
    assert ids(owner_api.get(core("/services/billing/routes"))) == [route["id"]]
    assert ids(owner_api.get(core(f"/services/{route['service']['id']}/routes"))) == [route["id"]]


def test_a_service_with_no_routes_lists_none(
    owner_api: APIClient, core: Url, billing: dict[str, Any]
) -> None:
    assert ids(owner_api.get(core("/services/billing/routes"))) == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_children_of_a_missing_parent_are_404(
    owner_api: APIClient, core: Url, method: str
) -> None:
    response = getattr(owner_api, method)(core("/services/ghost/routes"), {}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == 6


@pytest.mark.parametrize(
    "parent",
    ["/services/billing", "/routes/r", "/consumers/ann"],
    ids=["service", "route", "consumer"],
)
def test_plugins_nested_under_an_entity_are_scoped_to_it(
    owner_api: APIClient, core: Url, route: dict[str, Any], parent: str
) -> None:
    created(owner_api, core("/consumers"), {"username": "ann"})
    created(owner_api, core("/plugins"), {"name": "cors"})
    plugin = created(
        owner_api, core(f"{parent}/plugins"), {"name": "rate-limiting", "config": {"minute": 1}}
    )
    field = parent.split("/")[1][:-1]  # services -> service
    parent_id = owner_api.get(core(parent)).json()["id"]
    assert plugin[field] == {"id": parent_id}
    assert ids(owner_api.get(core(f"{parent}/plugins"))) == [plugin["id"]]


def test_a_route_shows_its_service(
    owner_api: APIClient, core: Url, route: dict[str, Any], billing: dict[str, Any]
) -> None:
    response = owner_api.get(core("/routes/r/service"))
    assert response.status_code == 200
    assert response.json() == owner_api.get(core("/services/billing")).json()


def test_a_route_without_a_service_has_no_service_to_show(owner_api: APIClient, core: Url) -> None:
    created(owner_api, core("/routes"), {"name": "lonely", "paths": ["/"]})
    assert owner_api.get(core("/routes/lonely/service")).status_code == 404
    assert owner_api.get(core("/routes/ghost/service")).status_code == 404


def test_patching_a_routes_service_updates_that_service(
    owner_api: APIClient, core: Url, route: dict[str, Any]
) -> None:
    response = owner_api.patch(core("/routes/r/service"), {"port": 8443}, format="json")
    assert response.status_code == 200
    assert owner_api.get(core("/services/billing")).json()["port"] == 8443


def test_a_nested_item_is_found_by_id_or_name(
    owner_api: APIClient, core: Url, route: dict[str, Any]
) -> None:
    assert owner_api.get(core("/services/billing/routes/r")).json()["id"] == route["id"]
    by_id = owner_api.get(core(f"/services/billing/routes/{route['id']}"))
    assert by_id.json()["name"] == "r"


def test_a_nested_item_of_another_parent_is_404(
    owner_api: APIClient, core: Url, route: dict[str, Any]
) -> None:
    created(owner_api, core("/services"), {"name": "other", "host": "o"})
    assert owner_api.get(core("/services/other/routes/r")).status_code == 404
    assert owner_api.patch(core("/services/other/routes/r"), {}, format="json").status_code == 404


def test_patching_a_nested_item_updates_it(
    owner_api: APIClient, core: Url, route: dict[str, Any]
) -> None:
    response = owner_api.patch(core("/services/billing/routes/r"), {"paths": ["/x"]}, format="json")
    assert response.status_code == 200
    assert owner_api.get(core("/routes/r")).json()["paths"] == ["/x"]


def test_put_on_a_nested_item_upserts_it_under_the_parent(
    owner_api: APIClient, core: Url, billing: dict[str, Any]
) -> None:
    response = owner_api.put(core("/services/billing/routes/r2"), {"paths": ["/2"]}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["name"], body["service"]) == ("r2", {"id": billing["id"]})


def test_deleting_a_nested_item_deletes_it(
    owner_api: APIClient, core: Url, route: dict[str, Any]
) -> None:
    assert owner_api.delete(core("/services/billing/routes/r")).status_code == 204
    assert owner_api.get(core("/routes/r")).status_code == 404


def test_deleting_a_nested_item_of_another_parent_leaves_it_alone(
    owner_api: APIClient, core: Url, route: dict[str, Any]
) -> None:
    created(owner_api, core("/services"), {"name": "other", "host": "o"})
    assert owner_api.delete(core("/services/other/routes/r")).status_code == 204
    assert owner_api.get(core("/routes/r")).status_code == 200


@pytest.mark.parametrize(
    "path", ["/services/billing/consumers", "/routes/r/routes", "/plugins/x/routes", "/bogus/x/y"]
)
def test_a_nested_path_that_kong_does_not_have_is_404(
    owner_api: APIClient, core: Url, route: dict[str, Any], path: str
) -> None:
    response = owner_api.get(core(path))
    assert response.status_code == 404
    assert response.json()["name"] == "not found"
