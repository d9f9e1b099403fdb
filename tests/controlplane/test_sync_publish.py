"""Publishing to the channel layer: after commit only, and never silently failing."""

import asyncio
import logging
import os
import threading
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


class HungLayer:
    async def group_send(self, group: str, event: dict[str, Any]) -> None:
        await asyncio.sleep(3600)


def publish_from_a_request_thread(loop: asyncio.AbstractEventLoop) -> None:
    """Publish as a request thread of a server whose event loop is ``loop`` does."""

    def request_thread() -> None:
        from asgiref.sync import SyncToAsync

        SyncToAsync.threadlocal.main_event_loop = loop
        SyncToAsync.threadlocal.main_event_loop_pid = os.getpid()
        publish.publish("sync.cp", {"type": "sync.version", "version": 7})

    thread = threading.Thread(target=request_thread)
    thread.start()
    thread.join(30)
    assert not thread.is_alive(), "the publish never returned"


def test_a_publish_during_shutdown_returns_at_once_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(publish, "get_channel_layer", lambda: HungLayer())
    stopped = asyncio.new_event_loop()
    try:
        with caplog.at_level(logging.WARNING, logger="controlplane.sync.publish"):
            publish_from_a_request_thread(stopped)
    finally:
        stopped.close()
    assert "the server is shutting down" in caplog.records[0].getMessage()


async def test_a_hung_layer_holds_a_request_thread_only_for_the_publish_timeout(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(publish, "get_channel_layer", lambda: HungLayer())
    monkeypatch.setattr(publish, "PUBLISH_TIMEOUT_SECONDS", 0.2)
    loop = asyncio.get_running_loop()
    with caplog.at_level(logging.WARNING, logger="controlplane.sync.publish"):
        await loop.run_in_executor(None, publish_from_a_request_thread, loop)
    assert "sync.version (version 7)" in caplog.records[0].getMessage()
    assert "took over 0.2 s" in caplog.records[0].getMessage()
