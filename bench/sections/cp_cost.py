"""3. Control-plane cost per change (CPU time, peak memory) at each config size, both modes.

Everything the server process does for a change is counted: the API request, the write and
its change-log entry, building and sending what the node receives, reading its ack and writing
the node's state. With SQLite the database engine runs inside that process, so its work is
counted too. One node is connected, in the mode measured.
"""

import asyncio
import time
from typing import Any

from bench.changes import ChangeMaker, expected
from bench.cluster import NodeIdentity
from bench.context import CATCH_UP_TIMEOUT, Context, in_thread
from bench.fleet import Fleet
from bench.probe import megabytes
from bench.stats import ratio
from kongcore.protocol import SyncMode

TARGET_RATIO = 1.5
TARGET_ENTITIES = 30_000  # the target compares this size with the smallest
# Longer than the node-state flush interval, so a flush lands inside the window it belongs to.
SETTLE_SECONDS = 0.8
WARM_UP_CHANGES = 3


async def measure(ctx: Context) -> dict[str, Any]:
    sizes = sorted(ctx.profile.sizes)
    nodes = {
        size: ctx.cluster.register_nodes(cp.id, 1, f"cost-{size}")[0]
        for size, cp in ctx.cluster.control_planes.items()
        if size in sizes
    }
    plan: list[tuple[SyncMode, int]] = [
        ("incremental", ctx.profile.cost_changes),
        ("full", ctx.profile.cost_full_changes),
    ]
    runs = []
    for mode, changes in plan:
        for size in sizes:
            runs.append(await _run(ctx, size, mode, changes, nodes[size]))
    growth = {mode: _growth(runs, mode, sizes) for mode in ("incremental", "full")}
    return {
        "runs": runs,
        "cpu_growth": growth,
        "target_ratio": TARGET_RATIO,
        "met": _met(growth["incremental"]) if sizes[-1] >= TARGET_ENTITIES else None,
    }


async def _run(
    ctx: Context, size: int, mode: SyncMode, changes: int, node: NodeIdentity
) -> dict[str, Any]:
    cp, api = ctx.cluster.control_planes[size], ctx.cluster.api()
    fleet = Fleet.of([node], ctx.cluster.sync_url, mode)
    fleet.place(*await in_thread(expected, api, cp.id))
    await fleet.connect()
    maker = await in_thread(ChangeMaker, api, cp.id, f"cost-{mode}")
    probe = ctx.cluster.probe()
    try:
        await _changes(maker, fleet, WARM_UP_CHANGES)
        await asyncio.sleep(SETTLE_SECONDS)
        cpu, idle_rss, how = probe.cpu_seconds(), probe.rss_bytes(), probe.start_peak()
        started = time.monotonic()
        await _changes(maker, fleet, changes)
        wall = time.monotonic() - started
        await asyncio.sleep(SETTLE_SECONDS)
        cpu, peak = probe.cpu_seconds() - cpu, probe.peak_bytes()
        fleet.check()
    finally:
        await fleet.close()
    return {
        "mode": mode,
        "entities": size,
        "changes": changes,
        "cpu_ms_per_change": round(cpu * 1000 / changes, 2),
        "wall_ms_per_change": round(wall * 1000 / changes, 1),
        "idle_rss_mb": megabytes(idle_rss),
        "peak_rss_mb": megabytes(peak),
        "peak_above_idle_mb": megabytes(max(0, peak - idle_rss)),
        "peak_measured_by": how,
    }


async def _changes(maker: ChangeMaker, fleet: Fleet, count: int) -> None:
    for _ in range(count):
        _, version = await in_thread(maker.next)
        await fleet.wait_version(version, CATCH_UP_TIMEOUT)


def _met(growth: float | None) -> bool:
    return growth is not None and growth <= TARGET_RATIO


def _growth(runs: list[dict[str, Any]], mode: str, sizes: list[int]) -> float | None:
    """CPU per change at the largest size over the same at the smallest."""
    by_size = {r["entities"]: r["cpu_ms_per_change"] for r in runs if r["mode"] == mode}
    return ratio(by_size[sizes[-1]], by_size[sizes[0]])
