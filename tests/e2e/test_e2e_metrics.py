"""Metrics from real processes: two daphne processes in multi-process mode answer the same sums,
and a real agent serves its own /metrics."""

import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.cluster import Cluster
from tests.support.processes import Agent, wait_for
from tests.support.prometheus import metric

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]

FAST = {"KONNECTLITE_HEARTBEAT_INTERVAL": "1", "KONNECTLITE_HEARTBEAT_TIMEOUT": "5"}


def scrape(url: str) -> str:
    with urllib.request.urlopen(f"{url}/metrics", timeout=10) as response:
        return str(response.read().decode())


def agent_metrics(agent: Agent) -> str:
    return scrape(f"http://127.0.0.1:{agent.status_port}")


def test_every_server_process_answers_the_sum_of_all_processes(
    postgres_cluster: Callable[..., Cluster], tmp_path: Path
) -> None:
    shared = tmp_path / "prometheus"
    shared.mkdir()
    cluster = postgres_cluster(**FAST, PROMETHEUS_MULTIPROC_DIR=str(shared))
    second = cluster.add_server("daphne-2")
    agents = [cluster.agent("n1"), cluster.agent("n2", via=second)]
    status, body = cluster.core("POST", "/services", {"name": "a", "host": "h.internal"})
    assert status == 201, body
    for agent in agents:
        agent.wait_version(1)
    cp = {"control_plane": cluster.cp_id}

    def both_acked(url: str) -> str | None:
        text = scrape(url)
        acks = metric(text, "konnectlite_commit_to_ack_seconds_count", **cp, type="delta")
        in_sync = metric(text, "konnectlite_nodes", **cp, status="in_sync")
        return text if (acks, in_sync) == (2, 2) else None

    for server in (cluster.server, second):
        text = wait_for(lambda url=server.url: both_acked(url), what="both acks counted")
        # Each process sent one node its delta; either process tells both.
        assert metric(text, "konnectlite_payloads_sent_total", **cp, type="delta") == 2
        assert metric(text, "konnectlite_websocket_connections", **cp) == 2
        assert metric(text, "konnectlite_versions_committed_total", **cp) == 1
        assert metric(text, "konnectlite_config_version", **cp) == 1

    for agent in agents:
        text = agent_metrics(agent)
        assert metric(text, "konnectlite_dp_config_version") == 1
        assert metric(text, "konnectlite_dp_apply_seconds_count", type="delta") == 1
        assert metric(text, "konnectlite_dp_reconnects_total") == 0
