"""controlplane/health.py: one status per node, the same in Python and as a query."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from controlplane import health
from controlplane.models import ControlPlane, DataPlaneNode
from controlplane.services.nodes import create_registration_token, register_node

NOW = timezone.now()
HEAD = {"config_version": 5, "config_hash": "a" * 64}


def node_at(**state: Any) -> DataPlaneNode:
    fields: dict[str, Any] = {"name": "dp", "connected": True, "last_ping": NOW, **HEAD, **state}
    return DataPlaneNode(**fields)


def head() -> ControlPlane:
    return ControlPlane(name="cp", **HEAD)


def ago(seconds: float) -> datetime:
    return NOW - timedelta(seconds=seconds)


CASES = [
    ("in_sync", {}),
    ("behind", {"config_version": 3, "behind_since": ago(1)}),
    ("behind", {"config_version": 3}),  # not yet known since when
    ("stale", {"config_version": 3, "behind_since": ago(60)}),
    ("stale", {"config_version": 3, "behind_since": ago(60), "last_ack_at": ago(40)}),
    ("behind", {"config_version": 3, "behind_since": ago(60), "last_ack_at": ago(2)}),
    ("stale", {"config_hash": "f" * 64}),
    ("stale", {"config_version": 9}),
    ("offline", {"connected": False}),
    ("offline", {"last_ping": None}),
    ("offline", {"last_ping": ago(3600)}),
    ("incompatible", {"sync_status": "unsupported_plugin"}),
    ("offline", {"connected": False, "sync_status": "unsupported_plugin"}),
]


@pytest.mark.parametrize("status,state", CASES)
def test_each_node_has_one_status(status: str, state: dict[str, Any], settings: Any) -> None:
    settings.KONNECTLITE_STALE_AFTER = 15
    assert health.node_health(node_at(**state), head(), NOW).status == status


def test_a_behind_node_says_since_when_and_by_how_many_versions() -> None:
    status = health.node_health(node_at(config_version=2, behind_since=ago(5)), head(), NOW)
    assert (status.versions_behind, status.since) == (3, ago(5))
    assert status.as_dict()["since"] == ago(5).isoformat()


def test_a_node_is_out_of_sync_only_after_the_grace_time(settings: Any) -> None:
    settings.KONNECTLITE_OUT_OF_SYNC_GRACE = 30
    within = health.node_health(node_at(config_version=4, behind_since=ago(10)), head(), NOW)
    past = health.node_health(node_at(config_version=4, behind_since=ago(31)), head(), NOW)
    assert not within.out_of_sync(NOW) and past.out_of_sync(NOW)


def test_in_sync_and_offline_nodes_are_never_out_of_sync() -> None:
    for state in ({}, {"connected": False, "config_version": 1, "behind_since": ago(999)}):
        assert not health.node_health(node_at(**state), head(), NOW).out_of_sync(NOW)


@pytest.mark.django_db
def test_the_status_query_agrees_with_the_status(cp: ControlPlane, settings: Any) -> None:
    settings.KONNECTLITE_STALE_AFTER = 15
    ControlPlane.objects.filter(pk=cp.pk).update(**HEAD)
    cp.refresh_from_db()
    _, secret = create_registration_token(cp, name="t", created_by=None)
    expected: dict[str, str] = {}
    for i, (status, state) in enumerate(CASES):
        node, _ = register_node(secret, name=f"n{i}", hostname="h", labels={}, version="1")
        DataPlaneNode.objects.filter(pk=node.pk).update(
            **{"connected": True, "last_ping": NOW, **HEAD, **state}
        )
        expected[str(node.pk)] = status
    for status in health.STATUSES:
        found = DataPlaneNode.objects.filter(control_plane=cp).filter(
            health.status_q(status, cp, NOW)
        )
        assert {str(pk) for pk in found.values_list("pk", flat=True)} == {
            pk for pk, s in expected.items() if s == status
        }, status


def test_the_fleet_summary_counts_by_status_and_names_the_oldest(settings: Any) -> None:
    settings.KONNECTLITE_OUT_OF_SYNC_GRACE = 30
    nodes = [
        node_at(),
        node_at(name="late", config_version=4, behind_since=ago(50)),
        node_at(config_version=4, behind_since=ago(5)),
        node_at(connected=False),
    ]
    summary = health.fleet_summary(nodes, head(), NOW)
    assert summary["total"] == 4
    assert summary["counts"] == {
        "in_sync": 1,
        "behind": 1,
        "stale": 1,
        "offline": 1,
        "incompatible": 0,
    }
    oldest = summary["oldest_out_of_sync"]
    assert (oldest["name"], oldest["status"], oldest["past_grace"]) == ("late", "stale", True)


def test_an_all_in_sync_fleet_names_no_oldest_node() -> None:
    assert health.fleet_summary([node_at()], head(), NOW)["oldest_out_of_sync"] is None
