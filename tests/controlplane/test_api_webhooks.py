"""``/v2/control-planes/{id}/webhooks``: admins write, viewers read without secrets."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from controlplane.models import ControlPlane, Webhook, WebhookDelivery
from controlplane.services import entities

pytestmark = pytest.mark.django_db
RECEIVER = "http://127.0.0.1:9/hook"
SECRET = "a-long-shared-secret-0123"


def hooks_url(cp: ControlPlane) -> str:
    return f"/v2/control-planes/{cp.pk}/webhooks"


def create(api: APIClient, cp: ControlPlane, **body: Any) -> Any:
    fields = {"url": RECEIVER, "events": ["version.created"], "secret": SECRET, **body}
    return api.post(hooks_url(cp), fields, format="json")


def test_an_admin_creates_a_webhook_and_sees_its_secret_once(
    owner_api: APIClient, cp: ControlPlane
) -> None:
    created = create(owner_api, cp, events=["node.offline", "version.created"])
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["url"], body["secret"], body["enabled"]) == (RECEIVER, SECRET, True)
    assert body["events"] == ["node.offline", "version.created"]
    shown = owner_api.get(f"{hooks_url(cp)}/{body['id']}").json()
    assert "secret" not in shown and shown["secret_prefix"] == "a-lo…"
    assert [h["id"] for h in owner_api.get(hooks_url(cp)).json()["data"]] == [body["id"]]


def test_a_webhook_without_a_secret_gets_a_generated_one(
    owner_api: APIClient, cp: ControlPlane
) -> None:
    body = create(owner_api, cp, secret=None).json()
    assert body["secret"].startswith("whsec_") and len(body["secret"]) > 40
    assert Webhook.objects.get().secret == body["secret"]


@pytest.mark.parametrize(
    "field,value",
    [
        ("url", "ftp://127.0.0.1/x"),
        ("url", "file:///etc/passwd"),
        ("url", "not a url"),
        ("url", None),
        ("events", []),
        ("events", ["node.exploded"]),
        ("events", "version.created"),
        ("secret", "short"),
        ("enabled", "yes"),
        ("colour", "blue"),
    ],
)
def test_a_bad_webhook_is_refused_naming_its_field(
    owner_api: APIClient, cp: ControlPlane, field: str, value: Any
) -> None:
    response = create(owner_api, cp, **{field: value})
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not Webhook.objects.exists()


def test_webhooks_require_auth(cp: ControlPlane) -> None:
    assert APIClient().get(hooks_url(cp)).status_code == 401
    assert create(APIClient(), cp).status_code == 401


def test_webhooks_of_other_orgs_are_hidden(
    owner_api: APIClient, outsider_api: APIClient, cp: ControlPlane
) -> None:
    hook = create(owner_api, cp).json()
    assert outsider_api.get(hooks_url(cp)).status_code == 404
    assert create(outsider_api, cp).status_code == 404
    assert outsider_api.get(f"{hooks_url(cp)}/{hook['id']}/deliveries").status_code == 404
    assert outsider_api.delete(f"{hooks_url(cp)}/{hook['id']}").status_code == 404


def test_viewers_read_webhooks_without_secrets_but_cannot_write(
    owner_api: APIClient, viewer_api: APIClient, cp: ControlPlane
) -> None:
    hook = create(owner_api, cp).json()
    listed = viewer_api.get(hooks_url(cp)).json()["data"]
    assert SECRET not in str(listed) and listed[0]["id"] == hook["id"]
    assert create(viewer_api, cp).status_code == 403
    item = f"{hooks_url(cp)}/{hook['id']}"
    assert viewer_api.patch(item, {"enabled": False}, format="json").status_code == 403
    assert viewer_api.delete(item).status_code == 403
    assert viewer_api.post(f"{item}/test").status_code == 403
    assert viewer_api.get(f"{item}/deliveries").status_code == 200


def test_an_admin_changes_and_deletes_a_webhook(owner_api: APIClient, cp: ControlPlane) -> None:
    item = f"{hooks_url(cp)}/{create(owner_api, cp).json()['id']}"
    changed = owner_api.patch(item, {"enabled": False, "events": ["node.nack"]}, format="json")
    assert changed.status_code == 200 and "secret" not in changed.json()
    assert (changed.json()["enabled"], changed.json()["events"]) == (False, ["node.nack"])
    assert owner_api.patch(item, {"url": "gopher://x"}, format="json").status_code == 400
    assert owner_api.delete(item).status_code == 204
    assert owner_api.get(item).status_code == 404


def test_a_new_version_queues_a_delivery_with_its_result_listed(
    owner_api: APIClient, cp: ControlPlane
) -> None:
    hook = create(owner_api, cp).json()
    entities.create_entity(cp, "services", {"name": "a", "host": "h"}, actor="alice")
    deliveries = owner_api.get(f"{hooks_url(cp)}/{hook['id']}/deliveries").json()["data"]
    assert [(d["event"], d["state"], d["attempts"]) for d in deliveries] == [
        ("version.created", "pending", 0)
    ]
    data = deliveries[0]["payload"]["data"]
    assert (data["version"], data["actor"], data["change_count"]) == (1, "alice", 1)


def test_a_disabled_or_unsubscribed_webhook_gets_nothing(
    owner_api: APIClient, cp: ControlPlane
) -> None:
    create(owner_api, cp, events=["node.offline"])
    create(owner_api, cp, enabled=False)
    entities.create_entity(cp, "services", {"name": "a", "host": "h"}, actor="alice")
    assert not WebhookDelivery.objects.exists()


def test_a_failed_write_queues_no_delivery(owner_api: APIClient, cp: ControlPlane) -> None:
    create(owner_api, cp)
    bad = owner_api.post(
        f"/v2/control-planes/{cp.pk}/core-entities/services", {"host": ""}, format="json"
    )
    assert bad.status_code == 400
    assert not WebhookDelivery.objects.exists()


def test_a_test_event_is_queued_for_that_webhook(owner_api: APIClient, cp: ControlPlane) -> None:
    item = f"{hooks_url(cp)}/{create(owner_api, cp).json()['id']}"
    assert owner_api.post(f"{item}/test").status_code == 202
    assert WebhookDelivery.objects.get().event == "webhook.test"


def test_the_deliveries_size_is_checked(owner_api: APIClient, cp: ControlPlane) -> None:
    item = f"{hooks_url(cp)}/{create(owner_api, cp).json()['id']}"
    assert owner_api.get(f"{item}/deliveries?size=0").status_code == 400
    assert owner_api.get(f"{item}/deliveries?size=x").status_code == 400


def test_webhooks_may_be_limited_to_allowed_hosts(
    owner_api: APIClient, cp: ControlPlane, settings: Any
) -> None:
    settings.KONNECTLITE_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    refused = create(owner_api, cp, url="https://alerts.example.com/hook")
    assert refused.status_code == 400
    assert "127.0.0.1" in refused.json()["fields"]["url"]
    assert create(owner_api, cp).status_code == 201
