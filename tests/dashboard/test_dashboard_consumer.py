"""The dashboard's live socket: session auth, tenancy, and out-of-band swaps from live events."""

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
from controlplane.models import ControlPlane, DataPlaneNode, Membership, User
from controlplane.routing import websocket_application
from controlplane.services import nodes
from controlplane.services.entities import create_entity

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


def test_only_the_dashboard_socket_checks_the_origin_and_uses_the_session() -> None:
    from channels.security.websocket import OriginValidator

    routes = {str(r.pattern): r.callback for r in websocket_application.routes}
    assert isinstance(routes["ws/control-planes/<uuid:cp_id>/live"], OriginValidator)
    assert not isinstance(routes["v2/dataplane/sync"], OriginValidator)


async def test_a_node_event_swaps_that_nodes_row(cp: ControlPlane, alice: User) -> None:
    node = await sync_to_async(add_node)(cp, "edge-1")
    socket = await open_socket(cp.pk, alice, "?nodes=1")
    assert (await socket.connect())[0]
    await sync_to_async(DataPlaneNode.objects.filter(pk=node.pk).update)(
        config_version=0, version="9.9.9"
    )
    await send_event(cp, events.live_node(control_plane_id=str(cp.pk), node={"id": str(node.pk)}))
    summary, row, chart = await receive_update(socket)
    assert summary.lstrip().startswith('<section class="stats" id="cp-summary"')
    assert row.lstrip().startswith(f'<tr id="node-{node.pk}"') and "9.9.9" in row  # only that row
    assert chart.lstrip().startswith('<div id="sync-chart"')
    await socket.disconnect()


async def test_a_new_node_replaces_the_whole_table_body(
    live: WebsocketCommunicator, cp: ControlPlane
) -> None:
    node = await sync_to_async(add_node)(cp, "newcomer")
    # register_node announces the node itself, after its transaction commits
    _, rows, _ = await receive_update(live)
    assert rows.lstrip().startswith('<tbody id="node-rows"')
    assert f'id="node-{node.pk}"' in rows and "newcomer" in rows


async def test_a_new_version_refreshes_the_summary_rows_and_chart(
    live: WebsocketCommunicator, cp: ControlPlane
) -> None:
    await sync_to_async(create_entity)(cp, "services", {"name": "billing", "host": "b"}, actor="t")
    summary, rows, chart = await receive_update(live)
    assert 'id="cp-summary"' in summary and "v1" in summary
    assert '<tbody id="node-rows"' in rows and 'id="sync-chart"' in chart


async def test_a_burst_of_events_is_rendered_once(
    cp: ControlPlane, live: WebsocketCommunicator
) -> None:
    node = await sync_to_async(add_node)(cp, "edge-1")
    await receive_update(live)
    for _ in range(20):
        await send_event(
            cp, events.live_node(control_plane_id=str(cp.pk), node={"id": str(node.pk)})
        )
    assert f'id="node-{node.pk}"' in (await receive_update(live))[1]
    assert await live.receive_nothing(0.6)


async def test_a_page_without_a_node_table_gets_only_the_summary(
    cp: ControlPlane, alice: User
) -> None:
    socket = await open_socket(cp.pk, alice)
    assert (await socket.connect())[0]
    await send_event(
        cp, events.live_version(control_plane_id=str(cp.pk), version=1, config_hash="x")
    )
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
