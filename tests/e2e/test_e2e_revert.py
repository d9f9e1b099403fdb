"""Reverting end to end: a real daphne and a real konnectlite-dp agent. The node receives the
revert as one delta, and ends with the target version's hash."""

from typing import Any

import pytest

from tests.support.cluster import Cluster
from tests.support.processes import wait_for

pytestmark = pytest.mark.e2e

FIRST: dict[str, Any] = {
    "_format_version": "3.0",
    "services": [
        {
            "name": "billing",
            "host": "billing.internal",
            "routes": [{"name": "invoices", "paths": ["/invoices"]}],
        }
    ],
    "consumers": [{"username": "ann", "keyauth_credentials": [{"key": "ann-key"}]}],
}
SECOND: dict[str, Any] = {
    "_format_version": "3.0",
    "services": [{"name": "billing", "host": "billing-v2.internal", "port": 8443}],
    "upstreams": [{"name": "pool", "targets": [{"target": "10.0.0.1:80"}]}],
}


def hash_of(cluster: Cluster, version: int) -> str:
    status, body = cluster.api("GET", f"/v2/control-planes/{cluster.cp_id}/changes?size=1000")
    assert status == 200, body
    return next(item["config_hash"] for item in body["data"] if item["version"] == version)


def test_a_node_receives_a_revert_as_one_delta_and_ends_at_the_target_hash(
    cluster: Cluster,
) -> None:
    agent = cluster.agent("n1")
    deck = f"/v2/control-planes/{cluster.cp_id}/declarative-config"
    for number, document in enumerate((FIRST, SECOND), start=1):
        status, body = cluster.api("POST", deck, document)
        assert status == 200, body
        agent.wait_version(number)
    status, body = cluster.api(
        "POST", f"/v2/control-planes/{cluster.cp_id}/revert", {"to_version": 1}
    )
    assert status == 200, body
    assert body["config_version"] == 3 and body["config_hash"] == hash_of(cluster, 1)
    node = agent.wait_version(3)
    assert node["hash"] == hash_of(cluster, 1)
    assert node["entity_counts"].get("upstreams", 0) == 0 and node["entity_counts"]["routes"] == 1
    node_id = node["node_id"]
    state = wait_for(
        lambda: (
            (s := cluster.api("GET", f"/v2/control-planes/{cluster.cp_id}/nodes/{node_id}")[1])
            and s["config_version"] == 3
            and s
        ),
        what="the control plane to record version 3 for the node",
    )
    assert state["in_sync"] and state["snapshot_count"] == 0 and state["delta_count"] == 3
