"""Every endpoint's tenancy rules: it requires auth (401), hides other organizations (404,
never 403, never their data) and refuses viewers' writes (403), changing nothing."""

import uuid
from typing import Any

import pytest
from rest_framework.test import APIClient

from controlplane.models import ConfigVersion, ControlPlane, Entity, Organization, Role
from controlplane.services.entities import create_entity
from controlplane.services.tenancy import add_member, create_user
from tests.conftest import api_client

CORE = "/core-entities"

READS = [
    "",
    "/changes",
    f"{CORE}/services",
    f"{CORE}/services/s",
    f"{CORE}/services/s/routes",
    f"{CORE}/services/s/routes/r",
    f"{CORE}/services/s/plugins",
    f"{CORE}/routes",
    f"{CORE}/routes/r",
    f"{CORE}/routes/r/plugins",
    f"{CORE}/routes/r/plugins/p",
    f"{CORE}/routes/r/service",
    f"{CORE}/consumers",
    f"{CORE}/consumers/c",
    f"{CORE}/consumers/c/plugins",
    f"{CORE}/plugins",
    f"{CORE}/plugins/p",
]

CONTROL_PLANE_WRITES = [
    ("patch", "", {"description": "x"}),
    ("delete", "", None),
]

# In an order the owner can run one after the other: deletions last.
ENTITY_WRITES = [
    ("post", f"{CORE}/services", {"name": "new", "host": "h"}),
    ("put", f"{CORE}/services/s", {"host": "other"}),
    ("put", f"{CORE}/services/new", {"host": "h"}),
    ("patch", f"{CORE}/services/s", {"port": 1}),
    ("post", f"{CORE}/services/s/routes", {"paths": ["/n"]}),
    ("post", f"{CORE}/services/s/plugins", {"name": "cors"}),
    ("post", f"{CORE}/routes/r/plugins", {"name": "key-auth"}),
    ("post", f"{CORE}/consumers/c/plugins", {"name": "rate-limiting", "config": {"hour": 1}}),
    ("patch", f"{CORE}/routes/r/service", {"port": 2}),
    ("put", f"{CORE}/services/s/routes/r", {"paths": ["/x"]}),
    ("patch", f"{CORE}/services/s/routes/r", {"paths": ["/y"]}),
    ("delete", f"{CORE}/plugins/p", None),
    ("delete", f"{CORE}/consumers/c", None),
    ("delete", f"{CORE}/services/s/routes/r", None),
]

WRITES = CONTROL_PLANE_WRITES + ENTITY_WRITES


@pytest.fixture
def world(cp: ControlPlane) -> str:
    """A control plane holding one of each entity; returns its base URL."""
    create_entity(cp, "services", {"name": "s", "host": "h"}, actor="t")
    create_entity(cp, "routes", {"name": "r", "paths": ["/"], "service": "s"}, actor="t")
    create_entity(cp, "consumers", {"username": "c"}, actor="t")
    create_entity(cp, "plugins", {"name": "cors", "instance_name": "p", "route": "r"}, actor="t")
    return f"/v2/control-planes/{cp.pk}"


def snapshot(cp: ControlPlane) -> tuple[Any, ...]:
    cp.refresh_from_db()
    rows = sorted((e.entity_type, str(e.entity_id), str(e.data)) for e in Entity.objects.all())
    return cp.name, cp.description, cp.config_version, ConfigVersion.objects.count(), rows


def call(api: APIClient, method: str, url: str, body: Any = None) -> Any:
    return (
        getattr(api, method)(url, body, format="json")
        if body is not None
        else getattr(api, method)(url)
    )


@pytest.mark.parametrize("path", READS)
def test_reads_require_auth(world: str, path: str) -> None:
    response = APIClient().get(world + path)
    assert response.status_code == 401
    assert response.json()["code"] == 401


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_writes_require_auth(
    world: str, cp: ControlPlane, method: str, path: str, body: Any
) -> None:
    before = snapshot(cp)
    assert call(APIClient(), method, world + path, body).status_code == 401
    assert snapshot(cp) == before


@pytest.mark.parametrize("path", READS)
def test_reads_hide_other_organizations(outsider_api: APIClient, world: str, path: str) -> None:
    response = outsider_api.get(world + path)
    assert response.status_code == 404
    assert response.json() == {"code": 6, "name": "not found", "message": "control plane not found"}


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_writes_hide_other_organizations(
    outsider_api: APIClient, world: str, cp: ControlPlane, method: str, path: str, body: Any
) -> None:
    before = snapshot(cp)
    response = call(outsider_api, method, world + path, body)
    assert response.status_code == 404
    assert response.json()["code"] == 6
    assert snapshot(cp) == before


def test_an_existing_control_plane_of_another_org_looks_like_a_missing_one(
    outsider_api: APIClient, world: str
) -> None:
    theirs = outsider_api.get(f"{world}{CORE}/services/s")
    missing = outsider_api.get(f"/v2/control-planes/{uuid.uuid4()}{CORE}/services/s")
    assert (theirs.status_code, theirs.json()) == (missing.status_code, missing.json())


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_a_viewer_of_another_org_gets_404_not_403(
    other_org: Organization, world: str, cp: ControlPlane, method: str, path: str, body: Any
) -> None:
    dave = create_user("dave@globex.test", "pw-dave")
    add_member(other_org, dave.email, Role.VIEWER)
    before = snapshot(cp)
    response = call(api_client(dave, other_org), method, world + path, body)
    assert response.status_code == 404
    assert snapshot(cp) == before


def test_the_control_plane_list_shows_nothing_of_other_organizations(
    outsider_api: APIClient, world: str, cp: ControlPlane
) -> None:
    body = outsider_api.get("/v2/control-planes").json()
    assert str(cp.pk) not in str(body)
    assert body["data"] == []


@pytest.mark.parametrize("path", READS)
def test_viewers_may_read(viewer_api: APIClient, world: str, path: str) -> None:
    assert viewer_api.get(world + path).status_code == 200


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_viewers_writes_are_refused(
    viewer_api: APIClient, world: str, cp: ControlPlane, method: str, path: str, body: Any
) -> None:
    before = snapshot(cp)
    response = call(viewer_api, method, world + path, body)
    assert response.status_code == 403
    assert response.json() == {
        "code": 403,
        "name": "forbidden",
        "message": response.json()["message"],
    }
    assert snapshot(cp) == before


def test_a_viewer_cannot_create_a_control_plane(viewer_api: APIClient, org: Organization) -> None:
    response = viewer_api.post("/v2/control-planes", {"name": "x"}, format="json")
    assert response.status_code == 403
    assert not ControlPlane.objects.filter(name="x").exists()


def test_the_owner_may_do_every_write(owner_api: APIClient, world: str) -> None:
    for method, path, body in ENTITY_WRITES:
        response = call(owner_api, method, world + path, body)
        assert response.status_code in (200, 201, 204), (method, path, response.json())


def test_a_removed_member_loses_access(
    owner_api: APIClient, viewer_api: APIClient, world: str, charlie: Any, org: Organization
) -> None:
    from controlplane.models import Membership
    from controlplane.services.tenancy import remove_member

    remove_member(Membership.objects.get(user=charlie, organization=org))
    assert viewer_api.get(world).status_code == 404
    assert owner_api.get(world).status_code == 200
