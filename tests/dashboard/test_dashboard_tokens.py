"""Personal access tokens: shown once when created, listed, revoked."""

from django.test import Client

from controlplane.models import Organization, PersonalAccessToken, User
from controlplane.services.tokens import authenticate_token, create_token


def test_a_new_token_is_shown_once_and_works(alice_client: Client) -> None:
    page = alice_client.post(
        "/tokens/create/", {"name": "deck-ci", "expires_in_days": "30"}
    ).content.decode()
    secret = page.split("data-copy-source>")[1].split("<")[0]
    assert secret.startswith("kpat_") and "shown only once" in page
    token = authenticate_token(secret)
    assert token is not None and token.name == "deck-ci" and token.expires_at is not None
    assert secret not in alice_client.get("/tokens/").content.decode()


def test_tokens_are_listed_with_their_prefix_and_status(
    alice: User, org: Organization, alice_client: Client
) -> None:
    token, _ = create_token(alice, org, name="laptop")
    page = alice_client.get("/tokens/").content.decode()
    assert "laptop" in page and token.display_prefix in page and ">active<" in page


def test_a_token_can_be_revoked(alice: User, org: Organization, alice_client: Client) -> None:
    token, secret = create_token(alice, org, name="laptop")
    response = alice_client.post(f"/tokens/{token.pk}/revoke/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == "/tokens/"
    assert authenticate_token(secret) is None
    assert ">revoked<" in alice_client.get("/tokens/").content.decode()


def test_a_token_needs_a_name(alice_client: Client) -> None:
    response = alice_client.post("/tokens/create/", {"name": ""})
    assert response.status_code == 400 and not PersonalAccessToken.objects.exists()


def test_viewers_may_hold_their_own_tokens(charlie_client: Client) -> None:
    page = charlie_client.post("/tokens/create/", {"name": "read-only"}).content.decode()
    assert "kpat_" in page


def test_another_users_token_is_not_found(
    charlie: User, org: Organization, alice_client: Client
) -> None:
    token, secret = create_token(charlie, org, name="charlies")
    assert alice_client.post(f"/tokens/{token.pk}/revoke/").status_code == 404
    assert authenticate_token(secret) is not None
    assert "charlies" not in alice_client.get("/tokens/").content.decode()


def test_another_organizations_token_is_not_found(
    bob: User, other_org: Organization, alice_client: Client
) -> None:
    token, secret = create_token(bob, other_org, name="bobs")
    assert alice_client.post(f"/tokens/{token.pk}/revoke/").status_code == 404
    assert authenticate_token(secret) is not None


def test_anonymous_visitors_are_sent_to_sign_in(db: None) -> None:
    assert Client().get("/tokens/").status_code == 302
    assert Client().post("/tokens/create/", {"name": "x"}).status_code == 302
    assert not PersonalAccessToken.objects.exists()
