"""Incremental sync end to end: a real daphne control plane and real konnectlite-dp agents."""

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.cluster import Cluster, base_env
from tests.support.processes import Agent, wait_for

pytestmark = pytest.mark.e2e


def node_state(cluster: Cluster, agent: Agent) -> dict[str, Any]:
    status = agent.status()
    assert status is not None
    code, body = cluster.api("GET", f"/v2/control-planes/{cluster.cp_id}/nodes/{status['node_id']}")
    assert code == 200, body
    return dict(body)


def settled_state(cluster: Cluster, agent: Agent, version: int) -> dict[str, Any]:
    """The node's state on the control plane once it has recorded ``version``."""
    return wait_for(
        lambda: (s := node_state(cluster, agent))["config_version"] == version and s,
        what=f"control plane to record version {version} for the node",
    )


def test_create_update_and_delete_all_reach_the_node(cluster: Cluster) -> None:
    agent = cluster.agent("n1")
    assert cluster.core("POST", "/services", {"name": "billing", "host": "b.internal"})[0] == 201
    status = agent.wait_version(1)
    assert status["entity_counts"].get("services") == 1
    assert cluster.core("PATCH", "/services/billing", {"port": 8080})[0] == 200
    agent.wait_version(2)
    assert cluster.core("DELETE", "/services/billing")[0] == 204
    status = agent.wait_version(3)
    assert status["entity_counts"].get("services", 0) == 0
    state = settled_state(cluster, agent, 3)
    assert state["in_sync"] and state["delta_count"] == 3 and state["snapshot_count"] == 0
    assert state["last_payload"]["type"] == "delta"


def test_a_cascade_arrives_as_one_version(cluster: Cluster) -> None:
    cluster.core("POST", "/services", {"name": "s", "host": "h"})
    cluster.core("POST", "/services/s/routes", {"name": "r", "paths": ["/r"]})
    cluster.core("POST", "/routes/r/plugins", {"name": "key-auth"})
    agent = cluster.agent("n1")
    agent.wait_version(3)
    cluster.core("DELETE", "/routes/r")
    status = agent.wait_version(4)
    assert status["entity_counts"].get("plugins", 0) == 0
    assert status["entity_counts"].get("routes", 0) == 0
    assert settled_state(cluster, agent, 4)["delta_count"] == 1


def test_a_burst_of_writes_arrives_in_order_with_no_gap(cluster: Cluster) -> None:
    agent = cluster.agent("n1")
    writes = 1000
    for i in range(writes):
        code, body = cluster.core("POST", "/consumers", {"username": f"user-{i}"})
        assert code == 201, body
    agent.wait_version(writes, timeout=120)
    state = settled_state(cluster, agent, writes)
    # A gap or a reordering would have been refused by the node and healed by a snapshot.
    assert state["snapshot_count"] == 0
    assert state["delta_count"] == writes
    assert state["in_sync"]


def test_a_restarted_node_resumes_with_deltas_only(cluster: Cluster) -> None:
    agent = cluster.agent("n1")
    cluster.core("POST", "/services", {"name": "s0", "host": "h"})
    agent.wait_version(1)
    agent.stop()
    for i in range(1, 6):
        cluster.core("POST", "/services", {"name": f"s{i}", "host": "h"})
    agent.start()
    agent.wait_version(6)
    state = settled_state(cluster, agent, 6)
    assert (state["delta_count"], state["snapshot_count"]) == (6, 0)


def test_a_node_keeps_serving_its_stored_config_while_the_control_plane_is_down(
    cluster: Cluster,
) -> None:
    agent = cluster.agent("n1")
    cluster.core("POST", "/services", {"name": "s", "host": "h"})
    agent.wait_version(1)
    cluster.server.stop()
    agent.stop()
    agent.start()
    status = wait_for(lambda: (s := agent.status()) and s, what="status")
    assert (status["version"], status["connected"]) == (1, False)
    assert status["entity_counts"]["services"] == 1


def test_a_restarted_control_plane_reconnects_its_nodes(cluster: Cluster) -> None:
    agent = cluster.agent("n1")
    cluster.core("POST", "/services", {"name": "s", "host": "h"})
    agent.wait_version(1)
    cluster.server.stop()
    cluster.server.start()
    wait_for(lambda: agent.status()["connected"], timeout=40, what="reconnect")  # type: ignore[index]
    cluster.core("POST", "/services", {"name": "t", "host": "h"})
    agent.wait_version(2)
    assert settled_state(cluster, agent, 2)["snapshot_count"] == 0


def test_a_node_too_far_behind_gets_a_full_snapshot(
    cluster_factory: Callable[..., Cluster], tmp_path: Path
) -> None:
    env = base_env(tmp_path, f"sqlite:///{tmp_path}/cp.sqlite3")
    env["KONNECTLITE_CHANGELOG_RETENTION"] = "3"
    cluster = cluster_factory(env)
    agent = cluster.agent("n1")
    cluster.core("POST", "/services", {"name": "s0", "host": "h"})
    agent.wait_version(1)
    agent.stop()
    for i in range(1, 8):
        cluster.core("POST", "/services", {"name": f"s{i}", "host": "h"})
    agent.start()
    agent.wait_version(8)
    state = settled_state(cluster, agent, 8)
    assert state["snapshot_count"] == 1 and state["last_payload"]["type"] == "snapshot"
    assert state["in_sync"]


def test_incremental_off_on_the_node_gives_full_syncs(cluster: Cluster) -> None:
    agent = cluster.agent("n1", "--incremental-sync", "off")
    cluster.core("POST", "/services", {"name": "s", "host": "h"})
    agent.wait_version(1)
    state = settled_state(cluster, agent, 1)
    assert state["sync_mode"] == "full"
    assert state["last_payload"]["type"] == "snapshot" and state["delta_count"] == 0


def test_incremental_off_on_the_control_plane_gives_full_syncs(cluster: Cluster) -> None:
    agent = cluster.agent("n1")
    code, _ = cluster.api(
        "PATCH", f"/v2/control-planes/{cluster.cp_id}", {"config": {"incremental_sync": False}}
    )
    assert code == 200
    cluster.core("POST", "/services", {"name": "s", "host": "h"})
    agent.wait_version(1)
    state = settled_state(cluster, agent, 1)
    assert state["sync_mode"] == "full" and state["last_payload"]["type"] == "snapshot"


def test_an_injected_hash_mismatch_heals_itself(cluster: Cluster) -> None:
    agent = cluster.agent("n1")
    cluster.core("POST", "/services", {"name": "s", "host": "h"})
    agent.wait_version(1)
    agent.stop()
    corrupt_one_entity(agent.data_dir)
    agent.start()
    wait_for(
        lambda: (s := node_state(cluster, agent))["snapshot_count"] == 1 and s["in_sync"],
        what="snapshot healing the corrupted store",
    )


def corrupt_one_entity(data_dir: Path) -> None:
    stores = list(data_dir.glob("*.sqlite3")) + list(data_dir.glob("*.db"))
    assert stores, f"no store in {list(data_dir.iterdir())}"
    with sqlite3.connect(stores[0]) as db:
        table, column = entity_table(db)
        rowid, raw = db.execute(f"SELECT rowid, {column} FROM {table} LIMIT 1").fetchone()
        data = json.loads(raw)
        data["host"] = "tampered.example"
        db.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (json.dumps(data), rowid))


def entity_table(db: sqlite3.Connection) -> tuple[str, str]:
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'"):
        columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
        for column in ("data", "entity", "json", "body"):
            if column in columns and "entity_type" in columns:
                return table, column
    raise AssertionError("no entity table in the node's store")


def test_revoking_a_node_disconnects_it(cluster: Cluster) -> None:
    agent = cluster.agent("n1")
    node_id = agent.status()["node_id"]  # type: ignore[index]
    code, _ = cluster.api("DELETE", f"/v2/control-planes/{cluster.cp_id}/nodes/{node_id}")
    assert code == 204
    assert agent.process is not None
    returncode = wait_for(
        lambda: agent.process.poll() is not None and agent.process.returncode,
        timeout=10,
        what="agent exit",
    )  # type: ignore[union-attr]
    assert returncode != 0
    assert "revoked" in agent.log()


def test_a_snapshot_larger_than_a_mebibyte_reaches_the_node(cluster: Cluster) -> None:
    import secrets

    consumers = [
        {"username": f"user-{i}", "custom_id": secrets.token_urlsafe(1500)} for i in range(1000)
    ]
    body = {"_format_version": "3.0", "consumers": consumers}
    code, diff = cluster.api("POST", f"/v2/control-planes/{cluster.cp_id}/declarative-config", body)
    assert code in (200, 201), diff
    agent = cluster.agent("n1", "--incremental-sync", "off")
    status = agent.wait_version(1)
    assert status["entity_counts"]["consumers"] == 1000
    assert status["last_sync"]["wire_bytes"] > 1024 * 1024
