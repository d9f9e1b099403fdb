"""What the sync consumer records for node health: since when a node is behind, its acks,
and its nacks (for the node.nack webhook)."""

import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from controlplane.models import ControlPlane, DataPlaneNode, WebhookDelivery
from controlplane.services import webhooks
from controlplane.sync.node_state import writer as node_state
from kongcore import protocol
from tests.controlplane.test_sync_consumer import connect, create_service, hello, node, receive

pytestmark = pytest.mark.django_db(transaction=True)
__all__ = ["node"]  # the fixture


async def row(node: Any) -> DataPlaneNode:
    await node_state.flush()
    return await DataPlaneNode.objects.aget(pk=node[0].pk)


async def test_a_version_marks_the_node_behind_until_it_acks(cp: ControlPlane, node: Any) -> None:
    communicator = await connect(node[1])
    await hello(communicator)
    assert (await row(node)).behind_since is None
    await sync_to_async(create_service)(cp, "a")
    delta = await receive(communicator)
    behind = await row(node)
    assert behind.behind_since is not None and behind.last_ack_at is None
    ack = protocol.ack(
        version=1, config_hash=delta["hash"], wire_bytes=5, raw_bytes=5, apply_ms=0.5
    )
    await communicator.send_to(text_data=json.dumps(ack))
    await communicator.send_to(text_data=json.dumps(protocol.ping(ts=1.0)))
    await receive(communicator)  # the pong: the ack was handled
    caught_up = await row(node)
    assert caught_up.behind_since is None and caught_up.last_ack_at is not None
    await communicator.disconnect()


async def test_a_node_that_connects_behind_is_behind_since_its_hello(
    cp: ControlPlane, node: Any
) -> None:
    await sync_to_async(create_service)(cp, "a")
    communicator = await connect(node[1])
    await hello(communicator)
    await receive(communicator)  # its snapshot
    assert (await row(node)).behind_since is not None
    await communicator.disconnect()


async def test_a_nack_is_queued_for_the_nack_webhooks(cp: ControlPlane, node: Any) -> None:
    await sync_to_async(webhooks.create_webhook)(
        cp, url="http://127.0.0.1:9/hook", events=["node.nack"], secret="s3cret-value-0123456"
    )
    communicator = await connect(node[1])
    await hello(communicator)
    await sync_to_async(create_service)(cp, "a")
    await receive(communicator)
    nack = protocol.nack(version=1, reason=protocol.NACK_APPLY_FAILED, detail="bad plugin")
    await communicator.send_to(text_data=json.dumps(nack))
    await receive(communicator)  # the snapshot answering it
    await node_state.flush()
    delivery = await WebhookDelivery.objects.aget(event="node.nack")
    assert delivery.payload["data"]["reason"] == "apply_failed"
    assert delivery.payload["data"]["node"]["id"] == str(node[0].pk)
    await communicator.disconnect()
