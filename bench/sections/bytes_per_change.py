"""1. Bytes per change: what one up-to-date node receives for a one-entity create, update, delete.

Two nodes watch the largest config side by side, one incremental and one in full mode, and
both inflate what they receive, so each figure has its size on the wire (the WebSocket
message) and uncompressed (the JSON).
"""

from typing import Any

from bench.changes import ChangeMaker, expected
from bench.context import CATCH_UP_TIMEOUT, Context, in_thread
from bench.fleet import Fleet, LightNode, Receipt
from bench.stats import ratio

TARGET_WIRE_BYTES = 2048


async def measure(ctx: Context) -> dict[str, Any]:
    api, cp = ctx.cluster.api(), ctx.largest
    incremental_id, full_id = ctx.nodes(2)
    url = ctx.cluster.sync_url
    incremental = LightNode(incremental_id, url, "incremental", inflate=True)
    full = LightNode(full_id, url, "full", inflate=True)
    fleet = Fleet([incremental, full])
    fleet.place(*await in_thread(expected, api, cp.id))
    await fleet.connect()
    maker = await in_thread(ChangeMaker, api, cp.id, "bytes")
    rows = []
    try:
        for _ in range(3):
            operation, version = await in_thread(maker.next)
            await fleet.wait_version(version, CATCH_UP_TIMEOUT)
            rows.append(_row(operation, incremental.receipts[version], full.receipts[version]))
        fleet.check()
    finally:
        await fleet.close()
    worst = max(row["incremental"]["wire_bytes"] for row in rows)
    return {
        "entities": cp.entities,
        "changes": rows,
        "target_wire_bytes": TARGET_WIRE_BYTES,
        "worst_incremental_wire_bytes": worst,
        "met": worst <= TARGET_WIRE_BYTES,
    }


def _row(operation: str, incremental: Receipt, full: Receipt) -> dict[str, Any]:
    if incremental.kind != "delta" or full.kind != "snapshot":
        raise AssertionError(f"{operation}: got {incremental.kind} and {full.kind}")
    return {
        "operation": operation,
        "incremental": {"wire_bytes": incremental.wire_bytes, "raw_bytes": incremental.raw_bytes},
        "full": {"wire_bytes": full.wire_bytes, "raw_bytes": full.raw_bytes},
        "wire_ratio": ratio(full.wire_bytes, incremental.wire_bytes, 0),
        "raw_ratio": ratio(full.raw_bytes, incremental.raw_bytes, 0),
    }
