"""``/v2/control-planes``: list, create, get, patch and delete, Konnect-style."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from controlplane.models import ControlPlane, Entity, Organization, Role
from controlplane.services.control_planes import create_control_plane
from controlplane.services.entities import create_entity
from controlplane.services.tenancy import add_member, create_user
from tests.conftest import api_client

CPS = "/v2/control-planes"


def item(cp: ControlPlane) -> str:
    return f"{CPS}/{cp.pk}"


@pytest.fixture
def editor_api(org: Organization) -> APIClient:
    user = create_user("erin@acme.test", "pw-erin")
    add_member(org, "erin@acme.test", Role.EDITOR)
    return api_client(user, org)


def test_a_control_plane_carries_konnects_fields(owner_api: APIClient, cp: ControlPlane) -> None:
    body = owner_api.get(item(cp)).json()
    assert body["id"] == str(cp.pk)
    assert body["name"] == "default"
    assert body["description"] == ""
    assert body["labels"] == {}
    assert body["config"]["incremental_sync"] is True
    assert body["config_version"] == 0


def test_the_list_shows_only_the_callers_organization(
    owner_api: APIClient, cp: ControlPlane, other_org: Organization
) -> None:
    create_control_plane(other_org, name="theirs")
    body = owner_api.get(CPS).json()
    assert [c["name"] for c in body["data"]] == ["default"]
    assert body["next"] is None


def test_the_list_items_have_the_same_shape_as_get(owner_api: APIClient, cp: ControlPlane) -> None:
    one = owner_api.get(item(cp)).json()
    del one["fleet"]  # only GET of one control plane adds its fleet's health
    assert owner_api.get(CPS).json()["data"] == [one]


def test_the_list_can_filter_by_name(owner_api: APIClient, org: Organization) -> None:
    for name in ("prod", "staging", "prod-eu"):
        create_control_plane(org, name=name)
    names = lambda query: sorted(c["name"] for c in owner_api.get(CPS, query).json()["data"])  # noqa: E731
    assert names({"filter[name]": "prod"}) == ["prod"]
    assert names({"filter[name][eq]": "staging"}) == ["staging"]
    assert names({"filter[name][contains]": "prod"}) == ["prod", "prod-eu"]


def test_the_list_pages_with_size_and_next(owner_api: APIClient, org: Organization) -> None:
    for i in range(5):
        create_control_plane(org, name=f"cp{i}")
    body = owner_api.get(CPS, {"size": 2}).json()
    seen = [c["id"] for c in body["data"]]
    while body["next"]:
        assert "size=2" in body["next"]
        body = owner_api.get(body["next"]).json()
        seen += [c["id"] for c in body["data"]]
    assert len(seen) == len(set(seen)) == 5


def test_creating_a_control_plane_answers_201(owner_api: APIClient, org: Organization) -> None:
    response = owner_api.post(
        CPS,
        {"name": "prod", "description": "production", "labels": {"env": "prod"}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["description"], body["labels"]) == (
        "prod",
        "production",
        {"env": "prod"},
    )
    assert body["config"]["incremental_sync"] is True
    assert body["config_version"] == 0
    assert ControlPlane.objects.get(pk=body["id"]).organization == org


def test_incremental_sync_can_be_switched_off_at_creation(owner_api: APIClient) -> None:
    body = owner_api.post(
        CPS, {"name": "full", "config": {"incremental_sync": False}}, format="json"
    ).json()
    assert body["config"]["incremental_sync"] is False


def test_a_form_encoded_control_plane_may_use_the_dotted_config_key(owner_api: APIClient) -> None:
    response = owner_api.post(
        CPS,
        "name=full&config.incremental_sync=false",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["config"]["incremental_sync"] is False


def test_konnects_hybrid_cluster_type_is_accepted(owner_api: APIClient) -> None:
    response = owner_api.post(
        CPS, {"name": "h", "cluster_type": "CLUSTER_TYPE_HYBRID"}, format="json"
    )
    assert response.status_code == 201
    response = owner_api.post(
        CPS, {"name": "k", "cluster_type": "CLUSTER_TYPE_K8S_INGRESS_CONTROLLER"}, format="json"
    )
    assert response.status_code == 400


def test_names_are_unique_within_an_organization(owner_api: APIClient, cp: ControlPlane) -> None:
    response = owner_api.post(CPS, {"name": "default"}, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "code": 5,
        "name": "unique constraint violation",
        "message": "UNIQUE violation detected on '{name=\"default\"}'",
        "fields": {"name": "default"},
    }


def test_another_organization_may_use_the_same_name(
    outsider_api: APIClient, cp: ControlPlane
) -> None:
    assert outsider_api.post(CPS, {"name": "default"}, format="json").status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": 5}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "x", "description": 5}, "description"),
        ({"name": "x", "labels": ["a"]}, "labels"),
        ({"name": "x", "labels": {"a": 1}}, "labels"),
        ({"name": "x", "config": "on"}, "config"),
        ({"name": "x", "config": {"incremental_sync": "yes"}}, "config.incremental_sync"),
        ({"name": "x", "config": {"surprise": 1}}, "config.surprise"),
        ({"name": "x", "colour": "red"}, "colour"),
    ],
)
def test_a_bad_control_plane_is_a_schema_violation(
    owner_api: APIClient, body: dict[str, Any], field: str
) -> None:
    response = owner_api.post(CPS, body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == 2
    assert list(response.json()["fields"]) == [field]
    assert ControlPlane.objects.count() == 0


def test_patch_changes_only_what_it_names(owner_api: APIClient, cp: ControlPlane) -> None:
    response = owner_api.patch(item(cp), {"description": "new"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["description"]) == ("default", "new")


def test_patch_can_switch_incremental_sync(owner_api: APIClient, cp: ControlPlane) -> None:
    response = owner_api.patch(item(cp), {"config": {"incremental_sync": False}}, format="json")
    assert response.json()["config"]["incremental_sync"] is False
    cp.refresh_from_db()
    assert cp.incremental_sync is False


def test_patch_can_rename_and_replace_labels(owner_api: APIClient, cp: ControlPlane) -> None:
    owner_api.patch(item(cp), {"labels": {"a": "1"}}, format="json")
    body = owner_api.patch(item(cp), {"name": "main", "labels": {"b": "2"}}, format="json").json()
    assert (body["name"], body["labels"]) == ("main", {"b": "2"})


def test_patch_to_a_taken_name_is_409(owner_api: APIClient, cp: ControlPlane, org: Any) -> None:
    create_control_plane(org, name="other")
    response = owner_api.patch(item(cp), {"name": "other"}, format="json")
    assert response.status_code == 409


def test_an_empty_patch_is_a_bad_request(owner_api: APIClient, cp: ControlPlane) -> None:
    assert owner_api.patch(item(cp), {}, format="json").status_code == 400


def test_patch_does_not_touch_the_config_version(owner_api: APIClient, cp: ControlPlane) -> None:
    create_entity(cp, "services", {"host": "h"}, actor="t")
    body = owner_api.patch(item(cp), {"description": "d"}, format="json").json()
    assert body["config_version"] == 1


def test_delete_removes_the_control_plane_and_its_config(
    owner_api: APIClient, cp: ControlPlane
) -> None:
    create_entity(cp, "services", {"host": "h"}, actor="t")
    assert owner_api.delete(item(cp)).status_code == 204
    assert owner_api.get(item(cp)).status_code == 404
    assert not Entity.objects.filter(control_plane_id=cp.pk).exists()


@pytest.mark.parametrize("cp_id", ["nope", "00000000-0000-0000-0000-000000000000"])
def test_an_unknown_control_plane_is_404(owner_api: APIClient, cp_id: str) -> None:
    response = owner_api.get(f"{CPS}/{cp_id}")
    assert response.status_code == 404
    assert response.json()["code"] == 6


def test_the_config_version_follows_writes(owner_api: APIClient, cp: ControlPlane) -> None:
    for i in range(3):
        create_entity(cp, "consumers", {"username": f"u{i}"}, actor="t")
    assert owner_api.get(item(cp)).json()["config_version"] == 3


# Who may change control planes: admins only; editors change entities, not control planes.


def test_an_editor_may_read_but_not_create_control_planes(
    editor_api: APIClient, cp: ControlPlane
) -> None:
    assert editor_api.get(item(cp)).status_code == 200
    assert editor_api.post(CPS, {"name": "x"}, format="json").status_code == 403
    assert editor_api.patch(item(cp), {"name": "x"}, format="json").status_code == 403
    assert editor_api.delete(item(cp)).status_code == 403


def test_an_editor_may_write_entities(editor_api: APIClient, cp: ControlPlane) -> None:
    url = f"{item(cp)}/core-entities/services"
    assert editor_api.post(url, {"host": "h"}, format="json").status_code == 201
