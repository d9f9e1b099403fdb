"""Credentials nested under consumers, as Kong's auth plugins define them."""

from collections.abc import Callable

from rest_framework.test import APIClient

Url = Callable[[str], str]


def test_a_key_auth_credential_is_created_under_its_consumer(
    owner_api: APIClient, core: Url
) -> None:
    consumer = owner_api.post(core("/consumers"), {"username": "ann"}, format="json").json()
    response = owner_api.post(core("/consumers/ann/key-auth"), {"key": "secret-1"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["consumer"] == {"id": consumer["id"]} and body["key"] == "secret-1"
    assert "updated_at" not in body and isinstance(body["created_at"], int)
    listed = owner_api.get(core("/consumers/ann/key-auth")).json()["data"]
    assert [c["key"] for c in listed] == ["secret-1"]


def test_a_duplicate_key_is_a_unique_violation(owner_api: APIClient, core: Url) -> None:
    owner_api.post(core("/consumers"), {"username": "ann"}, format="json")
    owner_api.post(core("/consumers"), {"username": "bea"}, format="json")
    owner_api.post(core("/consumers/ann/key-auth"), {"key": "k"}, format="json")
    response = owner_api.post(core("/consumers/bea/key-auth"), {"key": "k"}, format="json")
    assert response.status_code == 409
    assert response.json()["name"] == "unique constraint violation"


def test_a_basic_auth_password_is_stored_hashed(owner_api: APIClient, core: Url) -> None:
    owner_api.post(core("/consumers"), {"username": "ann"}, format="json")
    body = owner_api.post(
        core("/consumers/ann/basic-auth"), {"username": "ann", "password": "hunter2"}, format="json"
    ).json()
    assert body["password"] != "hunter2" and len(body["password"]) == 40


def test_credentials_go_with_their_consumer(owner_api: APIClient, core: Url) -> None:
    owner_api.post(core("/consumers"), {"username": "ann"}, format="json")
    owner_api.post(core("/consumers/ann/key-auth"), {}, format="json")
    owner_api.post(core("/consumers/ann/acls"), {"group": "admins"}, format="json")
    assert owner_api.delete(core("/consumers/ann")).status_code == 204
    assert owner_api.get(core("/key-auths")).json()["data"] == []
    assert owner_api.get(core("/acls")).json()["data"] == []
