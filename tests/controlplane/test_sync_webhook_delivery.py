"""The webhook delivery loop: signed POSTs to a real local receiver, retries with backoff."""

import hashlib
import hmac
from collections.abc import Iterator
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from controlplane.models import ControlPlane, WebhookDelivery
from controlplane.services import entities, webhooks
from controlplane.sync import webhook_delivery
from tests.support.webhook_receiver import Receiver, webhook_receiver

pytestmark = pytest.mark.django_db(transaction=True)
SECRET = "the-shared-secret-0123456789"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as receiver:
        yield receiver


@sync_to_async
def subscribe_and_write(cp: ControlPlane, url: str) -> None:
    webhooks.create_webhook(cp, url=url, events=["version.created"], secret=SECRET)
    entities.create_entity(cp, "services", {"name": "a", "host": "h"}, actor="alice")


@sync_to_async
def the_delivery() -> WebhookDelivery:
    return WebhookDelivery.objects.get()


@sync_to_async
def make_due(**fields: object) -> None:
    WebhookDelivery.objects.update(next_attempt_at=timezone.now(), **fields)


async def test_a_delivery_is_a_signed_json_post(cp: ControlPlane, receiver: Receiver) -> None:
    await subscribe_and_write(cp, receiver.url)
    assert await webhook_delivery.deliver_due() == 1
    [got] = receiver.received
    expected = hmac.new(SECRET.encode(), got.raw, hashlib.sha256).hexdigest()
    assert got.headers["X-Konnectlite-Signature"] == f"sha256={expected}"
    assert got.headers["X-Konnectlite-Event"] == "version.created"
    assert got.headers["Content-Type"] == "application/json"
    assert int(got.headers["X-Konnectlite-Timestamp"]) > 0
    assert got.body["event"] == "version.created" and got.body["data"]["version"] == 1
    assert got.body["control_plane_id"] == str(cp.pk)
    delivery = await the_delivery()
    assert (delivery.state, delivery.attempts, delivery.status_code) == ("delivered", 1, 200)
    assert got.body["id"] == str(delivery.pk)
    assert await webhook_delivery.deliver_due() == 0  # delivered once, never again


async def test_a_failed_delivery_is_retried_with_backoff_then_succeeds(
    cp: ControlPlane, receiver: Receiver
) -> None:
    await subscribe_and_write(cp, receiver.url)
    receiver.status = 500
    assert await webhook_delivery.deliver_due() == 1
    failed = await the_delivery()
    assert (failed.state, failed.attempts, failed.status_code) == ("pending", 1, 500)
    assert "500" in failed.error
    assert failed.next_attempt_at is not None and failed.next_attempt_at > timezone.now()
    assert await webhook_delivery.deliver_due() == 0  # not due yet
    receiver.status = 200
    await make_due()
    assert await webhook_delivery.deliver_due() == 1
    done = await the_delivery()
    assert (done.state, done.attempts, done.error) == ("delivered", 2, "")
    assert len(receiver.received) == 1


async def test_an_unreachable_receiver_is_given_up_after_the_last_attempt(
    cp: ControlPlane,
) -> None:
    await subscribe_and_write(cp, "http://127.0.0.1:9/nobody-listens")
    await make_due(attempts=webhook_delivery.MAX_ATTEMPTS - 1)
    assert await webhook_delivery.deliver_due() == 1
    delivery = await the_delivery()
    assert (delivery.state, delivery.status_code) == ("failed", None)
    assert delivery.error and delivery.next_attempt_at is None


def test_the_backoff_doubles_up_to_its_cap() -> None:
    delays = [webhook_delivery.backoff(n).total_seconds() for n in (1, 2, 3)]
    assert delays == [2, 4, 8]
    assert webhook_delivery.backoff(30) == timedelta(seconds=webhook_delivery.MAX_BACKOFF_SECONDS)


async def test_a_claimed_delivery_is_not_sent_by_another_process_meanwhile(
    cp: ControlPlane, receiver: Receiver
) -> None:
    await subscribe_and_write(cp, receiver.url)
    assert len(await webhook_delivery.claim_due()) == 1
    assert await webhook_delivery.claim_due() == []


@sync_to_async
def age_deliveries(days: int) -> None:
    WebhookDelivery.objects.update(created_at=timezone.now() - timedelta(days=days))


async def test_finished_deliveries_are_pruned_after_their_retention(
    cp: ControlPlane, receiver: Receiver
) -> None:
    await subscribe_and_write(cp, receiver.url)
    await age_deliveries(30)
    assert await webhook_delivery.prune() == 0  # still due: never pruned before it is sent
    await webhook_delivery.deliver_due()
    await age_deliveries(1)
    assert await webhook_delivery.prune() == 0
    await age_deliveries(30)
    assert await webhook_delivery.prune() == 1
