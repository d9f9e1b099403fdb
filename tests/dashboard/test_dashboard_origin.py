"""Who may open the WebSockets, by Origin: the dashboard's own pages, and agents with none."""

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.test import Client

from controlplane.models import ControlPlane, User
from controlplane.routing import websocket_application
from kongcore import protocol

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def any_host_allowed(settings: Any) -> None:
    """The default, KONNECTLITE_ALLOWED_HOSTS=*: the Origin check must not lean on it."""
    settings.ALLOWED_HOSTS = ["*"]


def session_cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


async def live_socket(
    cp: ControlPlane,
    user: User,
    origin: str | None,
    host: str = "konnect.example.com",
    **scope: Any,
) -> WebsocketCommunicator:
    cookie = await sync_to_async(session_cookie)(user)
    headers = [(b"host", host.encode())]
    headers.append((b"cookie", f"{django_settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    path = f"/ws/control-planes/{cp.pk}/live"
    socket = WebsocketCommunicator(websocket_application, path, headers=headers)
    socket.scope.update(scope)
    return socket


async def connects(socket: WebsocketCommunicator) -> bool:
    connected, _ = await socket.connect()
    await socket.disconnect()
    return connected


async def test_the_sites_own_origin_may_open_the_live_socket(cp: ControlPlane, alice: User) -> None:
    assert await connects(await live_socket(cp, alice, "http://konnect.example.com"))
    assert await connects(await live_socket(cp, alice, "https://konnect.example.com"))


async def test_a_foreign_origin_is_refused_even_with_any_host_allowed(
    cp: ControlPlane, alice: User
) -> None:
    assert not await connects(await live_socket(cp, alice, "https://evil.example.net"))
    # Same host name, other port: another origin.
    assert not await connects(await live_socket(cp, alice, "http://konnect.example.com:8080"))


async def test_a_live_socket_without_an_origin_is_refused(cp: ControlPlane, alice: User) -> None:
    assert not await connects(await live_socket(cp, alice, None))


async def test_a_trusted_origin_may_open_the_live_socket(
    cp: ControlPlane, alice: User, settings: Any
) -> None:
    settings.CSRF_TRUSTED_ORIGINS = ["https://dash.example.com", "https://*.corp.example"]
    assert await connects(await live_socket(cp, alice, "https://dash.example.com"))
    assert await connects(await live_socket(cp, alice, "https://ops.corp.example"))
    assert not await connects(await live_socket(cp, alice, "http://ops.corp.example"))
    assert not await connects(await live_socket(cp, alice, "https://dash.example.com.evil.net"))


async def test_over_wss_a_plain_http_page_is_refused(cp: ControlPlane, alice: User) -> None:
    socket = await live_socket(cp, alice, "http://konnect.example.com", scheme="wss")
    assert not await connects(socket)
    socket = await live_socket(cp, alice, "https://konnect.example.com", scheme="wss")
    assert await connects(socket)


async def test_a_host_outside_allowed_hosts_is_refused_even_as_its_own_origin(
    cp: ControlPlane, alice: User, settings: Any
) -> None:
    settings.ALLOWED_HOSTS = ["konnect.example.com"]
    own = await live_socket(cp, alice, "http://konnect.example.com")
    assert await connects(own)
    other = await live_socket(cp, alice, "http://evil.example.net", host="evil.example.net")
    assert not await connects(other)


def sync_socket(origin: str | None) -> WebsocketCommunicator:
    headers = [(b"host", b"konnect.example.com")]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    return WebsocketCommunicator(websocket_application, protocol.SYNC_PATH, headers=headers)


async def test_agents_without_an_origin_reach_the_sync_socket(db: None) -> None:
    socket = sync_socket(None)
    connected, _ = await socket.connect()
    # Past the Origin check, the sync consumer itself asks for the node's credential.
    assert connected
    message = await socket.receive_output(5)
    while message["type"] != "websocket.close":  # an error frame may come first
        message = await socket.receive_output(5)
    assert message["code"] == protocol.CLOSE_UNAUTHORIZED
    await socket.disconnect()


async def test_a_browser_page_may_not_open_the_sync_socket(db: None) -> None:
    for origin in ("https://evil.example.net", "http://konnect.example.com"):
        assert not await connects(sync_socket(origin))
