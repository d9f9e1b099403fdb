"""Signing in and out, and the organization switcher."""

from django.test import Client

from controlplane.models import Organization, Role, User
from controlplane.services.control_planes import create_control_plane
from controlplane.services.tenancy import add_member


def test_anonymous_visitors_are_sent_to_sign_in(db: None) -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/")


def test_sign_in_page_asks_for_email_and_password(db: None) -> None:
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content and b'type="email"' in response.content
    assert b'name="password"' in response.content


def test_signing_in_with_email_and_password_opens_the_dashboard(alice: User) -> None:
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "alice@acme.test", "password": "pw-alice"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_wrong_password_is_refused_with_a_message(alice: User) -> None:
    response = Client().post(
        "/accounts/login/", {"username": "alice@acme.test", "password": "nope"}
    )
    assert response.status_code == 200
    assert b"Please enter a correct" in response.content


def test_signing_out_ends_the_session(alice_client: Client) -> None:
    response = alice_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert alice_client.get("/").status_code == 302


def test_signing_out_needs_a_post(alice_client: Client) -> None:
    assert alice_client.get("/accounts/logout/").status_code == 405


def test_the_switcher_lists_every_organization_of_the_user(
    alice: User, alice_client: Client, other_org: Organization
) -> None:
    add_member(other_org, alice.email, Role.VIEWER)
    page = alice_client.get("/").content.decode()
    assert ">acme</option>" in page and ">globex</option>" in page


def test_switching_organization_shows_its_control_planes(
    alice: User, alice_client: Client, other_org: Organization
) -> None:
    add_member(other_org, alice.email, Role.VIEWER)
    create_control_plane(other_org, name="globex-prod")
    response = alice_client.post("/organization/switch/", {"org_id": str(other_org.pk)})
    assert response.status_code == 302
    assert alice_client.session["org_id"] == str(other_org.pk)
    page = alice_client.get("/").content.decode()
    assert "globex-prod" in page
    assert "New control plane" not in page  # a viewer there


def test_switching_to_an_organization_one_is_not_in_is_not_found(
    alice_client: Client, other_org: Organization
) -> None:
    response = alice_client.post("/organization/switch/", {"org_id": str(other_org.pk)})
    assert response.status_code == 404
    assert "org_id" not in alice_client.session


def test_switching_by_htmx_tells_the_page_to_navigate(
    alice_client: Client, org: Organization
) -> None:
    response = alice_client.post(
        "/organization/switch/", {"org_id": str(org.pk)}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/"


def test_a_user_without_an_organization_is_told_what_to_do(db: None) -> None:
    loner = User.objects.create_user("loner@example.test", "pw")
    client = Client()
    client.force_login(loner)
    response = client.get("/")
    assert response.status_code == 403
    assert b"not in an organization yet" in response.content


def test_a_stale_session_organization_falls_back_to_a_current_one(
    alice: User, alice_client: Client, other_org: Organization
) -> None:
    session = alice_client.session
    session["org_id"] = str(other_org.pk)
    session.save()
    assert alice_client.get("/").status_code == 200


def test_the_page_carries_the_csrf_token_for_htmx(alice_client: Client) -> None:
    page = alice_client.get("/").content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in page


def test_vendored_htmx_is_served_without_a_cdn(alice_client: Client) -> None:
    page = alice_client.get("/").content.decode()
    assert (
        "/static/vendor/htmx-2.0.11.min.js" in page
        and "/static/vendor/htmx-ext-ws-2.0.4.min.js" in page
    )
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()
    response = Client().get("/static/vendor/htmx-ext-ws-2.0.4.min.js")
    assert response.status_code == 200
    assert b'defineExtension("ws"' in b"".join(response.streaming_content)  # type: ignore[attr-defined]
