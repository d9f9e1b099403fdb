"""``/v2/control-planes/{id}/changes?after=V``: the change log over the API."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from controlplane.models import ControlPlane
from controlplane.services.entities import create_entity

Url = Callable[[str], str]


def changes_url(cp: ControlPlane) -> str:
    return f"/v2/control-planes/{cp.pk}/changes"


def test_an_untouched_control_plane_has_no_changes(owner_api: APIClient, cp: ControlPlane) -> None:
    body = owner_api.get(changes_url(cp)).json()
    assert body == {"data": [], "next": None, "config_version": 0}


def test_each_write_is_one_version_with_its_actor_time_and_changes(
    owner_api: APIClient, core: Url, cp: ControlPlane
) -> None:
    service = owner_api.post(core("/services"), {"name": "s", "host": "a"}, format="json").json()
    updated = owner_api.patch(core("/services/s"), {"host": "b"}, format="json").json()
    owner_api.delete(core("/services/s"))
    body = owner_api.get(changes_url(cp)).json()
    assert [v["version"] for v in body["data"]] == [1, 2, 3]
    assert body["config_version"] == 3
    first, second, third = body["data"]
    assert first["actor"] == "alice@acme.test (token test)"
    assert first["created_at"]
    assert first["changes"] == [
        {
            "op": "create",
            "entity_type": "services",
            "entity_id": service["id"],
            "entity": service,
            "old_entity": None,
        }
    ]
    assert second["changes"][0]["op"] == "update"
    assert second["changes"][0]["old_entity"] == service
    assert second["changes"][0]["entity"] == updated
    assert third["changes"][0]["op"] == "delete"
    assert (third["changes"][0]["entity"], third["changes"][0]["old_entity"]) == (None, updated)


def test_after_lists_only_newer_versions(owner_api: APIClient, cp: ControlPlane) -> None:
    for i in range(4):
        create_entity(cp, "consumers", {"username": f"u{i}"}, actor="t")
    body = owner_api.get(changes_url(cp), {"after": 2}).json()
    assert [v["version"] for v in body["data"]] == [3, 4]
    assert owner_api.get(changes_url(cp), {"after": 4}).json()["data"] == []


def test_the_log_pages_with_size_and_next(owner_api: APIClient, cp: ControlPlane) -> None:
    for i in range(5):
        create_entity(cp, "consumers", {"username": f"u{i}"}, actor="t")
    body = owner_api.get(changes_url(cp), {"size": 2}).json()
    versions = [v["version"] for v in body["data"]]
    while body["next"]:
        body = owner_api.get(body["next"]).json()
        versions += [v["version"] for v in body["data"]]
    assert versions == [1, 2, 3, 4, 5]


def test_a_cascade_shows_as_one_version_with_every_change(
    owner_api: APIClient, core: Url, cp: ControlPlane
) -> None:
    owner_api.post(core("/routes"), {"name": "r", "paths": ["/"]}, format="json")
    owner_api.post(core("/routes/r/plugins"), {"name": "cors"}, format="json")
    owner_api.post(core("/routes/r/plugins"), {"name": "key-auth"}, format="json")
    owner_api.delete(core("/routes/r"))
    last = owner_api.get(changes_url(cp), {"after": 3}).json()["data"]
    assert len(last) == 1
    assert sorted(c["entity_type"] for c in last[0]["changes"]) == ["plugins", "plugins", "routes"]
    assert last[0]["change_count"] == 3


@pytest.mark.parametrize("after", ["x", "1.5", "--5", "²", "1 "])
def test_a_bad_after_is_400(owner_api: APIClient, cp: ControlPlane, after: str) -> None:
    response = owner_api.get(changes_url(cp), {"after": after})
    assert response.status_code == 400
    assert response.json()["fields"] == {"after": "expected an integer"}


def test_a_huge_after_is_simply_past_the_end(owner_api: APIClient, cp: ControlPlane) -> None:
    create_entity(cp, "consumers", {"username": "u"}, actor="t")
    body = owner_api.get(changes_url(cp), {"after": "99999999999999999999"}).json()
    assert body["data"] == []


def test_a_bad_size_is_400(owner_api: APIClient, cp: ControlPlane) -> None:
    assert owner_api.get(changes_url(cp), {"size": "0"}).status_code == 400


def test_the_log_costs_the_same_queries_for_many_versions(
    owner_api: APIClient, cp: ControlPlane, django_assert_max_num_queries: Any
) -> None:
    create_entity(cp, "consumers", {"username": "first"}, actor="t")
    owner_api.get(changes_url(cp))
    with CaptureQueriesContext(connection) as one:
        owner_api.get(changes_url(cp))
    for i in range(20):
        create_entity(cp, "consumers", {"username": f"u{i}"}, actor="t")
    with django_assert_max_num_queries(len(one)):
        assert len(owner_api.get(changes_url(cp)).json()["data"]) == 21
