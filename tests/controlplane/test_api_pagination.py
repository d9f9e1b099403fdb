"""Lists: Kong's ``size``/``offset``/``next`` paging, the ``tags`` filter, and query counts."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from controlplane.models import ControlPlane
from controlplane.services.entities import create_entity

Url = Callable[[str], str]


def seed_services(cp: ControlPlane, count: int, tags: list[str] | None = None) -> list[str]:
    return [
        create_entity(cp, "services", {"name": f"s{i}", "host": "h", "tags": tags}, actor="t")["id"]
        for i in range(count)
    ]


def seed_services_named(cp: ControlPlane, names: list[str], tags: list[str]) -> None:
    for name in names:
        create_entity(cp, "services", {"name": name, "host": "h", "tags": tags}, actor="t")


def walk(api: APIClient, first_url: str, base: str) -> tuple[list[str], int]:
    """Follow ``next`` from ``first_url``; return every id seen and the number of pages."""
    seen: list[str] = []
    url: str | None = first_url
    pages = 0
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.json()
        body = response.json()
        seen += [item["id"] for item in body["data"]]
        pages += 1
        url = base + body["next"] if body["next"] else None
    return seen, pages


def test_a_list_has_data_and_a_null_next_on_its_last_page(
    owner_api: APIClient, core: Url, cp: ControlPlane
) -> None:
    seed_services(cp, 3)
    body = owner_api.get(core("/services")).json()
    assert len(body["data"]) == 3
    assert body["next"] is None
    assert "offset" not in body


def test_the_default_page_size_is_100(owner_api: APIClient, core: Url, cp: ControlPlane) -> None:
    seed_services(cp, 101)
    body = owner_api.get(core("/services")).json()
    assert len(body["data"]) == 100
    assert body["next"] is not None


def test_following_next_visits_every_entity_once(
    owner_api: APIClient, core: Url, cp: ControlPlane
) -> None:
    created = seed_services(cp, 7)
    seen, pages = walk(owner_api, core("/services?size=3"), base="http://testserver")
    assert sorted(seen) == sorted(created)
    assert len(seen) == len(set(seen))
    assert pages == 3


def test_next_keeps_the_size_and_the_tag_filter(
    owner_api: APIClient, core: Url, cp: ControlPlane
) -> None:
    tagged = seed_services(cp, 3, tags=["blue"])
    seed_services_named(cp, ["x1", "x2"], tags=["red"])
    body = owner_api.get(core("/services?size=2&tags=blue")).json()
    assert "size=2" in body["next"] and "tags=blue" in body["next"]
    assert body["offset"] in body["next"]
    seen, _ = walk(owner_api, core("/services?size=2&tags=blue"), base="http://testserver")
    assert sorted(seen) == sorted(tagged)


def test_nested_lists_page_too(owner_api: APIClient, core: Url, cp: ControlPlane) -> None:
    create_entity(cp, "services", {"name": "billing", "host": "h"}, actor="t")
    routes = [
        create_entity(cp, "routes", {"paths": [f"/{i}"], "service": {"name": "billing"}}, actor="t")
        for i in range(5)
    ]
    seen, pages = walk(owner_api, core("/services/billing/routes?size=2"), "http://testserver")
    assert sorted(seen) == sorted(r["id"] for r in routes)
    assert pages == 3


def test_the_largest_page_is_1000(owner_api: APIClient, core: Url, cp: ControlPlane) -> None:
    assert owner_api.get(core("/services?size=1000")).status_code == 200
    response = owner_api.get(core("/services?size=1001"))
    assert response.status_code == 400
    assert response.json() == {
        "code": 9,
        "name": "invalid size",
        "message": "size must be an integer between 1 and 1000",
    }


@pytest.mark.parametrize("size", ["0", "-1", "abc", "1.5", "²"])
def test_a_bad_size_is_400(owner_api: APIClient, core: Url, size: str) -> None:
    response = owner_api.get(core("/services"), {"size": size})
    assert response.status_code == 400
    assert response.json()["name"] == "invalid size"


@pytest.mark.parametrize("offset", ["!!", "AAAA", "bm90LWEtdXVpZA"])
def test_a_bad_offset_is_400(owner_api: APIClient, core: Url, offset: str) -> None:
    response = owner_api.get(core("/services"), {"offset": offset})
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["name"]) == (7, "invalid offset")
    assert body["message"].startswith(f"'{offset}' is not a valid offset")


# The tags filter


@pytest.fixture
def tagged(cp: ControlPlane) -> dict[str, str]:
    names = {"ab": ["a", "b"], "a": ["a"], "b": ["b"], "c": ["c"], "none": None, "A": ["A"]}
    return {
        name: create_entity(cp, "consumers", {"username": name, "tags": tags}, actor="t")["id"]
        for name, tags in names.items()
    }


def names_for(api: APIClient, core: Url, tags: str) -> list[str]:
    response = api.get(core("/consumers"), {"tags": tags})
    assert response.status_code == 200, response.json()
    return sorted(item["username"] for item in response.json()["data"])


def test_comma_separated_tags_match_entities_with_all_of_them(
    owner_api: APIClient, core: Url, tagged: dict[str, str]
) -> None:
    assert names_for(owner_api, core, "a,b") == ["ab"]
    assert names_for(owner_api, core, "a") == ["a", "ab"]


def test_slash_separated_tags_match_entities_with_any_of_them(
    owner_api: APIClient, core: Url, tagged: dict[str, str]
) -> None:
    assert names_for(owner_api, core, "a/c") == ["a", "ab", "c"]


def test_tags_are_case_sensitive(owner_api: APIClient, core: Url, tagged: dict[str, str]) -> None:
    assert names_for(owner_api, core, "A") == ["A"]


def test_a_tag_nobody_has_matches_nothing(
    owner_api: APIClient, core: Url, tagged: dict[str, str]
) -> None:
    assert names_for(owner_api, core, "zzz") == []


def test_mixing_all_and_any_is_an_invalid_option(owner_api: APIClient, core: Url) -> None:
    response = owner_api.get(core("/consumers"), {"tags": "a,b/c"})
    assert response.status_code == 400
    assert response.json()["message"] == "invalid option (tags: invalid filter syntax)"
    assert response.json()["code"] == 11


def test_the_tags_filter_works_on_nested_lists(
    owner_api: APIClient, core: Url, cp: ControlPlane
) -> None:
    create_entity(cp, "services", {"name": "billing", "host": "h"}, actor="t")
    blue = create_entity(
        cp, "routes", {"paths": ["/b"], "service": {"name": "billing"}, "tags": ["blue"]}, actor="t"
    )
    create_entity(cp, "routes", {"paths": ["/r"], "service": {"name": "billing"}}, actor="t")
    body = owner_api.get(core("/services/billing/routes?tags=blue")).json()
    assert [r["id"] for r in body["data"]] == [blue["id"]]


# Query counts: a page costs the same few queries however many rows it holds.


def list_queries(api: APIClient, url: str) -> int:
    api.get(url)  # the first request also records the token's last use
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "path",
    ["/services", "/routes", "/plugins", "/services/billing/routes", "/routes/r/plugins"],
)
def test_an_entity_list_does_no_per_row_queries(
    owner_api: APIClient,
    core: Url,
    cp: ControlPlane,
    path: str,
    django_assert_max_num_queries: Any,
) -> None:
    create_entity(cp, "services", {"name": "billing", "host": "h"}, actor="t")
    create_entity(cp, "routes", {"name": "r", "paths": ["/"], "service": "billing"}, actor="t")
    few = list_queries(owner_api, core(path))
    for i in range(20):
        create_entity(cp, "services", {"name": f"s{i}", "host": "h"}, actor="t")
        create_entity(cp, "routes", {"paths": [f"/{i}"], "service": {"name": "billing"}}, actor="t")
        create_entity(
            cp, "plugins", {"name": "cors", "route": {"name": "r"}, "service": f"s{i}"}, actor="t"
        )
    with django_assert_max_num_queries(few):
        assert len(owner_api.get(core(path)).json()["data"]) >= 1
    assert few <= 6


def test_the_control_plane_list_does_no_per_row_queries(
    owner_api: APIClient, org: Any, django_assert_max_num_queries: Any
) -> None:
    from controlplane.services.control_planes import create_control_plane

    create_control_plane(org, name="one")
    few = list_queries(owner_api, "/v2/control-planes")
    for i in range(20):
        create_control_plane(org, name=f"cp{i}")
    with django_assert_max_num_queries(few):
        assert len(owner_api.get("/v2/control-planes").json()["data"]) == 21
