"""Members, for admins: add an existing user, change a role, remove a member."""

from django.test import Client

from controlplane.models import Membership, Organization, Role, User
from controlplane.services.tenancy import create_user


def test_admins_see_the_members_and_their_roles(alice_client: Client, charlie: User) -> None:
    page = alice_client.get("/members/").content.decode()
    assert "alice@acme.test" in page and "charlie@acme.test" in page
    assert '<option value="viewer" selected>' in page


def test_an_admin_adds_an_existing_user_by_email(alice_client: Client, org: Organization) -> None:
    create_user("dana@acme.test", "pw")
    response = alice_client.post("/members/add/", {"email": "dana@acme.test", "role": "editor"})
    assert response.status_code == 302
    assert (
        Membership.objects.get(user__email="dana@acme.test", organization=org).role == Role.EDITOR
    )


def test_adding_an_unknown_email_says_so(alice_client: Client) -> None:
    response = alice_client.post("/members/add/", {"email": "nobody@acme.test", "role": "viewer"})
    assert response.status_code == 400 and b"no user with email" in response.content


def test_adding_a_member_twice_says_so(alice_client: Client, charlie: User) -> None:
    response = alice_client.post("/members/add/", {"email": "charlie@acme.test", "role": "viewer"})
    assert response.status_code == 400 and b"already a member" in response.content


def test_an_admin_changes_a_role(alice_client: Client, charlie: User) -> None:
    member = Membership.objects.get(user=charlie)
    alice_client.post(f"/members/{member.pk}/role/", {"role": "editor"}, HTTP_HX_REQUEST="true")
    member.refresh_from_db()
    assert member.role == Role.EDITOR


def test_the_last_admin_cannot_step_down(alice: User, alice_client: Client) -> None:
    member = Membership.objects.get(user=alice)
    response = alice_client.post(f"/members/{member.pk}/role/", {"role": "viewer"}, follow=True)
    assert "must keep at least one admin" in response.content.decode()
    member.refresh_from_db()
    assert member.role == Role.ADMIN


def test_an_admin_removes_a_member(alice_client: Client, charlie: User) -> None:
    member = Membership.objects.get(user=charlie)
    alice_client.post(f"/members/{member.pk}/remove/")
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_non_admins_see_no_members_page_and_are_refused(
    charlie_client: Client, alice: User
) -> None:
    assert "/members/" not in charlie_client.get("/").content.decode()
    member = Membership.objects.get(user=alice)
    assert charlie_client.get("/members/").status_code == 403
    assert (
        charlie_client.post("/members/add/", {"email": "x@y.z", "role": "admin"}).status_code == 403
    )
    assert charlie_client.post(f"/members/{member.pk}/role/", {"role": "viewer"}).status_code == 403
    assert charlie_client.post(f"/members/{member.pk}/remove/").status_code == 403
    assert Membership.objects.get(pk=member.pk).role == Role.ADMIN


def test_another_organizations_members_are_not_found(bob_client: Client, charlie: User) -> None:
    member = Membership.objects.get(user=charlie)
    assert bob_client.post(f"/members/{member.pk}/remove/").status_code == 404
    assert bob_client.post(f"/members/{member.pk}/role/", {"role": "admin"}).status_code == 404
    assert "charlie" not in bob_client.get("/members/").content.decode()
    assert Membership.objects.filter(pk=member.pk, role=Role.VIEWER).exists()


def test_anonymous_visitors_are_sent_to_sign_in(db: None) -> None:
    assert Client().get("/members/").status_code == 302
