"""Kong Admin API semantics for services, routes, consumers and plugins."""

from collections.abc import Callable

from rest_framework.test import APIClient

from controlplane.models import ConfigVersion, ControlPlane

Url = Callable[[str], str]


def test_requires_auth(core: Url) -> None:
    response = APIClient().get(core("/services"))
    assert response.status_code == 401
    assert response.json()["name"] == "unauthorized"


def test_creating_a_service_answers_201_with_kong_defaults(owner_api: APIClient, core: Url) -> None:
    response = owner_api.post(core("/services"), {"name": "billing", "url": "https://billing.internal:8443/v1"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["protocol"] == "https"
    assert body["host"] == "billing.internal"
    assert body["port"] == 8443
    assert body["path"] == "/v1"
    assert body["retries"] == 5
    assert body["connect_timeout"] == 60000
    assert isinstance(body["created_at"], int)


def test_a_service_can_be_fetched_by_id_or_by_name(owner_api: APIClient, core: Url) -> None:
    created = owner_api.post(core("/services"), {"name": "billing", "host": "b.internal"}, format="json").json()
    assert owner_api.get(core("/services/billing")).json()["id"] == created["id"]
    assert owner_api.get(core(f"/services/{created['id']}")).json()["name"] == "billing"


def test_a_route_may_reference_its_service_by_name(owner_api: APIClient, core: Url) -> None:
    service = owner_api.post(core("/services"), {"name": "billing", "host": "b.internal"}, format="json").json()
    response = owner_api.post(core("/routes"), {"name": "r1", "paths": ["/bill"], "service": {"name": "billing"}}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["service"] == {"id": service["id"]}


def test_deleting_a_referenced_service_is_refused(owner_api: APIClient, core: Url, cp: ControlPlane) -> None:
    owner_api.post(core("/services"), {"name": "billing", "host": "b.internal"}, format="json")
    owner_api.post(core("/services/billing/routes"), {"paths": ["/bill"]}, format="json")
    response = owner_api.delete(core("/services/billing"))
    assert response.status_code == 400
    assert response.json()["name"] == "referenced by others"
    assert owner_api.get(core("/services/billing")).status_code == 200


def test_a_cascade_is_one_version_with_several_changes(owner_api: APIClient, core: Url, cp: ControlPlane) -> None:
    owner_api.post(core("/services"), {"name": "billing", "host": "b.internal"}, format="json")
    route = owner_api.post(core("/services/billing/routes"), {"name": "r", "paths": ["/bill"]}, format="json").json()
    owner_api.post(core("/routes/r/plugins"), {"name": "key-auth"}, format="json")
    assert owner_api.delete(core(f"/routes/{route['id']}")).status_code == 204
    cp.refresh_from_db()
    last = ConfigVersion.objects.get(control_plane=cp, version=cp.config_version)
    assert [c.op for c in last.changes.all()] == ["delete", "delete"]
    assert sorted(c.entity_type for c in last.changes.all()) == ["plugins", "routes"]
