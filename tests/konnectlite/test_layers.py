"""The single-process channel layer: channels' in-memory layer, swept at most once a second."""

import time
from typing import Any

import pytest

from konnectlite import layers
from konnectlite.layers import LocalChannelLayer


async def test_a_broadcast_reaches_every_member() -> None:
    layer = LocalChannelLayer()
    channels = [await layer.new_channel() for _ in range(3)]
    for channel in channels:
        await layer.group_add("sync.cp", channel)
    await layer.group_send("sync.cp", {"type": "sync.version", "version": 2})
    for channel in channels:
        assert (await layer.receive(channel))["version"] == 2


async def test_expired_messages_are_still_swept(monkeypatch: pytest.MonkeyPatch) -> None:
    layer = LocalChannelLayer(expiry=0)
    channel = await layer.new_channel()
    await layer.group_add("sync.cp", channel)
    await layer.send(channel, {"type": "sync.version"})
    monkeypatch.setattr(layers, "SWEEP_INTERVAL", 0.0)
    layer._clean_expired()
    assert channel not in layer.channels
    assert channel not in layer.groups.get("sync.cp", {})


def test_the_sweep_runs_at_most_once_an_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    layer = LocalChannelLayer()
    sweeps: list[float] = []

    def counted(self: Any) -> None:
        sweeps.append(time.monotonic())

    monkeypatch.setattr(layers.InMemoryChannelLayer, "_clean_expired", counted)
    for _ in range(100):
        layer._clean_expired()
    assert len(sweeps) == 1
