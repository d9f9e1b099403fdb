"""``/v2/personal-access-tokens``: a member's own tokens, shown once, revocable."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from controlplane.models import Organization, PersonalAccessToken, User
from controlplane.secrets import hash_secret
from controlplane.services.tokens import create_token

TOKENS = "/v2/personal-access-tokens"


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_creating_a_token_shows_the_secret_once(owner_api: APIClient, alice: User) -> None:
    response = owner_api.post(TOKENS, {"name": "ci"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["token"].startswith("kpat_")
    assert body["display_prefix"] == body["token"][:10]
    assert (body["name"], body["active"], body["expires_at"]) == ("ci", True, None)
    assert "token" not in owner_api.get(f"{TOKENS}/{body['id']}").json()
    assert all("token" not in t for t in owner_api.get(TOKENS).json()["data"])


def test_only_the_hash_of_a_token_is_stored(owner_api: APIClient) -> None:
    body = owner_api.post(TOKENS, {"name": "ci"}, format="json").json()
    stored = PersonalAccessToken.objects.get(pk=body["id"])
    assert stored.token_hash == hash_secret(body["token"])
    assert body["token"] not in {str(v) for v in stored.__dict__.values()}


def test_a_new_token_works_as_a_bearer_token(owner_api: APIClient) -> None:
    secret = owner_api.post(TOKENS, {"name": "ci"}, format="json").json()["token"]
    assert bearer(secret).get("/v2/control-planes").status_code == 200


def test_a_token_may_expire(owner_api: APIClient) -> None:
    body = owner_api.post(TOKENS, {"name": "ci", "expires_in_days": 30}, format="json").json()
    expires = PersonalAccessToken.objects.get(pk=body["id"]).expires_at
    assert expires is not None
    assert timedelta(days=29) < expires - timezone.now() <= timedelta(days=30)


def test_an_expired_token_is_refused(alice: User, org: Organization) -> None:
    token, secret = create_token(alice, org, name="old", expires_in_days=1)
    PersonalAccessToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = bearer(secret).get("/v2/control-planes")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_the_list_shows_only_the_callers_own_tokens(
    owner_api: APIClient, viewer_api: APIClient
) -> None:
    owner_api.post(TOKENS, {"name": "mine"}, format="json")
    viewer_api.post(TOKENS, {"name": "theirs"}, format="json")
    names = sorted(t["name"] for t in owner_api.get(TOKENS).json()["data"])
    assert names == ["mine", "test"]  # "test" is the fixture's own token


def test_another_users_token_is_404(owner_api: APIClient, viewer_api: APIClient) -> None:
    theirs = viewer_api.post(TOKENS, {"name": "theirs"}, format="json").json()
    assert owner_api.get(f"{TOKENS}/{theirs['id']}").status_code == 404
    assert owner_api.delete(f"{TOKENS}/{theirs['id']}").status_code == 404
    assert bearer(theirs["token"]).get("/v2/control-planes").status_code == 200


def test_deleting_a_token_revokes_it(owner_api: APIClient) -> None:
    body = owner_api.post(TOKENS, {"name": "ci"}, format="json").json()
    assert owner_api.delete(f"{TOKENS}/{body['id']}").status_code == 204
    assert bearer(body["token"]).get("/v2/control-planes").status_code == 401
    shown = owner_api.get(f"{TOKENS}/{body['id']}").json()
    assert shown["active"] is False and shown["revoked_at"] is not None


def test_revoking_twice_is_harmless(owner_api: APIClient) -> None:
    body = owner_api.post(TOKENS, {"name": "ci"}, format="json").json()
    owner_api.delete(f"{TOKENS}/{body['id']}")
    assert owner_api.delete(f"{TOKENS}/{body['id']}").status_code == 204


def test_a_token_may_revoke_itself(alice: User, org: Organization) -> None:
    token, secret = create_token(alice, org, name="self")
    client = bearer(secret)
    assert client.delete(f"{TOKENS}/{token.pk}").status_code == 204
    assert client.get(TOKENS).status_code == 401


def test_a_viewer_may_hold_tokens_but_they_stay_read_only(
    viewer_api: APIClient, cp: object
) -> None:
    # A token acts as its user: creating one is every member's right, writing is not.
    secret = viewer_api.post(TOKENS, {"name": "mine"}, format="json").json()["token"]
    client = bearer(secret)
    assert client.get("/v2/control-planes").status_code == 200
    assert client.post("/v2/control-planes", {"name": "x"}, format="json").status_code == 403


def test_a_form_encoded_token_request_works(owner_api: APIClient) -> None:
    response = owner_api.post(
        TOKENS, "name=ci&expires_in_days=7", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["expires_at"] is not None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": 5}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "ci", "expires_in_days": 0}, "expires_in_days"),
        ({"name": "ci", "expires_in_days": "soon"}, "expires_in_days"),
        ({"name": "ci", "expires_in_days": True}, "expires_in_days"),
        ({"name": "ci", "expires_in_days": 1.5}, "expires_in_days"),
        ({"name": "ci", "expires_in_days": 99999999999}, "expires_in_days"),
    ],
)
def test_a_bad_token_request_is_400(
    owner_api: APIClient, body: dict[str, object], field: str
) -> None:
    before = PersonalAccessToken.objects.count()
    response = owner_api.post(TOKENS, body, format="json")
    assert response.status_code == 400, response.json()
    assert list(response.json()["fields"]) == [field]
    assert PersonalAccessToken.objects.count() == before


@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer ", "Basic abc", "Bearer kpat_nope", "Token x"]
)
def test_a_bad_authorization_header_is_401(header: str, db: object) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/v2/control-planes")
    assert response.status_code == 401
    assert response.json()["name"] == "unauthorized"


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_token_list_requires_auth(method: str, db: object) -> None:
    response = getattr(APIClient(), method)(TOKENS, {"name": "x"}, format="json")
    assert response.status_code == 401
    assert not PersonalAccessToken.objects.exists()


@pytest.mark.parametrize("method", ["get", "delete"])
def test_a_token_requires_auth(owner_api: APIClient, method: str) -> None:
    token_id = owner_api.get(TOKENS).json()["data"][0]["id"]
    assert getattr(APIClient(), method)(f"{TOKENS}/{token_id}").status_code == 401
    assert PersonalAccessToken.objects.get(pk=token_id).revoked_at is None


def test_tokens_of_another_organization_are_404(
    owner_api: APIClient, outsider_api: APIClient
) -> None:
    token_id = owner_api.get(TOKENS).json()["data"][0]["id"]
    assert outsider_api.get(f"{TOKENS}/{token_id}").status_code == 404
    assert outsider_api.delete(f"{TOKENS}/{token_id}").status_code == 404
    assert PersonalAccessToken.objects.get(pk=token_id).revoked_at is None
    assert token_id not in str(outsider_api.get(TOKENS).json())


def test_a_token_only_reaches_its_own_organization(
    alice: User, org: Organization, other_org: Organization, cp: object
) -> None:
    # alice joins globex too; her acme token still sees only acme.
    from controlplane.models import ControlPlane, Role
    from controlplane.services.control_planes import create_control_plane
    from controlplane.services.tenancy import add_member

    add_member(other_org, alice.email, Role.ADMIN)
    theirs = create_control_plane(other_org, name="globex-cp")
    _, secret = create_token(alice, org, name="acme-only")
    client = bearer(secret)
    assert client.get(f"/v2/control-planes/{theirs.pk}").status_code == 404
    names = [c["name"] for c in client.get("/v2/control-planes").json()["data"]]
    assert names == [ControlPlane.objects.get(organization=org).name]
