"""The out-of-sync banner and the webhooks page."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from controlplane.models import ControlPlane, Webhook, WebhookDelivery
from controlplane.services import entities, webhooks

pytestmark = pytest.mark.django_db
MakeNode = Any
URL = "http://127.0.0.1:9/hook"


def banner(client: Client, cp: ControlPlane) -> str:
    return client.get(f"/control-planes/{cp.pk}/health-banner/").content.decode()


def test_the_banner_shows_nodes_out_of_sync_past_the_grace_time(
    alice_client: Client, cp: ControlPlane, make_node: MakeNode, settings: Any
) -> None:
    settings.KONNECTLITE_OUT_OF_SYNC_GRACE = 30
    entities.create_entity(cp, "services", {"name": "a", "host": "h"}, actor="t")
    make_node("fresh", config_version=0, behind_since=timezone.now() - timedelta(seconds=5))
    assert "out of sync" not in banner(alice_client, cp)
    make_node("late", config_version=0, behind_since=timezone.now() - timedelta(minutes=3))
    shown = banner(alice_client, cp)
    assert "1 node out of sync</strong> for more than 30 s" in shown
    assert ">late</a>" in shown and "1 version behind" in shown and "minutes ago" in shown


def test_the_banner_is_empty_when_every_node_is_in_sync_or_offline(
    alice_client: Client, cp: ControlPlane, make_node: MakeNode
) -> None:
    make_node("ok")
    make_node("gone", connected=False, behind_since=timezone.now() - timedelta(hours=1))
    assert banner(alice_client, cp).strip() == ""


def test_every_control_plane_page_polls_the_banner(alice_client: Client, cp: ControlPlane) -> None:
    page = alice_client.get(f"/control-planes/{cp.pk}/nodes/").content.decode()
    assert f'hx-get="/control-planes/{cp.pk}/health-banner/"' in page


def test_the_banner_requires_sign_in_and_hides_other_orgs(
    client: Client, bob_client: Client, cp: ControlPlane
) -> None:
    assert client.get(f"/control-planes/{cp.pk}/health-banner/").status_code == 302
    assert bob_client.get(f"/control-planes/{cp.pk}/health-banner/").status_code == 404


def test_an_admin_creates_a_webhook_and_sees_its_secret_once(
    alice_client: Client, cp: ControlPlane
) -> None:
    response = alice_client.post(
        f"/control-planes/{cp.pk}/webhooks/create/",
        {"url": URL, "events": ["node.offline", "node.nack"], "secret": ""},
    )
    assert response.status_code == 200
    hook = Webhook.objects.get()
    assert hook.events == ["node.offline", "node.nack"]
    assert hook.secret in response.content.decode()
    assert (
        hook.secret not in alice_client.get(f"/control-planes/{cp.pk}/webhooks/").content.decode()
    )


def test_a_bad_url_is_shown_under_its_field(alice_client: Client, cp: ControlPlane) -> None:
    response = alice_client.post(
        f"/control-planes/{cp.pk}/webhooks/create/",
        {"url": "ftp://127.0.0.1/x", "events": ["node.offline"]},
    )
    assert response.status_code == 400 and not Webhook.objects.exists()


def test_the_page_lists_each_deliverys_result(alice_client: Client, cp: ControlPlane) -> None:
    webhooks.create_webhook(cp, url=URL, events=["version.created"], secret="s" * 20)
    entities.create_entity(cp, "services", {"name": "a", "host": "h"}, actor="t")
    entities.create_entity(cp, "services", {"name": "b", "host": "h"}, actor="t")
    first, second = WebhookDelivery.objects.order_by("created_at")
    WebhookDelivery.objects.filter(pk=first.pk).update(
        attempts=1, status_code=200, delivered_at=timezone.now(), next_attempt_at=None
    )
    WebhookDelivery.objects.filter(pk=second.pk).update(
        attempts=8, error="connection refused", next_attempt_at=None
    )
    page = alice_client.get(f"/control-planes/{cp.pk}/webhooks/").content.decode()
    assert "200 delivered" in page and "failed" in page and "connection refused" in page


def test_an_admin_sends_a_test_event_and_deletes_a_webhook(
    alice_client: Client, cp: ControlPlane
) -> None:
    hook = webhooks.create_webhook(cp, url=URL, events=["node.offline"], secret="s" * 20)
    alice_client.post(f"/control-planes/{cp.pk}/webhooks/{hook.pk}/test/")
    assert WebhookDelivery.objects.get().event == "webhook.test"
    alice_client.post(f"/control-planes/{cp.pk}/webhooks/{hook.pk}/delete/")
    assert not Webhook.objects.exists()


def test_viewers_see_webhooks_without_secrets_and_cannot_write(
    charlie_client: Client, cp: ControlPlane
) -> None:
    hook = webhooks.create_webhook(cp, url=URL, events=["node.offline"], secret="s" * 20)
    page = charlie_client.get(f"/control-planes/{cp.pk}/webhooks/").content.decode()
    assert URL in page and "s" * 20 not in page and "Create webhook" not in page
    base = f"/control-planes/{cp.pk}/webhooks"
    assert charlie_client.post(f"{base}/create/", {"url": URL}).status_code == 403
    assert charlie_client.post(f"{base}/{hook.pk}/delete/").status_code == 403
    assert charlie_client.post(f"{base}/{hook.pk}/test/").status_code == 403


def test_webhooks_of_other_orgs_are_hidden(bob_client: Client, cp: ControlPlane) -> None:
    hook = webhooks.create_webhook(cp, url=URL, events=["node.offline"], secret="s" * 20)
    assert bob_client.get(f"/control-planes/{cp.pk}/webhooks/").status_code == 404
    assert bob_client.post(f"/control-planes/{cp.pk}/webhooks/{hook.pk}/delete/").status_code == 404
    assert Webhook.objects.exists()


def test_the_webhooks_page_requires_sign_in(client: Client, cp: ControlPlane) -> None:
    assert client.get(f"/control-planes/{cp.pk}/webhooks/").status_code == 302


def test_a_nodes_page_says_since_when_it_lacks_the_config(
    alice_client: Client, cp: ControlPlane, make_node: MakeNode
) -> None:
    entities.create_entity(cp, "services", {"name": "a", "host": "h"}, actor="t")
    node = make_node("late", config_version=0, behind_since=timezone.now() - timedelta(minutes=3))
    page = alice_client.get(f"/control-planes/{cp.pk}/nodes/{node.pk}/").content.decode()
    assert "Lacking the current config since" in page and "1 version behind" in page
    assert ">Stale</span>" in page
