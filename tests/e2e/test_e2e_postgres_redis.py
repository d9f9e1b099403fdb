"""Two control-plane processes sharing PostgreSQL and Redis: a write through one reaches a
node connected to the other."""

import os
from pathlib import Path

import pytest

from tests.support.cluster import Cluster, base_env, start_cluster
from tests.support.processes import ControlPlaneServer

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]


def test_a_change_written_through_one_process_reaches_nodes_of_another(
    postgres_url: str, tmp_path: Path
) -> None:
    env = base_env(tmp_path, postgres_url)
    env["REDIS_URL"] = os.environ["REDIS_URL"]
    cluster: Cluster = start_cluster(tmp_path, env)
    second = ControlPlaneServer(env, tmp_path / "daphne-2.log").start()
    try:
        agent = cluster.agent("n1")
        agent.stop()
        # Point the node at the second process.
        node_file = agent.data_dir / "node.json"
        node_file.write_text(
            node_file.read_text().replace(str(cluster.server.port), str(second.port))
        )
        agent.start()
        code, body = cluster.core("POST", "/services", {"name": "via-first", "host": "h"})
        assert code == 201, body
        status = agent.wait_version(1)
        assert status["entity_counts"]["services"] == 1
    finally:
        second.stop()
        cluster.stop()
