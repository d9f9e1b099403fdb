"""Failed sign-ins are throttled per account and per client address (django-axes)."""

from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpResponse
from django.test import AsyncClient, Client
from django.utils import timezone
from rest_framework.test import APIClient

from controlplane.models import Organization, User

LOCKED = "Too many failed sign-in attempts. Try again in 15 minutes."
WRONG = "Please enter a correct"


def sign_in(email: str, password: str, address: str = "10.0.0.1", **headers: str) -> HttpResponse:
    client = Client(REMOTE_ADDR=address, **headers)
    return client.post("/accounts/login/", {"username": email, "password": password})


def fail_until_locked(email: str, address: str = "10.0.0.1", **headers: str) -> list[Any]:
    return [
        sign_in(email, f"wrong-{n}", address, **headers) for n in range(settings.AXES_FAILURE_LIMIT)
    ]


def test_the_defaults_allow_five_failures_and_lock_for_fifteen_minutes() -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME


def test_failures_below_the_limit_are_answered_as_wrong_passwords(alice: User) -> None:
    responses = fail_until_locked("alice@acme.test")
    for response in responses[:-1]:
        assert response.status_code == 200
        assert WRONG in response.content.decode()


def test_the_failure_that_reaches_the_limit_locks_the_account_with_a_message(
    alice: User,
) -> None:
    last = fail_until_locked("alice@acme.test")[-1]
    assert last.status_code == 429
    page = last.content.decode()
    assert LOCKED in page and WRONG not in page
    assert 'name="password"' in page and 'value="alice@acme.test"' in page


def test_a_locked_account_is_refused_from_another_address(alice: User) -> None:
    fail_until_locked("alice@acme.test", "10.0.0.1")
    response = sign_in("alice@acme.test", "wrong-again", "10.0.0.2")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_failures_spread_over_many_addresses_still_lock_the_account(alice: User) -> None:
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in("alice@acme.test", "wrong", f"10.0.1.{n}")
    response = sign_in("alice@acme.test", "pw-alice", "10.0.2.1")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_the_right_password_is_refused_while_locked(alice: User) -> None:
    fail_until_locked("alice@acme.test")
    client = Client(REMOTE_ADDR="10.0.0.9")
    response = client.post(
        "/accounts/login/", {"username": "alice@acme.test", "password": "pw-alice"}
    )
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert client.get("/").status_code == 302  # still signed out


def test_an_address_that_failed_too_often_is_refused_for_every_account(
    alice: User, bob: User
) -> None:
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(f"guess-{n}@acme.test", "wrong", "10.0.0.1")
    response = sign_in("bob@globex.test", "pw-bob", "10.0.0.1")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_other_accounts_from_another_address_still_sign_in(alice: User, bob: User) -> None:
    fail_until_locked("alice@acme.test", "10.0.0.1")
    response = sign_in("bob@globex.test", "pw-bob", "10.0.0.2")
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_lock_ends_when_the_lockout_time_has_passed(alice: User) -> None:
    fail_until_locked("alice@acme.test")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = sign_in("alice@acme.test", "pw-alice")
    assert response.status_code == 302


def test_the_lockout_time_in_the_message_follows_the_setting(alice: User, settings: Any) -> None:
    settings.AXES_COOLOFF_TIME = timedelta(minutes=1)
    last = fail_until_locked("alice@acme.test")[-1]
    assert "Try again in 1 minute." in last.content.decode()


def test_the_limit_follows_the_setting(alice: User, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    assert sign_in("alice@acme.test", "wrong").status_code == 200
    assert sign_in("alice@acme.test", "wrong").status_code == 429


def test_api_tokens_keep_working_while_the_account_is_locked(
    alice: User, owner_api: APIClient
) -> None:
    fail_until_locked("alice@acme.test", "127.0.0.1")
    assert sign_in("alice@acme.test", "pw-alice", "127.0.0.1").status_code == 429
    response = owner_api.get("/v2/control-planes", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200


def test_behind_a_proxy_each_forwarded_client_is_counted_on_its_own(
    alice: User, bob: User, settings: Any
) -> None:
    settings.KONNECTLITE_CLIENT_IP_HEADER = "X-Forwarded-For"
    proxy = "10.9.9.9"
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(f"guess-{n}@acme.test", "wrong", proxy, HTTP_X_FORWARDED_FOR="203.0.113.5")
    refused = sign_in("alice@acme.test", "pw-alice", proxy, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert refused.status_code == 429
    # The proxy's own address is not what is counted: another client behind it signs in.
    forwarded = "198.51.100.1, 203.0.113.6"  # the proxy appended the last one
    assert (
        sign_in("bob@globex.test", "pw-bob", proxy, HTTP_X_FORWARDED_FOR=forwarded).status_code
        == 302
    )


@pytest.mark.django_db(transaction=True)
async def test_the_lockout_page_is_also_served_under_asgi(org: Organization) -> None:
    client = AsyncClient(REMOTE_ADDR="10.0.0.1")
    form = {"username": "alice@acme.test", "password": "wrong"}
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert (await client.post("/accounts/login/", form)).status_code == 200
    response = await client.post("/accounts/login/", form)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
