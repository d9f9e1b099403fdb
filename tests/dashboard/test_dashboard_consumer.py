"""The dashboard's live socket: session auth, tenancy, and out-of-band swaps from live events."""

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.utils import timezone

from controlplane import events
from controlplane.consumers.dashboard import COALESCE_SECONDS
from controlplane.models import ControlPlane, DataPlaneNode, Membership, NodeSyncRecord, User
from controlplane.routing import websocket_application
from controlplane.services import nodes
from controlplane.services.entities import create_entity
from tests.dashboard.conftest import many_nodes

pytestmark = pytest.mark.django_db(transaction=True)


def session_cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def open_socket(cp_id: object, user: User | None, query: str = "") -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if user is not None:
        cookie = await sync_to_async(session_cookie)(user)
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    path = f"/ws/control-planes/{cp_id}/live{query}"
    return WebsocketCommunicator(websocket_application, path, headers=headers)


@pytest.fixture
async def live(cp: ControlPlane, alice: User) -> AsyncIterator[WebsocketCommunicator]:
    socket = await open_socket(cp.pk, alice, "?nodes=1")
    connected, _ = await socket.connect()
    assert connected
    yield socket
    await socket.disconnect()


def add_node(cp: ControlPlane, name: str) -> DataPlaneNode:
    _, secret = nodes.create_registration_token(cp, name="t", created_by=None)
    node, _ = nodes.register_node(secret, name=name, hostname=name, labels={}, version="1")
    DataPlaneNode.objects.filter(pk=node.pk).update(connected=True, last_ping=timezone.now())
    return node


async def receive_update(socket: WebsocketCommunicator) -> list[str]:
    """Every frame of one update: they arrive together, one partial each."""
    frames = [await socket.receive_from(5)]
    while not await socket.receive_nothing(0.1):
        frames.append(await socket.receive_from(1))
    return frames


async def send_event(cp: ControlPlane, event: dict[str, Any]) -> None:
    await get_channel_layer().group_send(events.live_group(cp.pk), event)


async def test_anonymous_sockets_are_refused(cp: ControlPlane) -> None:
    socket = await open_socket(cp.pk, None)
    connected, code = await socket.connect()
    assert not connected and code == 4401


async def test_another_organizations_control_plane_is_refused(cp: ControlPlane, bob: User) -> None:
    socket = await open_socket(cp.pk, bob)
    connected, code = await socket.connect()
    assert not connected and code == 4404


def first_ids(frames: list[str]) -> list[str]:
    """The id of each frame's first element: which partial each frame swaps."""
    return [re.search(r'id="([^"]+)"', frame).group(1) for frame in frames]  # type: ignore[union-attr]


def touch(name: str, **state: Any) -> str:
    """Change a node the way its sync connection would, and return its id."""
    node = DataPlaneNode.objects.get(name=name)
    DataPlaneNode.objects.filter(pk=node.pk).update(**state)
    return str(node.pk)


async def node_changed(cp: ControlPlane, node_id: str) -> None:
    await send_event(cp, events.live_node(control_plane_id=str(cp.pk), node={"id": node_id}))


async def test_a_node_event_swaps_that_nodes_row_alone(cp: ControlPlane, alice: User) -> None:
    node = await sync_to_async(add_node)(cp, "edge-1")
    socket = await open_socket(cp.pk, alice, "?nodes=1")
    assert (await socket.connect())[0]
    await sync_to_async(touch)("edge-1", version="9.9.9")
    await node_changed(cp, str(node.pk))
    (row,) = await receive_update(socket)  # the summary, pager and chart did not change
    assert row.lstrip().startswith(f'<tr id="node-{node.pk}"') and "9.9.9" in row
    await socket.disconnect()


async def test_a_node_on_another_page_sends_nothing(cp: ControlPlane, alice: User) -> None:
    await sync_to_async(many_nodes)(cp, 60)
    socket = await open_socket(cp.pk, alice, "?nodes=1&page=1")
    assert (await socket.connect())[0]
    await node_changed(cp, await sync_to_async(touch)("node-055", version="9.9.9"))
    assert await socket.receive_nothing(COALESCE_SECONDS + 0.3)
    await socket.disconnect()


async def test_a_node_on_the_page_being_viewed_is_swapped(cp: ControlPlane, alice: User) -> None:
    await sync_to_async(many_nodes)(cp, 60)
    socket = await open_socket(cp.pk, alice, "?nodes=1&page=2")
    assert (await socket.connect())[0]
    node_id = await sync_to_async(touch)("node-055", version="9.9.9")
    await node_changed(cp, node_id)
    (row,) = await receive_update(socket)
    assert row.lstrip().startswith(f'<tr id="node-{node_id}"') and "9.9.9" in row
    await socket.disconnect()


async def test_the_counts_follow_nodes_on_other_pages(cp: ControlPlane, alice: User) -> None:
    await sync_to_async(many_nodes)(cp, 60)
    socket = await open_socket(cp.pk, alice, "?nodes=1")
    assert (await socket.connect())[0]
    await node_changed(cp, await sync_to_async(touch)("node-055", connected=False))
    (summary,) = await receive_update(socket)
    assert '59<span class="stat-of"> / 60</span>' in summary
    await socket.disconnect()


async def test_a_new_version_rerenders_only_the_visible_page(cp: ControlPlane, alice: User) -> None:
    await sync_to_async(many_nodes)(cp, 120)
    socket = await open_socket(cp.pk, alice, "?nodes=1&page=2")
    assert (await socket.connect())[0]
    await sync_to_async(create_entity)(cp, "services", {"name": "billing", "host": "b"}, actor="t")
    summary, rows = await receive_update(socket)
    assert 'id="cp-summary"' in summary and "v1" in summary
    names = re.findall(r'class="strong" href="[^"]+">([^<]+)</a>', rows)
    assert names == [f"node-{n:03}" for n in range(50, 100)]
    await socket.disconnect()


async def test_a_filtered_page_gets_the_rows_that_now_match(cp: ControlPlane, alice: User) -> None:
    await sync_to_async(many_nodes)(cp, 60)
    socket = await open_socket(cp.pk, alice, "?nodes=1&status=offline")
    assert (await socket.connect())[0]
    node_id = await sync_to_async(touch)("node-055", connected=False)
    await node_changed(cp, node_id)
    assert first_ids(await receive_update(socket)) == ["cp-summary", "node-rows", "node-pager"]
    await socket.disconnect()


async def test_a_new_node_replaces_the_whole_table_body(
    live: WebsocketCommunicator, cp: ControlPlane
) -> None:
    node = await sync_to_async(add_node)(cp, "newcomer")
    # register_node announces the node itself, after its transaction commits
    frames = await receive_update(live)
    assert first_ids(frames) == ["cp-summary", "node-rows", "node-pager"]
    assert f'id="node-{node.pk}"' in frames[1] and "newcomer" in frames[1]
    assert "1 node<" in frames[2]


async def test_a_new_version_refreshes_the_summary_and_rows(
    cp: ControlPlane, live: WebsocketCommunicator
) -> None:
    await sync_to_async(add_node)(cp, "edge-1")
    await receive_update(live)
    await sync_to_async(create_entity)(cp, "services", {"name": "billing", "host": "b"}, actor="t")
    summary, rows = await receive_update(live)
    assert 'id="cp-summary"' in summary and "v1" in summary
    assert rows.lstrip().startswith('<tbody id="node-rows"') and "edge-1" in rows


async def test_an_acknowledged_payload_refreshes_the_chart(
    cp: ControlPlane, live: WebsocketCommunicator
) -> None:
    node = await sync_to_async(add_node)(cp, "edge-1")
    await receive_update(live)
    await sync_to_async(NodeSyncRecord.objects.create)(
        node=node, control_plane=cp, at=timezone.now(), payload_type="snapshot", version=0,
        wire_bytes=10, raw_bytes=20, apply_ms=1.0, commit_to_ack_ms=2.0,
    )  # fmt: skip
    await node_changed(cp, str(node.pk))
    assert "sync-chart" in first_ids(await receive_update(live))


async def test_a_burst_of_events_is_rendered_once(
    cp: ControlPlane, live: WebsocketCommunicator
) -> None:
    node = await sync_to_async(add_node)(cp, "edge-1")
    await receive_update(live)
    for _ in range(20):
        await node_changed(cp, str(node.pk))
    assert f'id="node-{node.pk}"' in "".join(await receive_update(live))
    assert await live.receive_nothing(0.6)


async def test_a_page_without_a_node_table_gets_only_the_summary(
    cp: ControlPlane, alice: User
) -> None:
    await sync_to_async(add_node)(cp, "edge-1")
    socket = await open_socket(cp.pk, alice)
    assert (await socket.connect())[0]
    await sync_to_async(create_entity)(cp, "services", {"name": "billing", "host": "b"}, actor="t")
    frames = await receive_update(socket)
    assert len(frames) == 1 and 'id="cp-summary"' in frames[0]
    await socket.disconnect()


async def test_a_removed_member_stops_receiving_updates(cp: ControlPlane, charlie: User) -> None:
    socket = await open_socket(cp.pk, charlie)
    assert (await socket.connect())[0]
    await sync_to_async(Membership.objects.filter(user=charlie).delete)()
    await send_event(
        cp, events.live_version(control_plane_id=str(cp.pk), version=1, config_hash="x")
    )
    closed = await socket.receive_output(5)
    assert (closed["type"], closed["code"]) == ("websocket.close", 4404)
    await socket.disconnect()
