"""Node transitions become webhook events, each announced once."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from controlplane.models import ControlPlane, DataPlaneNode, WebhookDelivery
from controlplane.models.webhooks import WEBHOOK_EVENTS
from controlplane.services import entities, nodes, webhooks
from controlplane.sync import node_alerts

pytestmark = pytest.mark.django_db


@pytest.fixture
def node(cp: ControlPlane, settings: Any) -> DataPlaneNode:
    settings.KONNECTLITE_OUT_OF_SYNC_GRACE = 30
    webhooks.create_webhook(
        cp, url="http://127.0.0.1:9/h", events=list(WEBHOOK_EVENTS), secret="s" * 20
    )
    _, secret = nodes.create_registration_token(cp, name="t", created_by=None)
    node, _ = nodes.register_node(secret, name="edge-1", hostname="h", labels={}, version="1")
    set_state(node, connected=True, last_ping=timezone.now())
    return node


def set_state(node: DataPlaneNode, **state: Any) -> None:
    DataPlaneNode.objects.filter(pk=node.pk).update(**state)


def node_events() -> list[str]:
    return list(
        WebhookDelivery.objects.exclude(event="version.created")
        .order_by("created_at")
        .values_list("event", flat=True)
    )


def test_a_node_behind_past_the_grace_time_is_announced_once(
    cp: ControlPlane, node: DataPlaneNode
) -> None:
    entities.create_entity(cp, "services", {"name": "a", "host": "h"}, actor="t")
    set_state(node, behind_since=timezone.now() - timedelta(seconds=5))
    assert node_alerts.evaluate() == 0  # within the grace time
    set_state(node, behind_since=timezone.now() - timedelta(seconds=45))
    node_alerts.evaluate()
    node_alerts.evaluate()
    assert node_events() == ["node.out_of_sync"]
    data = WebhookDelivery.objects.get(event="node.out_of_sync").payload["data"]
    assert data["node"]["name"] == "edge-1" and data["health"]["status"] == "stale"
    assert (data["node_config_version"], data["control_plane_config_version"]) == (0, 1)


def test_a_node_back_in_sync_is_announced(cp: ControlPlane, node: DataPlaneNode) -> None:
    entities.create_entity(cp, "services", {"name": "a", "host": "h"}, actor="t")
    set_state(node, behind_since=timezone.now() - timedelta(seconds=45))
    node_alerts.evaluate()
    cp.refresh_from_db()
    set_state(node, config_version=1, config_hash=cp.config_hash, behind_since=None)
    node_alerts.evaluate()
    assert node_events() == ["node.out_of_sync", "node.back_in_sync"]


def test_a_node_going_offline_and_coming_back_is_announced(
    cp: ControlPlane, node: DataPlaneNode
) -> None:
    node_alerts.evaluate()  # first look: in sync, nothing to say
    set_state(node, connected=False)
    node_alerts.evaluate()
    set_state(node, connected=True, last_ping=timezone.now())
    node_alerts.evaluate()
    assert node_events() == ["node.offline", "node.back_in_sync"]


def test_a_node_going_offline_before_its_first_evaluation_is_announced(
    node: DataPlaneNode,
) -> None:
    set_state(node, connected=False)  # heard from (last_ping), never evaluated
    node_alerts.evaluate()
    assert node_events() == ["node.offline"]


def test_a_node_never_heard_from_is_announced_neither_offline_nor_back(
    node: DataPlaneNode,
) -> None:
    set_state(node, connected=False, last_ping=None)
    node_alerts.evaluate()
    set_state(node, connected=True, last_ping=timezone.now())
    node_alerts.evaluate()
    assert node_events() == []


def test_a_transition_claimed_by_another_process_is_not_announced_again(
    node: DataPlaneNode,
) -> None:
    node_alerts.evaluate()
    set_state(node, connected=False)
    stale = DataPlaneNode.objects.select_related("control_plane").get(pk=node.pk)
    node_alerts.evaluate()
    status = node_alerts.health.node_health(stale, stale.control_plane, timezone.now())
    assert node_alerts._announce(stale, "offline", status) == 0
    assert node_events() == ["node.offline"]
