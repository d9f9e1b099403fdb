"""``POST /v2/control-planes/{id}/revert``: restore a retained version's config as one new
version; ``?dry_run=true`` answers the diff only; admins only."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from controlplane.models import ConfigVersion, ControlPlane, Entity, Organization, Role
from controlplane.services.entities import create_entity, update_entity
from controlplane.services.tenancy import add_member, create_user
from tests.conftest import api_client


def url(cp: ControlPlane, query: str = "") -> str:
    return f"/v2/control-planes/{cp.pk}/revert{query}"


@pytest.fixture
def history(cp: ControlPlane) -> ControlPlane:
    """Version 1 has one service on port 80; version 2 moved it; version 3 added a consumer."""
    create_entity(cp, "services", {"name": "billing", "host": "b.internal", "port": 80}, actor="t")
    update_entity(cp, "services", "billing", {"port": 81}, actor="t")
    create_entity(cp, "consumers", {"username": "ann"}, actor="t")
    return cp


def head(cp: ControlPlane) -> tuple[int, str]:
    cp.refresh_from_db()
    return cp.config_version, cp.config_hash


def test_requires_auth(history: ControlPlane) -> None:
    assert APIClient().post(url(history), {"to_version": 1}, format="json").status_code == 401


def test_hides_other_orgs_control_planes(outsider_api: APIClient, history: ControlPlane) -> None:
    response = outsider_api.post(url(history), {"to_version": 1}, format="json")
    assert response.status_code == 404
    assert head(history)[0] == 3


def test_refuses_viewers(viewer_api: APIClient, history: ControlPlane) -> None:
    response = viewer_api.post(url(history, "?dry_run=true"), {"to_version": 1}, format="json")
    assert response.status_code == 403
    assert response.json()["message"] == "only organization admins may do this"


def test_refuses_editors_too(org: Organization, history: ControlPlane) -> None:
    erin = create_user("erin@acme.test", "pw-erin")
    add_member(org, "erin@acme.test", Role.EDITOR)
    editor = api_client(erin, org)
    assert editor.post(url(history), {"to_version": 1}, format="json").status_code == 403
    assert head(history)[0] == 3


def test_reverts_as_one_version_with_the_target_hash(
    owner_api: APIClient, history: ControlPlane
) -> None:
    response = owner_api.post(url(history), {"to_version": 1}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    target = ConfigVersion.objects.get(control_plane=history, version=1).config_hash
    assert head(history) == (4, target)
    assert body["config_hash"] == target
    assert (body["from_version"], body["to_version"], body["config_version"]) == (3, 1, 4)
    assert body["dry_run"] is False
    assert body["summary"]["updated"] == 1 and body["summary"]["deleted"] == 1
    assert body["updated"]["services"][0]["fields"] == ["port"]
    assert body["message"] == "reverted to version 1 as version 4: 0 created, 1 updated, 1 deleted"
    latest = ConfigVersion.objects.get(control_plane=history, version=4)
    assert latest.actor == "alice@acme.test (token test) (revert to v1)"


def test_a_dry_run_answers_the_diff_and_writes_nothing(
    owner_api: APIClient, history: ControlPlane
) -> None:
    before = head(history)
    response = owner_api.post(url(history, "?dry_run=true"), {"to_version": 2}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["dry_run"] is True and body["config_version"] == 3
    assert body["deleted"] == {
        "consumers": [
            {
                "id": str(Entity.objects.get(entity_type="consumers").entity_id),
                "name": "ann",
                "reason": "created in version 3 by t",
            }
        ]
    }
    assert head(history) == before


def test_a_form_body_works_as_json_does(owner_api: APIClient, history: ControlPlane) -> None:
    response = owner_api.post(url(history, "?dry_run=1"), {"to_version": "1"})
    assert response.status_code == 200, response.content
    assert response.json()["summary"]["total_changes"] == 2


def test_reverting_to_the_current_version_says_so_and_writes_nothing(
    owner_api: APIClient, history: ControlPlane
) -> None:
    response = owner_api.post(url(history), {"to_version": 3}, format="json")
    assert response.status_code == 200
    assert response.json()["message"] == "the control plane is at version 3: nothing to revert"
    assert head(history)[0] == 3


def test_a_version_outside_retention_is_a_400_naming_the_oldest_revertible(
    owner_api: APIClient, cp: ControlPlane, settings: Any
) -> None:
    settings.KONNECTLITE_CHANGELOG_RETENTION = 2
    for n in range(5):
        create_entity(cp, "consumers", {"username": f"u{n}"}, actor="t")
    response = owner_api.post(url(cp), {"to_version": 1}, format="json")
    assert response.status_code == 400
    problem = (
        "version 1 is no longer in the change log; the oldest version this control plane "
        "can revert to is 3"
    )
    assert response.json() == {
        "code": 2,
        "name": "schema violation",
        "message": f"cannot revert: {problem}",
        "fields": {"to_version": problem},
    }


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({}, "required field missing"),
        ({"to_version": "one"}, "expected an integer"),
        ({"to_version": True}, "expected an integer"),
        ({"to_version": 1.5}, "expected an integer"),
        (
            {"to_version": 10**40},
            "version 10000000000000000000000000000000000000000 does not "
            "exist: the control plane is at version 3",
        ),
    ],
)
def test_a_bad_to_version_is_a_400_on_that_field(
    owner_api: APIClient, history: ControlPlane, body: dict[str, Any], problem: str
) -> None:
    response = owner_api.post(url(history), body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["fields"] == {"to_version": problem}


def test_a_bad_dry_run_flag_is_a_400(owner_api: APIClient, history: ControlPlane) -> None:
    response = owner_api.post(url(history, "?dry_run=maybe"), {"to_version": 1}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "dry_run must be true or false"


def test_a_body_that_is_not_an_object_is_a_400(owner_api: APIClient, history: ControlPlane) -> None:
    response = owner_api.post(url(history), [1], format="json")
    assert response.status_code == 400
    assert head(history)[0] == 3


def test_the_endpoint_is_documented(owner_api: APIClient) -> None:
    document = owner_api.get("/v2/openapi.json").json()
    operation = document["paths"]["/v2/control-planes/{cp_id}/revert"]["post"]
    assert operation["operationId"] == "revert_post"
    assert {p["name"] for p in operation["parameters"]} == {"cp_id", "dry_run"}
    assert "200" in operation["responses"] and "403" in operation["responses"]
