"""4. Node cost: real ``konnectlite-dp`` agents holding the largest config, one per mode.

Apply time is the agent's own figure (``last_sync.apply_ms`` at /status: decoding, checking
the hash, writing its SQLite store, updating its index). Memory is the agent process's
resident set, and its high-water mark while the changes arrive. Commit-to-ack is what the
control plane recorded for each agent's ack of each version.
"""

import time
from pathlib import Path
from typing import Any

from bench.changes import ChangeMaker, expected
from bench.context import Context, in_thread
from bench.errors import BenchFailure
from bench.probe import ProcessProbe, megabytes
from bench.stats import summary
from tests.support.processes import Agent, wait_for

TARGET_MEDIAN_APPLY_MS = 2.0
FIRST_SYNC_TIMEOUT = 600.0
SETTLE_SECONDS = 1.0
MODES = {"incremental": "on", "full": "off"}


async def measure(ctx: Context) -> dict[str, Any]:
    return await in_thread(_measure, ctx)


def _measure(ctx: Context) -> dict[str, Any]:
    agents = {mode: _start(ctx, mode) for mode in MODES}
    try:
        version, _ = expected(ctx.cluster.api(), ctx.largest.id)
        first_sync = {mode: _first_sync(agent, version) for mode, agent in agents.items()}
        time.sleep(SETTLE_SECONDS)
        return _changes(ctx, agents, first_sync)
    finally:
        for agent in agents.values():
            agent.stop()


def _start(ctx: Context, mode: str) -> Agent:
    workdir: Path = ctx.cluster.workdir
    agent = Agent(workdir / f"agent-{mode}", dict(ctx.cluster.env))
    token = ctx.cluster.registration_token(ctx.largest.id)
    result = agent.register(ctx.cluster.url, token, f"agent-{mode}")
    if result.returncode != 0:
        raise BenchFailure(f"konnectlite-dp register failed: {result.stderr}")
    return agent.start("--incremental-sync", MODES[mode], "--log-level", "warning")


def _first_sync(agent: Agent, version: int) -> float:
    started = time.monotonic()
    try:
        agent.wait_version(version, FIRST_SYNC_TIMEOUT)
    except AssertionError as exc:
        raise BenchFailure(f"{exc}; agent log: {agent.log()[-2000:]}") from None
    return round(time.monotonic() - started, 2)


def _changes(
    ctx: Context, agents: dict[str, Agent], first_sync: dict[str, float]
) -> dict[str, Any]:
    assert all(agent.process is not None for agent in agents.values())
    probes = {mode: ProcessProbe(a.process.pid) for mode, a in agents.items()}  # type: ignore[union-attr]
    holding = {mode: probe.rss_bytes() for mode, probe in probes.items()}
    cpu = {mode: probe.cpu_seconds() for mode, probe in probes.items()}
    how = {mode: probe.start_peak() for mode, probe in probes.items()}
    api = ctx.cluster.api()
    maker = ChangeMaker(api, ctx.largest.id, "node")
    apply_ms: dict[str, list[float]] = {mode: [] for mode in agents}
    acked_ms: dict[str, list[float]] = {mode: [] for mode in agents}
    count = ctx.profile.node_changes
    for _ in range(count):
        _, version = maker.next()
        for mode, agent in agents.items():
            apply_ms[mode].append(_applied(agent, version, mode))
            acked_ms[mode].append(_commit_to_ack(ctx, agent, version))
    return {
        "entities": ctx.largest.entities,
        "changes": count,
        "modes": {
            mode: {
                "first_sync_s": first_sync[mode],
                "rss_holding_config_mb": megabytes(holding[mode]),
                "peak_rss_during_changes_mb": megabytes(probes[mode].peak_bytes()),
                "peak_above_holding_mb": megabytes(
                    max(0, probes[mode].peak_bytes() - holding[mode])
                ),
                "peak_measured_by": how[mode],
                "cpu_ms_per_change": round(
                    (probes[mode].cpu_seconds() - cpu[mode]) * 1000 / count, 2
                ),
                "apply_ms": summary(apply_ms[mode], 3),
                "commit_to_ack_ms": summary(acked_ms[mode], 1),
            }
            for mode in agents
        },
        "target_median_apply_ms": TARGET_MEDIAN_APPLY_MS,
        "met": summary(apply_ms["incremental"], 3)["p50"] <= TARGET_MEDIAN_APPLY_MS,
    }


def _applied(agent: Agent, version: int, mode: str) -> float:
    status = agent.wait_version(version, 120)
    expected_type = "delta" if mode == "incremental" else "full"
    if status["last_sync"]["type"] != expected_type:
        raise BenchFailure(f"{mode} agent received {status['last_sync']['type']}")
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
