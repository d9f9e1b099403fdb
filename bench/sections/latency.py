"""2. Commit-to-ack latency for one change, with 1, 10 and 100 connected nodes, in both modes.

Latency runs from the commit time the control plane stamps on the version to the moment each
node sends its ack. The nodes are real WebSocket clients in this process that acknowledge on
receipt; the time a real agent spends applying is measured in section 4 and adds to this.
Measurement starts once the nodes are connected and idle, after one uncounted change.
"""

import asyncio
from typing import Any

from bench.changes import ChangeMaker, expected
from bench.context import CATCH_UP_TIMEOUT, Context, in_thread
from bench.fleet import Fleet
from bench.stats import summary
from kongcore.protocol import SyncMode

TARGET_P99_MS = 100.0
TARGET_NODES = 100
# Changes come one at a time, as an operator makes them, not as a burst.
PAUSE_BETWEEN_CHANGES = 0.05
# Nodes that have just connected are still being recorded (their hellos are written in one
# batch); changes are measured once that is done, after one change that is not counted.
SETTLE_SECONDS = 2.0


async def measure(ctx: Context) -> dict[str, Any]:
    api, cp = ctx.cluster.api(), ctx.largest
    maker = await in_thread(ChangeMaker, api, cp.id, "latency")
    runs = []
    for mode in ("incremental", "full"):
        changes = ctx.profile.latency_changes
        if mode == "full":
            changes = ctx.profile.latency_full_changes
        for count in ctx.profile.latency_nodes:
            runs.append(await _run(ctx, maker, mode, count, changes))
    at_target = [r for r in runs if r["mode"] == "incremental" and r["nodes"] == TARGET_NODES]
    return {
        "entities": cp.entities,
        "runs": runs,
        "target_p99_ms": TARGET_P99_MS,
        "met": at_target[0]["latency_ms"]["p99"] <= TARGET_P99_MS if at_target else None,
    }


async def _run(
    ctx: Context, maker: ChangeMaker, mode: SyncMode, count: int, changes: int
) -> dict[str, Any]:
    fleet = Fleet.of(ctx.nodes(count), ctx.cluster.sync_url, mode)
    fleet.place(*await in_thread(expected, maker.api, ctx.largest.id))
    await fleet.connect()
    versions = []
    try:
        await _warm_up(maker, fleet)
        for _ in range(changes):
            _, version = await in_thread(maker.next)
            await fleet.wait_version(version, CATCH_UP_TIMEOUT)
            versions.append(version)
            await asyncio.sleep(PAUSE_BETWEEN_CHANGES)
        fleet.check()
    finally:
        await fleet.close()
    receipts = fleet.receipts(versions)
    kinds = {r.kind for r in receipts}
    if kinds != {"delta" if mode == "incremental" else "snapshot"}:
        raise AssertionError(f"{mode} nodes received {kinds}")
    return {
        "mode": mode,
        "nodes": count,
        "changes": changes,
        "latency_ms": summary([r.latency_ms for r in receipts]),
        "wire_bytes_per_node": round(sum(r.wire_bytes for r in receipts) / len(receipts)),
    }


async def _warm_up(maker: ChangeMaker, fleet: Fleet) -> None:
    await asyncio.sleep(SETTLE_SECONDS)
    _, version = await in_thread(maker.next)
    await fleet.wait_version(version, CATCH_UP_TIMEOUT)
    await asyncio.sleep(PAUSE_BETWEEN_CHANGES)
