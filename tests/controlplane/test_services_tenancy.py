"""Organizations, users and their one role per organization."""

import pytest

from controlplane.errors import Conflict, NotFound, SchemaViolationError
from controlplane.models import Membership, Organization, Role, User
from controlplane.services.tenancy import (
    add_member,
    change_role,
    create_org,
    create_user,
    remove_member,
)


def test_create_org_makes_the_organization_and_its_admin(db: object) -> None:
    org, user = create_org("acme", admin_email="Alice@Acme.test", admin_password="pw")
    assert user.email == "alice@acme.test"
    assert user.check_password("pw")
    assert Membership.objects.get(organization=org, user=user).role == Role.ADMIN


def test_create_org_again_changes_nothing(db: object) -> None:
    first = create_org("acme", admin_email="alice@acme.test", admin_password="pw")
    second = create_org("acme", admin_email="alice@acme.test", admin_password="other")
    assert first == second
    assert (Organization.objects.count(), User.objects.count(), Membership.objects.count()) == (
        1,
        1,
        1,
    )
    assert second[1].check_password("pw")  # an existing user keeps their password


def test_create_org_keeps_an_existing_members_role(org: Organization, charlie: User) -> None:
    create_org("acme", admin_email="charlie@acme.test", admin_password="pw")
    assert Membership.objects.get(organization=org, user=charlie).role == Role.VIEWER


def test_an_existing_user_may_be_the_admin_of_a_second_organization(org: Organization) -> None:
    second, user = create_org("initech", admin_email="alice@acme.test", admin_password="new")
    assert user.memberships.count() == 2
    assert user.check_password("pw-alice")
    assert Membership.objects.get(organization=second, user=user).role == Role.ADMIN


@pytest.mark.parametrize("name", ["", "   "])
def test_an_organization_needs_a_name(db: object, name: str) -> None:
    with pytest.raises(SchemaViolationError):
        create_org(name, admin_email="a@b.test", admin_password="pw")
    assert not Organization.objects.exists()


def test_user_emails_are_unique_regardless_of_case(org: Organization) -> None:
    with pytest.raises(Conflict):
        create_user("ALICE@acme.test", "pw")


def test_a_member_has_one_role_per_organization(org: Organization, charlie: User) -> None:
    with pytest.raises(Conflict):
        add_member(org, "charlie@acme.test", Role.EDITOR)
    assert Membership.objects.get(organization=org, user=charlie).role == Role.VIEWER


def test_adding_an_unknown_user_is_not_found(org: Organization) -> None:
    with pytest.raises(NotFound):
        add_member(org, "nobody@acme.test", Role.VIEWER)


def test_a_role_must_be_admin_editor_or_viewer(org: Organization) -> None:
    create_user("dan@acme.test", "pw")
    with pytest.raises(SchemaViolationError) as caught:
        add_member(org, "dan@acme.test", "owner")
    assert caught.value.fields == {"role": "expected one of: admin, editor, viewer"}


def test_roles_decide_what_a_member_may_do(org: Organization) -> None:
    for role, can_write, is_admin in [
        (Role.ADMIN, True, True),
        (Role.EDITOR, True, False),
        (Role.VIEWER, False, False),
    ]:
        membership = Membership(organization=org, role=role)
        assert (membership.can_write, membership.is_admin) == (can_write, is_admin)


def test_the_last_admin_cannot_be_demoted_or_removed(org: Organization, alice: User) -> None:
    membership = Membership.objects.get(organization=org, user=alice)
    with pytest.raises(Conflict):
        change_role(membership, Role.VIEWER)
    with pytest.raises(Conflict):
        remove_member(membership)
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_an_admin_may_step_down_when_another_admin_remains(
    org: Organization, alice: User, charlie: User
) -> None:
    change_role(Membership.objects.get(organization=org, user=charlie), Role.ADMIN)
    change_role(Membership.objects.get(organization=org, user=alice), Role.EDITOR)
    assert Membership.objects.get(organization=org, user=alice).role == Role.EDITOR


def test_removing_a_member_removes_only_that_membership(org: Organization, charlie: User) -> None:
    remove_member(Membership.objects.get(organization=org, user=charlie))
    assert not Membership.objects.filter(user=charlie).exists()
    assert User.objects.filter(pk=charlie.pk).exists()
