"""Encoded deltas and snapshots, shared by every connection of a process."""

import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from controlplane.models import ControlPlane
from controlplane.services import entities
from controlplane.sync import frames
from kongcore import protocol

pytestmark = pytest.mark.django_db(transaction=True)


def frame(size: int) -> protocol.Frame:
    return protocol.Frame(b"x" * size, size)


def test_the_delta_cache_is_bounded_in_bytes() -> None:
    cache = frames.DeltaCache(size=100, max_bytes=250)
    for version in range(1, 4):
        cache.put("cp", frames.Delta(version, 0.0, frame(100), 0))
    assert cache.get("cp", 1) is None
    assert cache.range("cp", 2, 3) is not None and cache.bytes == 200


@pytest.fixture(autouse=True)
def empty_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(frames, "deltas", frames.DeltaCache(100, 10**9))


async def test_concurrent_catch_ups_read_the_log_once(
    cp: ControlPlane, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    for name in ("a", "b", "c"):
        await sync_to_async(entities.create_entity)(
            cp, "services", {"name": name, "host": "h"}, actor="t"
        )
    loads: list[Any] = []
    real_load = frames._load_deltas

    async def counting_load(*args: Any) -> Any:
        loads.append(args)
        return await real_load(*args)

    monkeypatch.setattr(frames, "_load_deltas", counting_load)
    results = await asyncio.gather(*(frames.delta_frames(str(cp.pk), 1, 3) for _ in range(5)))
    assert len(loads) == 1
    assert all([delta.version for delta in r] == [1, 2, 3] for r in results)


async def test_a_version_no_longer_in_the_log_is_reported(cp: ControlPlane) -> None:
    await sync_to_async(entities.create_entity)(
        cp, "services", {"name": "a", "host": "h"}, actor="t"
    )
    with pytest.raises(frames.VersionGone):
        await frames.delta_frames(str(cp.pk), 1, 2)


async def test_a_snapshot_is_built_once_per_version_and_reason(
    cp: ControlPlane, monkeypatch: pytest.MonkeyPatch
) -> None:
    await sync_to_async(entities.create_entity)(
        cp, "services", {"name": "a", "host": "h"}, actor="t"
    )
    first = await frames.snapshot_frame(str(cp.pk), "new")
    monkeypatch.setattr(frames, "_build_snapshot", None)  # a second build would fail
    again = await frames.snapshot_frame(str(cp.pk), "new", version_hint=1)
    assert again is first and first.version == 1


async def test_snapshots_are_compressed_only_past_the_threshold_as_every_message(
    cp: ControlPlane,
) -> None:
    await sync_to_async(entities.create_entity)(
        cp, "services", {"name": "small", "host": "h"}, actor="t"
    )
    small = await frames.snapshot_frame(str(cp.pk), "new")
    assert not small.frame.is_binary and small.frame.raw_bytes <= protocol.COMPRESS_THRESHOLD
    for index in range(40):
        await sync_to_async(entities.create_entity)(
            cp, "services", {"name": f"s{index}", "host": "h"}, actor="t"
        )
    large = await frames.snapshot_frame(str(cp.pk), "new")
    assert large.frame.is_binary and large.frame.raw_bytes > protocol.COMPRESS_THRESHOLD


def test_the_log_and_the_event_carry_the_same_delta_message() -> None:
    change: protocol.Change = {
        "op": "delete",
        "entity_type": "services",
        "entity": None,
        "old_entity": {"id": "s1", "name": "a", "host": "h"},
    }
    frame = frames.encode_delta(version=3, config_hash="ab", committed_at=1.5, changes=[change])
    message = json.loads(frame.data)
    assert (message["from_version"], message["to_version"], message["hash"]) == (2, 3, "ab")
    assert message["changes"] == [
        {"op": "delete", "entity_type": "services", "entity": None, "old_entity": {"id": "s1"}}
    ]
