"""WebSocket routes: the data-plane sync endpoint and the dashboard's live updates."""

from typing import Any

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from django.urls import path

from controlplane.consumers.dashboard import DashboardConsumer
from controlplane.consumers.origin import OriginGuard, has_no_origin, is_own_or_trusted_origin
from controlplane.sync.consumer import SyncConsumer
from kongcore import protocol

websocket_urlpatterns: list[Any] = [
    # Agents authenticate with a bearer token and send no Origin; a browser page may not connect.
    path(
        protocol.SYNC_PATH.lstrip("/"),
        OriginGuard(SyncConsumer.as_asgi(), has_no_origin),
    ),
    # Only the dashboard's socket uses the browser session, so only the site's own pages
    # (or trusted origins) may open it, whatever ALLOWED_HOSTS says.
    path(
        "ws/control-planes/<uuid:cp_id>/live",
        OriginGuard(AuthMiddlewareStack(DashboardConsumer.as_asgi()), is_own_or_trusted_origin),
    ),
]

websocket_application = URLRouter(websocket_urlpatterns)
