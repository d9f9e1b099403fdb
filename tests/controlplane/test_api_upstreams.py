"""Upstreams and their targets, and key sets and their keys, nested as Kong nests them."""

import json
from collections.abc import Callable

from rest_framework.test import APIClient

from controlplane.models import ConfigVersion, ControlPlane

Url = Callable[[str], str]


def test_requires_auth(core: Url) -> None:
    assert APIClient().get(core("/upstreams/u/targets")).status_code == 401


def test_hides_other_orgs(owner_api: APIClient, outsider_api: APIClient, core: Url) -> None:
    owner_api.post(core("/upstreams"), {"name": "u.internal"}, format="json")
    assert outsider_api.get(core("/upstreams/u.internal/targets")).status_code == 404


def test_refuses_viewers(owner_api: APIClient, viewer_api: APIClient, core: Url) -> None:
    owner_api.post(core("/upstreams"), {"name": "u.internal"}, format="json")
    response = viewer_api.post(core("/upstreams/u.internal/targets"), {"target": "10.0.0.1"})
    assert response.status_code == 403


def test_a_target_is_created_under_its_upstream(owner_api: APIClient, core: Url) -> None:
    upstream = owner_api.post(core("/upstreams"), {"name": "u.internal"}, format="json").json()
    response = owner_api.post(
        core("/upstreams/u.internal/targets"), {"target": "10.0.0.1", "weight": 50}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["upstream"] == {"id": upstream["id"]}
    assert body["target"] == "10.0.0.1:8000"
    listed = owner_api.get(core("/upstreams/u.internal/targets")).json()["data"]
    assert [t["target"] for t in listed] == ["10.0.0.1:8000"]


def test_targets_are_deleted_with_their_upstream_in_one_version(
    owner_api: APIClient, core: Url, cp: ControlPlane
) -> None:
    owner_api.post(core("/upstreams"), {"name": "u.internal"}, format="json")
    for address in ("10.0.0.1:80", "10.0.0.2:80"):
        owner_api.post(core("/upstreams/u.internal/targets"), {"target": address}, format="json")
    assert owner_api.delete(core("/upstreams/u.internal")).status_code == 204
    assert owner_api.get(core("/targets")).json()["data"] == []
    cp.refresh_from_db()
    last = ConfigVersion.objects.get(control_plane=cp, version=cp.config_version)
    assert sorted(c.entity_type for c in last.changes.all()) == ["targets", "targets", "upstreams"]


def test_a_target_of_another_upstream_is_404(owner_api: APIClient, core: Url) -> None:
    owner_api.post(core("/upstreams"), {"name": "a.internal"}, format="json")
    owner_api.post(core("/upstreams"), {"name": "b.internal"}, format="json")
    target = owner_api.post(
        core("/upstreams/a.internal/targets"), {"target": "10.0.0.1:80"}, format="json"
    ).json()
    assert owner_api.get(core(f"/upstreams/b.internal/targets/{target['id']}")).status_code == 404


def test_a_key_is_created_under_its_key_set_and_goes_with_it(
    owner_api: APIClient, core: Url
) -> None:
    key_set = owner_api.post(core("/key-sets"), {"name": "signing"}, format="json").json()
    jwk = json.dumps({"kty": "oct", "kid": "k1", "k": "c2VjcmV0"})
    response = owner_api.post(
        core("/key-sets/signing/keys"), {"name": "k1", "kid": "k1", "jwk": jwk}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["set"] == {"id": key_set["id"]}
    assert [k["name"] for k in owner_api.get(core("/key-sets/signing/keys")).json()["data"]] == [
        "k1"
    ]
    assert owner_api.delete(core("/key-sets/signing")).status_code == 204
    assert owner_api.get(core("/keys")).json()["data"] == []
