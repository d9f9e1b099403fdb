"""The batched node-state writer: one transaction per flush, and a trimmed sync history."""

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from controlplane.models import ControlPlane, DataPlaneNode, NodeSyncRecord
from controlplane.services import nodes
from controlplane.sync.node_state import HISTORY_VERSIONS, NodeStateWriter

pytestmark = pytest.mark.django_db(transaction=True)


def register(cp: ControlPlane) -> DataPlaneNode:
    _, secret = nodes.create_registration_token(cp, name="t", created_by=None)
    return nodes.register_node(secret, name="n", hostname="h", labels={}, version="1")[0]


def record(node: DataPlaneNode, version: int) -> NodeSyncRecord:
    return NodeSyncRecord(
        node_id=node.pk,
        control_plane_id=node.control_plane_id,
        at=timezone.now(),
        payload_type="delta",
        version=version,
        wire_bytes=10,
        raw_bytes=10,
        apply_ms=0.1,
    )


async def test_a_flush_writes_every_pending_field_and_record(cp: ControlPlane) -> None:
    node = await sync_to_async(register)(cp)
    writer = NodeStateWriter()
    writer.update(str(cp.pk), str(node.pk), config_version=3, delta_count=3)
    for version in (1, 2, 3):
        writer.record(str(cp.pk), str(node.pk), record(node, version))
    await writer.flush()
    row: Any = await DataPlaneNode.objects.aget(pk=node.pk)
    assert (row.config_version, row.delta_count) == (3, 3)
    assert await NodeSyncRecord.objects.filter(node=node).acount() == 3


async def test_the_sync_history_keeps_the_last_versions_of_each_control_plane(
    cp: ControlPlane,
) -> None:
    node = await sync_to_async(register)(cp)
    writer = NodeStateWriter()
    newest = HISTORY_VERSIONS + 120
    for version in range(1, newest + 1):
        writer.record(str(cp.pk), str(node.pk), record(node, version))
        if version % 10 == 0:
            await writer.flush()
    await writer.flush()
    kept = [
        v async for v in NodeSyncRecord.objects.filter(node=node).values_list("version", flat=True)
    ]
    assert max(kept) == newest
    assert min(kept) >= newest - HISTORY_VERSIONS - 50  # trimmed every 50 versions
    assert len(kept) < newest
