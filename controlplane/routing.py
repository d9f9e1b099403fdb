"""WebSocket routes: the data-plane sync endpoint and the dashboard's live updates."""

from typing import Any

from channels.routing import URLRouter
from django.urls import path

from controlplane.consumers.sync import SyncConsumer
from kongcore import protocol

websocket_urlpatterns: list[Any] = [
    path(protocol.SYNC_PATH.lstrip("/"), SyncConsumer.as_asgi()),  # type: ignore[arg-type]
]

websocket_application = URLRouter(websocket_urlpatterns)
