"""Data migrations keep what was stored, renamed where the vocabulary changed."""

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("controlplane", "0001_initial")]
AFTER = [("controlplane", "0002_sync_wing")]


@pytest.mark.django_db(transaction=True)
def test_full_payloads_become_snapshots_and_come_back_on_reversal() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    node_id = _old_node_with_a_full_payload(apps)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    node = apps.get_model("controlplane", "DataPlaneNode").objects.get(pk=node_id)
    record = apps.get_model("controlplane", "NodeSyncRecord").objects.get(node_id=node_id)
    assert (node.last_payload["type"], record.payload_type) == ("snapshot", "snapshot")
    assert node.snapshot_count == 2

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    record = apps.get_model("controlplane", "NodeSyncRecord").objects.get(node_id=node_id)
    assert record.payload_type == "full"
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _old_node_with_a_full_payload(apps: Any) -> Any:
    org = apps.get_model("controlplane", "Organization").objects.create(name="o")
    cp = apps.get_model("controlplane", "ControlPlane").objects.create(organization=org, name="c")
    node = apps.get_model("controlplane", "DataPlaneNode").objects.create(
        control_plane=cp,
        name="n",
        credential_hash="h" * 64,
        last_payload={"type": "full", "version": 1},
        full_sync_count=2,
    )
    apps.get_model("controlplane", "NodeSyncRecord").objects.create(
        node=node,
        control_plane=cp,
        at=timezone.now(),
        payload_type="full",
        version=1,
        wire_bytes=1,
        raw_bytes=1,
        apply_ms=1.0,
    )
    return node.pk
