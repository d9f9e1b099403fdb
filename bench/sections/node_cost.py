"""4. Node cost: real ``konnectlite-dp`` agents holding the largest config, one per mode.

Apply time is the agent's own figure (``last_sync.apply_ms`` at /status: decoding, checking
the hash, writing its SQLite store, updating its index). Memory is the agent process's
resident set, and its high-water mark while the changes arrive. Commit-to-ack is what the
control plane recorded for each agent's ack of each version. For scale, a third agent holds
the smallest config: most of an agent's memory is Python itself, not the config.
"""

import time
from dataclasses import dataclass, field
from typing import Any

from bench.changes import ChangeMaker, expected
from bench.cluster import ControlPlaneInfo
from bench.context import Context, in_thread
from bench.errors import BenchFailure
from bench.probe import ProcessProbe, megabytes
from bench.stats import summary
from tests.support.processes import Agent, wait_for

TARGET_MEDIAN_APPLY_MS = 2.0
TARGET_ENTITIES = 30_000  # the target is for this size; smaller runs report, not judge
FIRST_SYNC_TIMEOUT = 600.0
SETTLE_SECONDS = 1.0
MODES = {"incremental": "on", "full": "off"}


@dataclass
class Watched:
    """One running agent and what was measured of it."""

    mode: str
    agent: Agent
    probe: ProcessProbe
    first_sync_s: float
    snapshot_apply_ms: float
    apply_ms: list[float] = field(default_factory=list)
    commit_to_ack_ms: list[float] = field(default_factory=list)


async def measure(ctx: Context) -> dict[str, Any]:
    return await in_thread(_measure, ctx)


def _measure(ctx: Context) -> dict[str, Any]:
    reference = _reference_rss(ctx)
    watched: list[Watched] = []
    try:
        for mode in MODES:
            watched.append(_start(ctx, ctx.largest, mode))
        time.sleep(SETTLE_SECONDS)
        modes = _changes(ctx, watched)
    finally:
        for one in watched:
            one.agent.stop()
    return {
        "entities": ctx.largest.entities,
        "changes": ctx.profile.node_changes,
        "reference": reference,
        "modes": modes,
        "target_median_apply_ms": TARGET_MEDIAN_APPLY_MS,
        "met": modes["incremental"]["apply_ms"]["p50"] <= TARGET_MEDIAN_APPLY_MS
        if ctx.largest.entities >= TARGET_ENTITIES
        else None,
    }


def _reference_rss(ctx: Context) -> dict[str, Any]:
    """An incremental agent holding the smallest config, for comparison."""
    smallest = ctx.cluster.control_planes[min(ctx.profile.sizes)]
    one = _start(ctx, smallest, "incremental", name="reference")
    try:
        time.sleep(SETTLE_SECONDS)
        return {"entities": smallest.entities, "rss_mb": megabytes(one.probe.rss_bytes())}
    finally:
        one.agent.stop()


def _start(ctx: Context, cp: ControlPlaneInfo, mode: str, name: str = "") -> Watched:
    """Register and start an agent, and wait until it holds the control plane's config."""
    name = name or f"agent-{mode}"
    agent = Agent(ctx.cluster.workdir / name, dict(ctx.cluster.env))
    result = agent.register(ctx.cluster.url, ctx.cluster.registration_token(cp.id), name)
    if result.returncode != 0:
        raise BenchFailure(f"konnectlite-dp register failed: {result.stderr}")
    version, _ = expected(ctx.cluster.api(), cp.id)
    started = time.monotonic()
    try:
        agent.start("--incremental-sync", MODES[mode], "--log-level", "warning")
        status = agent.wait_version(version, FIRST_SYNC_TIMEOUT)
    except AssertionError as exc:
        agent.stop()
        raise BenchFailure(f"{exc}; agent log: {agent.log()[-2000:]}") from None
    assert agent.process is not None
    first_sync = round(time.monotonic() - started, 2)
    snapshot_ms = float(status["last_sync"]["apply_ms"])
    return Watched(mode, agent, ProcessProbe(agent.process.pid), first_sync, snapshot_ms)


def _changes(ctx: Context, watched: list[Watched]) -> dict[str, Any]:
    holding = {w.mode: w.probe.rss_bytes() for w in watched}
    cpu = {w.mode: w.probe.cpu_seconds() for w in watched}
    how = {w.mode: w.probe.start_peak() for w in watched}
    maker = ChangeMaker(ctx.cluster.api(), ctx.largest.id, "node")
    for _ in range(ctx.profile.node_changes):
        _, version = maker.next()
        for one in watched:
            one.apply_ms.append(_applied(one, version))
            one.commit_to_ack_ms.append(_commit_to_ack(ctx, one.agent, version))
    count = ctx.profile.node_changes
    return {
        w.mode: {
            "first_sync_s": w.first_sync_s,
            "snapshot_apply_ms": round(w.snapshot_apply_ms, 1),
            "rss_holding_config_mb": megabytes(holding[w.mode]),
            **_peak(w.probe, holding[w.mode], how[w.mode]),
            "cpu_ms_per_change": round((w.probe.cpu_seconds() - cpu[w.mode]) * 1000 / count, 2),
            "apply_ms": summary(w.apply_ms, 3),
            "commit_to_ack_ms": summary(w.commit_to_ack_ms, 1),
        }
        for w in watched
    }


def _peak(probe: ProcessProbe, holding: int, how: str) -> dict[str, Any]:
    peak = probe.peak_bytes()
    return {
        "peak_rss_during_changes_mb": megabytes(peak),
        "peak_above_holding_mb": megabytes(max(0, peak - holding)),
        "peak_measured_by": how,
    }


def _applied(one: Watched, version: int) -> float:
    status = one.agent.wait_version(version, 120)
    expected_type = "delta" if one.mode == "incremental" else "snapshot"
    if status["last_sync"]["type"] != expected_type:
        raise BenchFailure(f"{one.mode} agent received {status['last_sync']['type']}")
    return float(status["last_sync"]["apply_ms"])


def _commit_to_ack(ctx: Context, agent: Agent, version: int) -> float:
    """The control plane's record of this agent's ack (written within its flush interval)."""
    status = agent.status()
    assert status is not None
    path = f"/v2/control-planes/{ctx.largest.id}/nodes/{status['node_id']}"
    api = ctx.cluster.api()
    node = wait_for(
        lambda: (body := api.expect(200, "GET", path))["config_version"] == version and body,
        timeout=30,
        what=f"the control plane to record version {version} for {status['name']}",
    )
    return float(node["last_commit_to_ack_ms"])
