"""Personal access tokens: created with a secret shown once, stored as a hash, checked,
expiring and revocable."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from controlplane.errors import SchemaViolationError
from controlplane.models import Organization, PersonalAccessToken, User
from controlplane.secrets import hash_secret
from controlplane.services.tokens import (
    MAX_EXPIRY_DAYS,
    authenticate_token,
    create_token,
    revoke_token,
)


def test_a_token_secret_has_the_kpat_prefix_and_only_its_hash_is_kept(
    alice: User, org: Organization
) -> None:
    token, secret = create_token(alice, org, name="  ci  ")
    assert secret.startswith("kpat_") and len(secret) > 40
    assert token.token_hash == hash_secret(secret)
    assert token.display_prefix == secret[:10]
    assert token.name == "ci"
    assert secret not in {str(value) for value in vars(token).values()}


def test_two_tokens_never_share_a_secret(alice: User, org: Organization) -> None:
    secrets = {create_token(alice, org, name="t")[1] for _ in range(20)}
    assert len(secrets) == 20


def test_a_token_authenticates_as_its_user_in_its_organization(
    alice: User, org: Organization
) -> None:
    token, secret = create_token(alice, org, name="ci")
    found = authenticate_token(secret)
    assert found == token
    assert (found.user, found.organization) == (alice, org)


@pytest.mark.parametrize("secret", ["", "kpat_", "kpat_wrong", "kdpr_x", "Bearer kpat_x"])
def test_an_unknown_secret_authenticates_nobody(secret: str, db: Any) -> None:
    assert authenticate_token(secret) is None


def test_an_expired_token_authenticates_nobody(alice: User, org: Organization) -> None:
    token, secret = create_token(alice, org, name="ci", expires_in_days=1)
    assert token.expires_at is not None
    PersonalAccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert authenticate_token(secret) is None


def test_a_revoked_token_authenticates_nobody(alice: User, org: Organization) -> None:
    token, secret = create_token(alice, org, name="ci")
    revoke_token(token)
    assert token.revoked_at is not None
    assert authenticate_token(secret) is None


def test_revoking_twice_keeps_the_first_time(alice: User, org: Organization) -> None:
    token, _ = create_token(alice, org, name="ci")
    revoke_token(token)
    first = token.revoked_at
    revoke_token(token)
    token.refresh_from_db()
    assert token.revoked_at == first


def test_a_deactivated_users_tokens_authenticate_nobody(alice: User, org: Organization) -> None:
    _, secret = create_token(alice, org, name="ci")
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert authenticate_token(secret) is None


def test_last_use_is_recorded_at_most_once_a_minute(alice: User, org: Organization) -> None:
    token, secret = create_token(alice, org, name="ci")
    authenticate_token(secret)
    token.refresh_from_db()
    assert token.last_used_at is not None
    with CaptureQueriesContext(connection) as queries:
        authenticate_token(secret)
    assert len(queries) == 1  # the lookup only, no write
    PersonalAccessToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now() - timedelta(minutes=2)
    )
    authenticate_token(secret)
    token.refresh_from_db()
    assert timezone.now() - token.last_used_at < timedelta(seconds=5)


@pytest.mark.parametrize(
    ("name", "days", "field"),
    [
        ("", None, "name"),
        ("   ", None, "name"),
        ("x" * 101, None, "name"),
        ("ci", 0, "expires_in_days"),
        ("ci", -5, "expires_in_days"),
        ("ci", MAX_EXPIRY_DAYS + 1, "expires_in_days"),
        ("ci", 10**12, "expires_in_days"),
    ],
)
def test_bad_token_requests_are_schema_violations(
    alice: User, org: Organization, name: str, days: int | None, field: str
) -> None:
    with pytest.raises(SchemaViolationError) as caught:
        create_token(alice, org, name=name, expires_in_days=days)
    assert list(caught.value.fields or {}) == [field]
    assert not PersonalAccessToken.objects.exists()


def test_the_longest_expiry_is_accepted(alice: User, org: Organization) -> None:
    token, _ = create_token(alice, org, name="ci", expires_in_days=MAX_EXPIRY_DAYS)
    assert token.expires_at is not None
