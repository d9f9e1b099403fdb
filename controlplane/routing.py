"""WebSocket routes: the data-plane sync endpoint and the dashboard's live updates."""

from typing import Any

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from controlplane.consumers.dashboard import DashboardConsumer
from controlplane.consumers.sync import SyncConsumer
from kongcore import protocol

websocket_urlpatterns: list[Any] = [
    path(protocol.SYNC_PATH.lstrip("/"), SyncConsumer.as_asgi()),  # type: ignore[arg-type]
    # Only the dashboard's socket uses the browser session (and so checks the Origin).
    path(
        "ws/control-planes/<uuid:cp_id>/live",
        AllowedHostsOriginValidator(AuthMiddlewareStack(DashboardConsumer.as_asgi())),
    ),
]

websocket_application = URLRouter(websocket_urlpatterns)
