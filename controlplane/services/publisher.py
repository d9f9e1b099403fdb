"""Sends channel-layer events; services call it only from ``transaction.on_commit``."""

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def publish(group: str, event: dict[str, Any]) -> None:
    """Send ``event`` to every member of ``group``.

    A failure to publish never undoes a committed write: connected nodes also catch up from
    the change log when they next hear of a newer version, or when they reconnect.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:
        logger.exception("could not publish %s to %s", event.get("type"), group)


async def apublish(group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        await layer.group_send(group, event)
    except Exception:
        logger.exception("could not publish %s to %s", event.get("type"), group)
