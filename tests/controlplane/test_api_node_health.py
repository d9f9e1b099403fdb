"""The nodes API's health fields and the control plane's fleet summary."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from controlplane.models import ControlPlane, DataPlaneNode
from controlplane.services import entities
from controlplane.services.nodes import create_registration_token, register_node

pytestmark = pytest.mark.django_db


def node(cp: ControlPlane, name: str, **state: Any) -> DataPlaneNode:
    _, secret = create_registration_token(cp, name="t", created_by=None)
    made, _ = register_node(secret, name=name, hostname="h", labels={}, version="1")
    DataPlaneNode.objects.filter(pk=made.pk).update(
        **{"connected": True, "last_ping": timezone.now(), **state}
    )
    return made


def test_each_node_shows_its_status_and_since_when(
    owner_api: APIClient, cp: ControlPlane, settings: Any
) -> None:
    settings.KONNECTLITE_STALE_AFTER = 15
    entities.create_entity(cp, "services", {"name": "a", "host": "h"}, actor="t")
    since = timezone.now() - timedelta(seconds=5)
    late = node(cp, "late", behind_since=since)
    body = owner_api.get(f"/v2/control-planes/{cp.pk}/nodes/{late.pk}").json()
    assert (body["status"], body["versions_behind"]) == ("behind", 1)
    assert body["out_of_sync_since"] == since.isoformat()
    assert (body["sync_status"], body["last_ack_at"]) == ("normal", None)


def test_a_control_plane_carries_its_fleet_summary(
    owner_api: APIClient, cp: ControlPlane, settings: Any
) -> None:
    settings.KONNECTLITE_OUT_OF_SYNC_GRACE = 30
    entities.create_entity(cp, "services", {"name": "a", "host": "h"}, actor="t")
    cp.refresh_from_db()
    node(cp, "ok", config_version=1, config_hash=cp.config_hash)
    late = node(cp, "late", behind_since=timezone.now() - timedelta(minutes=2))
    node(cp, "gone", connected=False)
    fleet = owner_api.get(f"/v2/control-planes/{cp.pk}").json()["fleet"]
    assert fleet["total"] == 3 and fleet["out_of_sync_grace_seconds"] == 30
    assert fleet["counts"] == {
        "in_sync": 1,
        "behind": 0,
        "stale": 1,
        "offline": 1,
        "incompatible": 0,
    }
    oldest = fleet["oldest_out_of_sync"]
    assert (oldest["id"], oldest["status"], oldest["past_grace"]) == (str(late.pk), "stale", True)


def test_an_empty_fleet_has_no_oldest_node(owner_api: APIClient, cp: ControlPlane) -> None:
    fleet = owner_api.get(f"/v2/control-planes/{cp.pk}").json()["fleet"]
    assert (fleet["total"], fleet["oldest_out_of_sync"]) == (0, None)
