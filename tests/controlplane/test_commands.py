"""``manage.py create_org`` and ``manage.py create_token``."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from controlplane.models import Membership, Organization, PersonalAccessToken, Role, User
from controlplane.services.tokens import authenticate_token


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_org_creates_the_organization_and_its_admin(db: Any) -> None:
    out, _ = run("create_org", "acme", "--admin-email", "alice@acme.test", "--admin-password", "pw")
    org = Organization.objects.get(name="acme")
    user = User.objects.get(email="alice@acme.test")
    assert user.check_password("pw")
    assert Membership.objects.get(organization=org, user=user).role == Role.ADMIN
    assert str(org.pk) in out and "alice@acme.test" in out


def test_create_org_run_again_changes_nothing(db: Any) -> None:
    args = ("create_org", "acme", "--admin-email", "alice@acme.test", "--admin-password", "pw")
    first, _ = run(*args)
    rows = (Organization.objects.count(), User.objects.count(), Membership.objects.count())
    second, _ = run(*args[:-1], "changed")
    assert second == first
    assert (Organization.objects.count(), User.objects.count(), Membership.objects.count()) == rows
    assert User.objects.get().check_password("pw")


def test_create_org_needs_its_arguments(db: Any) -> None:
    with pytest.raises(CommandError):
        run("create_org", "acme", "--admin-email", "alice@acme.test")
    with pytest.raises(CommandError):
        run("create_org", " ", "--admin-email", "a@b.test", "--admin-password", "pw")
    assert not Organization.objects.exists()


def test_create_token_prints_only_the_token(org: Organization, alice: User) -> None:
    out, err = run("create_token", "--email", "alice@acme.test", "--org", "acme")
    secret = out.strip()
    assert out == secret + "\n"
    assert err == ""
    assert secret.startswith("kpat_")
    token = authenticate_token(secret)
    assert token is not None
    assert (token.user, token.organization, token.name) == (alice, org, "cli")


def test_create_token_takes_a_name_and_an_expiry(org: Organization, alice: User) -> None:
    out, _ = run(
        "create_token",
        "--email",
        "ALICE@acme.test",
        "--org",
        "acme",
        "--name",
        "ci",
        "--expires-in-days",
        "7",
    )
    token = PersonalAccessToken.objects.get(name="ci")
    assert token.expires_at is not None
    assert authenticate_token(out.strip()) == token


def test_create_token_accepts_the_organization_id(org: Organization, alice: User) -> None:
    out, _ = run("create_token", "--email", "alice@acme.test", "--org", str(org.pk))
    assert authenticate_token(out.strip()) is not None


def test_create_token_for_a_non_member_fails_without_a_token(
    org: Organization, other_org: Organization
) -> None:
    with pytest.raises(CommandError, match="not a member"):
        run("create_token", "--email", "bob@globex.test", "--org", "acme")
    with pytest.raises(CommandError):
        run("create_token", "--email", "nobody@acme.test", "--org", "acme")
    assert not PersonalAccessToken.objects.exists()


@pytest.mark.parametrize("days", ["0", "99999999"])
def test_create_token_with_a_bad_expiry_fails(org: Organization, alice: User, days: str) -> None:
    with pytest.raises(CommandError, match="expires_in_days"):
        run(
            "create_token", "--email", "alice@acme.test", "--org", "acme", "--expires-in-days", days
        )
    assert not PersonalAccessToken.objects.exists()
