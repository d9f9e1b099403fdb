"""What must hold after any fault, checked through the public API and the nodes' own status.

- the config is all old or all new: a write is one version, never half of one;
- the change log is gapless and its hash chain is valid: replaying every version's changes
  from the empty hash gives each version's recorded hash, and the last is the current one;
- every node converges: each agent reports the control plane's version and hash;
- no acknowledged write is lost: every write answered with a 2xx is there afterwards.
"""

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from controlplane.entity_paths import PATHS
from kongcore import hashing
from tests.support.cluster import Cluster
from tests.support.processes import Agent, http, wait_for


def expected_config(cluster: Cluster) -> tuple[int, str]:
    status, body = cluster.api("GET", f"/v2/control-planes/{cluster.cp_id}/expected-config")
    assert status == 200, body
    return int(body["version"]), str(body["hash"])


def export(cluster: Cluster) -> Any:
    path = f"/v2/control-planes/{cluster.cp_id}/declarative-config?format=json"
    status, body = cluster.api("GET", path)
    assert status == 200, body
    return body


def change_log(cluster: Cluster) -> list[dict[str, Any]]:
    """Every version the change log holds, oldest first, read page by page."""
    versions: list[dict[str, Any]] = []
    path: str | None = f"/v2/control-planes/{cluster.cp_id}/changes?after=0&size=1000"
    while path is not None:
        status, body = cluster.api("GET", path)
        assert status == 200, body
        versions += body["data"]
        path = body["next"]
    return versions


def replay(versions: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The config the log adds up to, by type and id; every change must fit what came before
    it (a create finds no entity, an update or delete finds exactly its ``old_entity``)."""
    config: dict[str, dict[str, Any]] = {}
    for version in versions:
        for change in version["changes"]:
            rows, entity_id = config.setdefault(change["entity_type"], {}), change["entity_id"]
            where = f"version {version['version']}: {change['op']} {change['entity_type']}"
            if change["op"] == "create":
                assert entity_id not in rows, f"{where} {entity_id} already exists"
            else:
                assert rows.get(entity_id) == change["old_entity"], f"{where} {entity_id} differs"
            if change["entity"] is None:
                rows.pop(entity_id, None)
            else:
                rows[entity_id] = change["entity"]
    return config


def assert_log_gapless_and_chained(cluster: Cluster) -> list[dict[str, Any]]:
    """Versions run 1..current with none missing, each change fits the config before it, and
    each recorded hash is the one replayed from the previous version's.

    The log must start at version 1 (keep the test under the retention window), so the chain
    starts from the empty config's hash.
    """
    versions = change_log(cluster)
    numbers = [v["version"] for v in versions]
    assert numbers == list(range(1, len(numbers) + 1)), f"versions with a gap: {numbers}"
    replay(versions)
    config_hash = hashing.EMPTY_HASH
    for version in versions:
        for change in version["changes"]:
            config_hash = hashing.apply_change(
                config_hash, change["entity_type"], change["old_entity"], change["entity"]
            )
        assert config_hash == version["config_hash"], f"hash chain broken at {version['version']}"
    assert expected_config(cluster) == (len(numbers), config_hash)
    return versions


def live_config(cluster: Cluster) -> dict[str, dict[str, Any]]:
    """Every entity the API lists, by type and id."""
    config: dict[str, dict[str, Any]] = {}
    for kind, collection in PATHS.items():
        path: str | None = f"/v2/control-planes/{cluster.cp_id}/core-entities/{collection}"
        path = f"{path}?size=1000"
        while path is not None:
            status, body = cluster.api("GET", path)
            assert status == 200, body
            config.setdefault(kind, {}).update({row["id"]: row for row in body["data"]})
            path = body["next"]
    return config


def assert_config_is_whole_versions(cluster: Cluster, versions: list[dict[str, Any]]) -> None:
    """The entities are exactly what the log's versions add up to: no write left part of
    itself behind, in the config or in the log."""
    logged, live = replay(versions), live_config(cluster)
    for kind in PATHS:
        assert live.get(kind, {}) == logged.get(kind, {}), f"{kind} differ from the log"


def assert_all_old_or_all_new(cluster: Cluster, old: tuple[int, Any], new_file: Any) -> str:
    """The config is exactly ``old`` (version, export) or exactly ``new_file`` applied once.

    "All new" is checked by syncing the file again as a dry run: it must change nothing.
    Returns ``"old"`` or ``"new"``.
    """
    old_version, old_export = old
    version, _ = expected_config(cluster)
    if version == old_version:
        assert export(cluster) == old_export, "the version did not move but the config did"
        return "old"
    assert version == old_version + 1, f"one file became {version - old_version} versions"
    path = f"/v2/control-planes/{cluster.cp_id}/declarative-config?dry_run=true"
    status, body = cluster.api("POST", path, new_file)
    assert status in (200, 201), body
    assert body["summary"]["total_changes"] == 0, f"partly applied: {body['summary']}"
    return "new"


def assert_nodes_converge(cluster: Cluster, agents: list[Agent], timeout: float = 30) -> None:
    """Every agent reports the control plane's current version and hash."""
    version, config_hash = expected_config(cluster)
    for agent in agents:
        wait_for(
            lambda agent=agent: (
                (s := agent.status()) and (s["version"], s["hash"]) == (version, config_hash)
            ),
            timeout,
            what=f"node at version {version} hash {config_hash[:12]} (status {agent.status()})",
        )


@dataclass
class Writes:
    """Consumers created through the API: which were acknowledged, which got no answer."""

    acknowledged: dict[str, str] = field(default_factory=dict)  # username -> id
    unanswered: set[str] = field(default_factory=set)
    refused: dict[str, int] = field(default_factory=dict)  # username -> HTTP status
    lock: threading.Lock = field(default_factory=threading.Lock)

    def create_consumer(self, server_url: str, cluster: Cluster, username: str) -> bool:
        """Create one consumer through ``server_url``; True if it was acknowledged."""
        path = f"{server_url}/v2/control-planes/{cluster.cp_id}/core-entities/consumers"
        try:
            status, body = http("POST", path, {"username": username}, cluster.token)
        except OSError:  # refused, reset or timed out: it may or may not have been written
            with self.lock:
                self.unanswered.add(username)
            return False
        with self.lock:
            if 200 <= status < 300:
                self.acknowledged[username] = body["id"]
            else:
                self.refused[username] = status
        return 200 <= status < 300


def consumers(cluster: Cluster) -> dict[str, dict[str, Any]]:
    """Every consumer of the control plane by username."""
    found: dict[str, dict[str, Any]] = {}
    path: str | None = f"/v2/control-planes/{cluster.cp_id}/core-entities/consumers?size=1000"
    while path is not None:
        status, body = cluster.api("GET", path)
        assert status == 200, body
        found.update({row["username"]: row for row in body["data"]})
        path = body["next"]
    return found


def assert_no_acknowledged_write_lost(cluster: Cluster, writes: Writes) -> None:
    """Every acknowledged consumer exists with its id and is in the change log, and no refused
    write took effect. (A write that got no answer may or may not have.)"""
    present = consumers(cluster)
    lost = {
        name
        for name, id_ in writes.acknowledged.items()
        if name not in present or present[name]["id"] != id_
    }
    assert not lost, f"{len(lost)} acknowledged writes lost: {sorted(lost)[:10]}"
    logged = {
        change["entity_id"]
        for version in change_log(cluster)
        for change in version["changes"]
        if change["entity_type"] == "consumers" and change["op"] == "create"
    }
    assert set(writes.acknowledged.values()) <= logged
    phantoms = set(present) & set(writes.refused)
    assert not phantoms, f"refused writes took effect: {sorted(phantoms)[:10]}"


class Writer(threading.Thread):
    """Creates consumers ``prefix-0``, ``prefix-1``, … through one server until stopped."""

    def __init__(self, cluster: Cluster, server_url: str, prefix: str, writes: Writes) -> None:
        super().__init__(name=f"writer-{prefix}", daemon=True)
        self.cluster, self.server_url, self.prefix, self.writes = (
            cluster,
            server_url,
            prefix,
            writes,
        )
        self.stopping = threading.Event()
        self.count = 0

    def run(self) -> None:
        while not self.stopping.is_set():
            if not self.writes.create_consumer(
                self.server_url, self.cluster, f"{self.prefix}-{self.count}"
            ):
                time.sleep(0.05)  # the server is down: do not spin
            self.count += 1

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=60)
        assert not self.is_alive(), f"{self.name} did not stop"
