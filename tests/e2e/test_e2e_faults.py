"""The fault campaign, kept as tests: real processes on PostgreSQL and Redis, killed, restarted
and cut off, and afterwards the invariants of tests/support/invariants.py:

- the config is all old or all new;
- the change log is gapless and its hash chain is valid;
- every node converges;
- no acknowledged write is lost.

Heartbeats are short (KONNECTLITE_HEARTBEAT_INTERVAL), so every wait is a few seconds at most.
"""

import json
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from dataplane.store import Store
from tests.support.cluster import Cluster
from tests.support.invariants import (
    Writer,
    Writes,
    assert_all_old_or_all_new,
    assert_config_is_whole_versions,
    assert_log_gapless_and_chained,
    assert_no_acknowledged_write_lost,
    assert_nodes_converge,
    consumers,
    expected_config,
    export,
)
from tests.support.processes import Agent, RedisServer, cpu_time, http, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]

HEARTBEAT_INTERVAL = 1
FAST = {
    "KONNECTLITE_HEARTBEAT_INTERVAL": str(HEARTBEAT_INTERVAL),
    "KONNECTLITE_HEARTBEAT_TIMEOUT": str(5 * HEARTBEAT_INTERVAL),
}


def deck(cluster: Cluster, document: Any) -> tuple[int, Any]:
    path = f"/v2/control-planes/{cluster.cp_id}/declarative-config"
    try:
        return cluster.api("POST", path, document)
    except OSError as exc:  # the server died under it
        return 0, str(exc)


# --- kill -9 of the control plane during a large decK sync -------------------------------


def large_deck_file(entities: int) -> dict[str, Any]:
    """decK's own shape from the benchmark generator, limited by select_tags to its entities,
    so the consumers written through the API before it stay."""
    from scripts.generate_config import build

    document = build(entities, seed=7, with_ids=True)
    document["_info"] = {"select_tags": ["bulk"]}
    return document


def sync_is_writing(database_url: str) -> bool:
    """A transaction that holds a transaction id (it wrote) is working on the entity table."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
            " AND query ILIKE '%controlplane_entity%'"
        ).fetchone()
    return bool(row and row[0])


def test_a_control_plane_killed_during_a_large_deck_sync_keeps_the_old_config_or_the_new(
    postgres_cluster: Callable[..., Cluster], postgres_url: str
) -> None:
    cluster = postgres_cluster(**FAST)
    agent = cluster.agent("n1")
    writes = Writes()
    for i in range(5):
        assert writes.create_consumer(cluster.server.url, cluster, f"before-{i}")
    old = (cluster.version(), export(cluster))
    document = large_deck_file(3000)
    answers: list[tuple[int, Any]] = []
    syncing = threading.Thread(target=lambda: answers.append(deck(cluster, document)))
    syncing.start()
    try:
        wait_for(
            lambda: answers or sync_is_writing(postgres_url), 60, "the sync's write transaction"
        )
        cluster.server.kill()
    finally:
        syncing.join(60)
    assert answers and answers[0][0] == 0, f"the sync was answered before the kill: {answers}"

    cluster.server.start()  # same database, same port
    assert_all_old_or_all_new(cluster, old, document)
    code, body = deck(cluster, document)  # the operator syncs again
    assert code in (200, 201), body
    assert assert_all_old_or_all_new(cluster, old, document) == "new"
    versions = assert_log_gapless_and_chained(cluster)
    assert_config_is_whole_versions(cluster, versions)
    assert_nodes_converge(cluster, [agent])
    assert_no_acknowledged_write_lost(cluster, writes)


# --- kill -9 of an agent while it applies a snapshot --------------------------------------


def stored_config(data_dir: Path) -> tuple[int, str]:
    """The version of a stopped node's store, and the hash recomputed from its entities."""
    path = data_dir / "config.db"
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = Store.open(path)
    try:
        return store.version, store.config_hash
    finally:
        store.close()


def spend_cpu(agent: Agent, seconds: float) -> None:
    """Wait until the agent has used ``seconds`` more CPU time, or applied a snapshot."""
    assert agent.process is not None
    process, start = agent.process, cpu_time(agent.process)
    applied = agent.log().count("snapshot applied")
    wait_for(
        lambda: (
            cpu_time(process) - start >= seconds or agent.log().count("snapshot applied") > applied
        ),
        timeout=60,
        what=f"the node to spend {seconds:.2f} s of CPU",
    )


def test_an_agent_killed_while_applying_snapshots_keeps_an_intact_store_and_converges(
    postgres_cluster: Callable[..., Cluster],
) -> None:
    cluster = postgres_cluster(**FAST)
    # 10 MB of config: applying a snapshot of it keeps the node busy for a few hundred ms.
    bulk = [{"username": f"bulk-{i}", "custom_id": f"{i}-" + "x" * 5000} for i in range(2000)]
    code, body = deck(cluster, {"_format_version": "3.0", "consumers": bulk})
    assert code in (200, 201), body
    hashes = dict([expected_config(cluster)])
    full = ("--incremental-sync", "off")  # every version arrives as a snapshot of everything
    victim = cluster.agent("victim", *full)
    victim.wait_version(1, timeout=60)
    writes = Writes()

    def next_snapshot(name: str) -> tuple[int, int]:
        """Stop the node, write one more version, start the node to fetch it whole."""
        victim.kill()
        held, _ = stored_config(victim.data_dir)
        assert writes.create_consumer(cluster.server.url, cluster, name)
        version, hashes[version] = expected_config(cluster)
        victim.start(*full)
        return held, version

    # Once up, a node idles until the snapshot arrives: the CPU it then uses is the apply's.
    _, version = next_snapshot("calibration")
    assert victim.process is not None
    idle = cpu_time(victim.process)
    victim.wait_version(version, timeout=60)
    to_apply = cpu_time(victim.process) - idle
    for fraction in (0.2, 0.4, 0.6, 0.8, 0.95):
        held, version = next_snapshot(f"round-{fraction}")
        spend_cpu(victim, fraction * to_apply)
        victim.kill()
        stored = stored_config(victim.data_dir)
        assert stored in {(held, hashes[held]), (version, hashes[version])}, (fraction, stored)

    victim.start(*full)
    assert_nodes_converge(cluster, [victim])
    versions = assert_log_gapless_and_chained(cluster)
    assert_config_is_whole_versions(cluster, versions)
    assert_no_acknowledged_write_lost(cluster, writes)


# --- a control-plane restart while nodes are connected and writes go on -------------------


def test_restarting_the_control_plane_under_writes_loses_no_acknowledged_write(
    postgres_cluster: Callable[..., Cluster],
) -> None:
    cluster = postgres_cluster(**FAST)
    agents = [cluster.agent("n1"), cluster.agent("n2")]
    writes = Writes()
    writers = [Writer(cluster, cluster.server.url, f"w{i}", writes) for i in range(2)]
    for writer in writers:
        writer.start()
    try:
        for graceful in (True, False):
            acknowledged = len(writes.acknowledged)
            wait_for(lambda n=acknowledged: len(writes.acknowledged) >= n + 20, what="writes")
            if graceful:
                stopped_in_time = cluster.server.stop()
            else:
                cluster.server.kill()
            cluster.server.start()  # same database, same port
        acknowledged = len(writes.acknowledged)
        wait_for(lambda: len(writes.acknowledged) >= acknowledged + 20, what="writes after")
    finally:
        for writer in writers:
            writer.stop()

    versions = assert_log_gapless_and_chained(cluster)
    assert_config_is_whole_versions(cluster, versions)
    assert_no_acknowledged_write_lost(cluster, writes)
    assert_nodes_converge(cluster, agents)
    # Last, so that the invariants above are checked either way.
    assert stopped_in_time, "daphne did not exit within 10 s of SIGTERM; it had to be killed"


# --- two control-plane processes, each with concurrent writers ---------------------------


def write_and_rewrite(cluster: Cluster, server_url: str, prefix: str) -> dict[str, Any]:
    """Create, update and delete consumers; return each one's custom_id at the end, or
    "deleted". Every write must be acknowledged: nothing is failing here."""
    base = f"{server_url}/v2/control-planes/{cluster.cp_id}/core-entities/consumers"
    final: dict[str, Any] = {}
    for n in range(12):
        name = f"{prefix}-{n}"
        code, body = http("POST", base, {"username": name}, cluster.token)
        assert code == 201, body
        final[name] = None
        if n % 3 == 1:
            code, body = http("PATCH", f"{base}/{name}", {"custom_id": f"c-{name}"}, cluster.token)
            assert code == 200, body
            final[name] = f"c-{name}"
        elif n % 3 == 2:
            code, body = http("DELETE", f"{base}/{prefix}-{n - 2}", None, cluster.token)
            assert code == 204, body
            final[f"{prefix}-{n - 2}"] = "deleted"
    return final


def test_concurrent_writers_on_two_processes_leave_a_gapless_chained_log(
    postgres_cluster: Callable[..., Cluster],
) -> None:
    cluster = postgres_cluster(**FAST)
    second = cluster.add_server("daphne-2")
    agents = [cluster.agent("n1"), cluster.agent("n2", via=second)]
    results: list[dict[str, Any]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def writer(url: str, prefix: str) -> None:
        try:
            barrier.wait()
            results.append(write_and_rewrite(cluster, url, prefix))
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [
        threading.Thread(target=writer, args=(server.url, f"p{p}-t{t}"))
        for p, server in enumerate((cluster.server, second))
        for t in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == [] and len(results) == len(threads)

    versions = assert_log_gapless_and_chained(cluster)
    assert_config_is_whole_versions(cluster, versions)
    assert len(versions) == 6 * (12 + 4 + 4)  # per writer: 12 creates, 4 updates, 4 deletes
    present = consumers(cluster)
    for name, expected in {k: v for final in results for k, v in final.items()}.items():
        if expected == "deleted":
            assert name not in present
        else:
            assert present[name].get("custom_id") == expected, name
    assert_nodes_converge(cluster, agents)


# --- a Redis outage -----------------------------------------------------------------------


def test_nodes_converge_after_a_redis_outage_without_another_write(
    redis_server: RedisServer, postgres_cluster: Callable[..., Cluster]
) -> None:
    cluster = postgres_cluster(**FAST, REDIS_URL=redis_server.url)
    second = cluster.add_server("daphne-2")
    agents = [cluster.agent("n1"), cluster.agent("n2", via=second)]
    writes = Writes()
    assert writes.create_consumer(cluster.server.url, cluster, "before")
    assert_nodes_converge(cluster, agents)

    redis_server.stop()
    for i in range(5):
        server = (cluster.server, second)[i % 2]
        started = time.monotonic()
        assert writes.create_consumer(server.url, cluster, f"during-{i}"), writes.refused
        assert time.monotonic() - started < 10, "a write waited on the missing Redis"
    redis_server.start()  # the same port; no write from here on

    # Nodes report their version in every ping, so within a few heartbeats the control plane
    # knows they are behind and sends what they miss. (Slack for a busy test machine.)
    assert_nodes_converge(cluster, agents, timeout=3 * HEARTBEAT_INTERVAL + 5)
    versions = assert_log_gapless_and_chained(cluster)
    assert_config_is_whole_versions(cluster, versions)
    assert_no_acknowledged_write_lost(cluster, writes)


def test_a_node_revoked_while_redis_is_down_gets_no_later_version_and_is_closed(
    redis_server: RedisServer, postgres_cluster: Callable[..., Cluster]
) -> None:
    cluster = postgres_cluster(**FAST, REDIS_URL=redis_server.url)
    second = cluster.add_server("daphne-2")
    revoked, kept = cluster.agent("revoked", via=second), cluster.agent("kept")
    writes = Writes()
    assert writes.create_consumer(cluster.server.url, cluster, "before")
    assert_nodes_converge(cluster, [revoked, kept])
    node_id = json.loads((revoked.data_dir / "node.json").read_text())["node_id"]

    redis_server.stop()
    # Revoked through the first process; the node's socket lives in the second.
    status, body = cluster.api("DELETE", f"/v2/control-planes/{cluster.cp_id}/nodes/{node_id}")
    assert status == 204, body
    revoked_at = expected_config(cluster)[0]
    assert writes.create_consumer(second.url, cluster, "after-the-revoke")

    assert revoked.process is not None
    assert revoked.process.wait(timeout=2 * HEARTBEAT_INTERVAL + 10) == 3  # refused: final
    assert "revoked" in revoked.log()
    assert stored_config(revoked.data_dir)[0] == revoked_at
    assert_nodes_converge(cluster, [kept], timeout=3 * HEARTBEAT_INTERVAL + 5)
    assert_no_acknowledged_write_lost(cluster, writes)
