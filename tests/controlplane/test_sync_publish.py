"""Publishing to the channel layer: after commit only, and never silently failing."""

import logging
from typing import Any

import pytest

from controlplane.sync import publish


class BrokenLayer:
    async def group_send(self, group: str, event: dict[str, Any]) -> None:
        raise ConnectionError("Redis is down")


def test_a_failed_publish_is_a_warning_naming_the_event_and_its_version(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(publish, "get_channel_layer", lambda: BrokenLayer())
    with caplog.at_level(logging.WARNING, logger="controlplane.sync.publish"):
        publish.publish("sync.cp", {"type": "sync.version", "version": 42})
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert "sync.version (version 42) to sync.cp" in record.getMessage()
    assert "Redis is down" in record.getMessage()


async def test_a_failed_async_publish_is_a_warning_too(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(publish, "get_channel_layer", lambda: BrokenLayer())
    with caplog.at_level(logging.WARNING, logger="controlplane.sync.publish"):
        await publish.apublish("live.cp", {"type": "live.node"})
    assert "could not publish live.node to live.cp" in caplog.records[0].getMessage()


@pytest.mark.django_db(transaction=True)
def test_publish_on_commit_sends_nothing_when_the_transaction_rolls_back(
    published: list[tuple[str, dict[str, Any]]],
) -> None:
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        publish.publish_on_commit(lambda: ("g", {"type": "x.y"}))
        raise RuntimeError("rolled back")
    with transaction.atomic():
        publish.publish_on_commit(lambda: ("g", {"type": "x.z"}))
    assert published == [("g", {"type": "x.z"})]
