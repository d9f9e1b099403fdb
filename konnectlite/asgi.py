"""ASGI entry point: Django for HTTP, Channels consumers for WebSockets (served by daphne).

HTTP passes through ``BoundedBodies`` first, which enforces each view's body limit on the
bytes as they stream in and gives Django a chunked body with its real Content-Length.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "konnectlite.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402  (needs Django set up first)

from controlplane.routing import websocket_application  # noqa: E402
from controlplane.sync.webhook_delivery import StartWebhookLoop  # noqa: E402
from konnectlite.bodies import BoundedBodies  # noqa: E402

application = StartWebhookLoop(
    ProtocolTypeRouter({"http": BoundedBodies(django_asgi_app), "websocket": websocket_application})
)
