"""5. Scale: one control-plane process holding 1,000 node connections.

Measured for each mode: the server's memory with every node connected and idle; how long one
change takes to reach every node; and, after every node disconnects and misses some versions,
how long they all take to catch up on reconnecting, and with what (deltas or snapshots).

Incremental mode is held to the targets; a wait that times out there means the run is broken.
Full mode ships the whole config to every node for every version; it gets the same bounded
time, and if it runs out, the result says how far it got.
"""

import asyncio
import time
from typing import Any

from bench.changes import ChangeMaker, expected
from bench.context import CATCH_UP_TIMEOUT, Context, in_thread
from bench.errors import BenchFailure
from bench.fleet import Fleet
from bench.probe import megabytes
from bench.stats import summary
from kongcore.protocol import SyncMode

TARGET_FANOUT_P99_MS = 1000.0
TARGET_CATCH_UP_S = 10.0
IDLE_SETTLE_SECONDS = 2.0
CONNECT_CONCURRENCY = 100


async def measure(ctx: Context) -> dict[str, Any]:
    api = ctx.cluster.api()
    maker = await in_thread(ChangeMaker, api, ctx.largest.id, "scale")
    identities = await in_thread(ctx.nodes, ctx.profile.scale_nodes)
    runs = {}
    for mode in ("incremental", "full"):
        fleet = Fleet.of(identities, ctx.cluster.sync_url, mode)
        try:
            runs[mode] = await _run(ctx, maker, fleet, mode)
        finally:
            await fleet.close()
    incremental = runs["incremental"]
    return {
        "entities": ctx.largest.entities,
        "nodes": len(identities),
        "modes": runs,
        "target_fanout_p99_ms": TARGET_FANOUT_P99_MS,
        "target_catch_up_s": TARGET_CATCH_UP_S,
        "met": incremental["fanout_ms"]["p99"] <= TARGET_FANOUT_P99_MS
        and incremental["catch_up"]["seconds"] <= TARGET_CATCH_UP_S
        and incremental["catch_up"]["snapshots"] == 0,
    }


async def _run(ctx: Context, maker: ChangeMaker, fleet: Fleet, mode: SyncMode) -> dict[str, Any]:
    probe = ctx.cluster.probe()
    fleet.place(*await in_thread(expected, maker.api, ctx.largest.id))
    before = probe.rss_bytes()
    connect_s = await fleet.connect(concurrency=CONNECT_CONCURRENCY)
    await asyncio.sleep(IDLE_SETTLE_SECONDS)
    idle = probe.rss_bytes()
    strict = mode == "incremental"
    fanout = await _fan_out(ctx, maker, fleet, strict)
    catch_up = await _catch_up(ctx, maker, fleet, strict)
    fleet.check()
    return {
        "connect_all_s": round(connect_s, 2),
        "rss_before_mb": megabytes(before),
        "rss_idle_connected_mb": megabytes(idle),
        "rss_per_connection_kb": round((idle - before) / len(fleet.nodes) / 1024, 1),
        "fanout_ms": fanout,
        "catch_up": catch_up,
    }


async def _fan_out(ctx: Context, maker: ChangeMaker, fleet: Fleet, strict: bool) -> dict[str, Any]:
    """Every node's commit-to-ack for each of a few changes, made one after another."""
    versions = []
    for _ in range(ctx.profile.scale_changes):
        _, version = await in_thread(maker.next)
        if not await _reach(fleet, version, strict):
            return {"complete": False, "reached": _count_at(fleet, version)}
        versions.append(version)
    result = summary([r.latency_ms for r in fleet.receipts(versions)], 1)
    return {**result, "complete": True}


async def _catch_up(ctx: Context, maker: ChangeMaker, fleet: Fleet, strict: bool) -> dict[str, Any]:
    """Disconnect everyone, commit ``scale_behind`` versions, reconnect everyone at once."""
    await fleet.close()
    for _ in range(ctx.profile.scale_behind):
        _, last = await in_thread(maker.next)
    first = last - ctx.profile.scale_behind + 1
    started = time.monotonic()
    await fleet.connect(concurrency=len(fleet.nodes))
    complete = await _reach(fleet, last, strict)
    seconds = time.monotonic() - started
    received = fleet.receipts(range(first, last + 1))
    return {
        "versions_behind": ctx.profile.scale_behind,
        "seconds": round(seconds, 2),
        "complete": complete,
        "reached": _count_at(fleet, last),
        "deltas": sum(1 for r in received if r.kind == "delta"),
        "snapshots": sum(1 for r in received if r.kind == "full"),
        "wire_mb": megabytes(sum(r.wire_bytes for r in received)),
    }


async def _reach(fleet: Fleet, version: int, strict: bool) -> bool:
    try:
        await fleet.wait_version(version, CATCH_UP_TIMEOUT)
    except BenchFailure:
        if strict:
            raise
        return False
    return True


def _count_at(fleet: Fleet, version: int) -> int:
    return sum(1 for node in fleet.nodes if node.version >= version)
