"""Sends channel-layer events. Services call ``publish_on_commit``, never the layer itself.

A failed publish never undoes a committed write and is never silent: it is logged as a
warning naming the event (and its version, if it has one). Delivery does not depend on it
either: each sync connection compares its node's reported version with the control plane's
own and catches it up (consumer.py, anti-entropy), so a lost message costs a delay of at most
two heartbeat intervals, not a stale node.
"""

import asyncio
import logging
import os
from collections.abc import Callable
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import BaseChannelLayer, get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

Event = dict[str, Any]
# How long a request thread waits for the layer to take an event. A hung Redis, or a server
# whose event loop stopped for shutdown, would otherwise hold the thread, and with it the
# process's exit, forever.
PUBLISH_TIMEOUT_SECONDS = 5.0


def publish_on_commit(*messages: Callable[[], tuple[str, Event]]) -> None:
    """After the current transaction commits, send each ``(group, event)`` its factory makes.

    Factories run after commit, so an event may read what the transaction wrote. Outside a
    transaction the messages are sent at once.
    """

    def send() -> None:
        for make in messages:
            publish(*make())

    transaction.on_commit(send)


def publish(group: str, event: Event) -> None:
    """Send ``event`` to every member of ``group``; failures are logged, never raised."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        _send_from_thread(layer, group, event)
    except Exception as exc:
        _warn(group, event, exc)


def _send_from_thread(layer: BaseChannelLayer, group: str, event: Event) -> None:
    loop = _server_loop()
    if loop is None:  # a management command or a test: no server loop to hand the send to
        async_to_sync(layer.group_send)(group, event)
        return
    if not loop.is_running():
        raise RuntimeError("the server is shutting down")
    sending = asyncio.run_coroutine_threadsafe(layer.group_send(group, event), loop)
    try:
        sending.result(timeout=PUBLISH_TIMEOUT_SECONDS)
    except TimeoutError:
        sending.cancel()
        raise TimeoutError(f"the channel layer took over {PUBLISH_TIMEOUT_SECONDS} s") from None


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The server's event loop, when this is one of its request threads.

    asgiref records it for its own ``async_to_sync``, which waits without a limit (and so
    forever once the loop stops); reading it here lets a publish wait with one.
    """
    local = SyncToAsync.threadlocal
    if getattr(local, "main_event_loop_pid", None) != os.getpid():
        return None
    return getattr(local, "main_event_loop", None)


async def apublish(group: str, event: Event) -> bool:
    """``publish`` for async callers; False when the layer refused the event."""
    layer = get_channel_layer()
    if layer is None:
        return True
    try:
        await layer.group_send(group, event)
    except Exception as exc:
        _warn(group, event, exc)
        return False
    return True


def _warn(group: str, event: Event, exc: Exception) -> None:
    version = event.get("version")
    logger.warning(
        "could not publish %s%s to %s: %s: %s",
        event.get("type"),
        f" (version {version})" if version is not None else "",
        group,
        type(exc).__name__,
        exc,
    )
