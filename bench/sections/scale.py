"""5. Scale: one control-plane process holding 1,000 node connections.

Measured for each mode: the server's memory with every node connected and idle; how long one
change takes to reach every node; and, after every node disconnects and misses some versions,
how long they all take to catch up on reconnecting, and with what (deltas or snapshots).

Incremental mode is held to the targets; a wait that times out there means the run is broken.
Full mode ships the whole config to every node for every version; it gets the same bounded
time, and if it runs out, the result says how far it got.
"""

import asyncio
import os
import time
from typing import Any

from bench.changes import ChangeMaker, expected
from bench.context import CATCH_UP_TIMEOUT, Context, in_thread
from bench.errors import BenchFailure
from bench.fleet import Fleet
from bench.probe import ProcessProbe, megabytes
from bench.stats import summary
from kongcore.protocol import SyncMode

TARGET_NODES = 1000  # the targets are set for this many; smaller runs report, not judge
TARGET_FANOUT_P99_MS = 1000.0
TARGET_CATCH_UP_S = 10.0
IDLE_SETTLE_SECONDS = 2.0
CONNECT_CONCURRENCY = 100


async def measure(ctx: Context) -> dict[str, Any]:
    # Earlier sections leave the server's heap grown (full-mode snapshots are large), and new
    # connections would fit in that free space unseen: idle memory is measured on a fresh one.
    await in_thread(ctx.cluster.restart)
    api = ctx.cluster.api()
    maker = await in_thread(ChangeMaker, api, ctx.largest.id, "scale")
    identities = await in_thread(ctx.nodes, ctx.profile.scale_nodes)
    runs: dict[str, Any] = {}
    idle: dict[str, Any] = {}
    for mode in ("incremental", "full"):
        fleet = Fleet.of(identities, ctx.cluster.sync_url, mode)
        try:
            runs[mode], memory = await _run(ctx, maker, fleet, mode)
        finally:
            await fleet.close()
        idle = idle or memory  # the first connect shows what idle connections cost
    incremental = runs["incremental"]
    return {
        "entities": ctx.largest.entities,
        "nodes": len(identities),
        "idle_memory": idle,
        "modes": runs,
        "target_fanout_p99_ms": TARGET_FANOUT_P99_MS,
        "target_catch_up_s": TARGET_CATCH_UP_S,
        **_met(incremental, judged=len(identities) >= TARGET_NODES),
    }


def _met(incremental: dict[str, Any], judged: bool) -> dict[str, bool | None]:
    """Each target's verdict, or None for a run too small to judge."""
    fanout = incremental["fanout_ms"].get("p99", float("inf")) <= TARGET_FANOUT_P99_MS
    catch_up = incremental["catch_up"]
    caught_up = catch_up["seconds"] <= TARGET_CATCH_UP_S and catch_up["snapshots"] == 0
    if not judged:
        return {"met_fanout": None, "met_catch_up": None, "met": None}
    return {"met_fanout": fanout, "met_catch_up": caught_up, "met": fanout and caught_up}


async def _run(
    ctx: Context, maker: ChangeMaker, fleet: Fleet, mode: SyncMode
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The mode's figures, and the server's memory before and after connecting everyone."""
    probe = ctx.cluster.probe()
    fleet.place(*await in_thread(expected, maker.api, ctx.largest.id))
    before = probe.rss_bytes()
    connect_s = await fleet.connect(concurrency=CONNECT_CONCURRENCY)
    await asyncio.sleep(IDLE_SETTLE_SECONDS)
    idle = probe.rss_bytes()
    how = probe.start_peak()
    strict = mode == "incremental"
    fanout = await _fan_out(ctx, maker, fleet, strict)
    catch_up = await _catch_up(ctx, maker, fleet, strict)
    fleet.check()
    result = {
        "connect_all_s": round(connect_s, 2),
        "fanout_ms": fanout,
        "catch_up": catch_up,
        "server_peak_rss_mb": megabytes(probe.peak_bytes()),
        "peak_measured_by": how,
    }
    memory = {
        "rss_before_mb": megabytes(before),
        "rss_idle_connected_mb": megabytes(idle),
        "rss_per_connection_kb": round((idle - before) / len(fleet.nodes) / 1024, 1),
    }
    return result, memory


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
    server, client = ctx.cluster.probe(), ProcessProbe(os.getpid())
    cpu = server.cpu_seconds(), client.cpu_seconds()
    started = time.monotonic()
    await fleet.connect(concurrency=len(fleet.nodes))
    complete = await _reach(fleet, last, strict)
    seconds = time.monotonic() - started
    received = fleet.receipts(range(first, last + 1))
    return {
        "versions_behind": ctx.profile.scale_behind,
        "seconds": round(seconds, 2),
        "server_cpu_s": round(server.cpu_seconds() - cpu[0], 2),
        "client_cpu_s": round(client.cpu_seconds() - cpu[1], 2),
        "complete": complete,
        "reached": _count_at(fleet, last),
        "deltas": sum(1 for r in received if r.kind == "delta"),
        "snapshots": sum(1 for r in received if r.kind == "snapshot"),
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
