"""Webhooks end to end: a real daphne, real konnectlite-dp agents stopped, frozen and started
again, and a real local HTTP receiver checking every signature."""

import asyncio
import hashlib
import hmac
import json
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect

from kongcore import hashing, protocol
from tests.support.cluster import Cluster, sqlite_env
from tests.support.processes import wait_for
from tests.support.webhook_receiver import Received, Receiver, webhook_receiver

pytestmark = pytest.mark.e2e
SECRET = "e2e-webhook-secret-0123456789"
EVENTS = ["node.out_of_sync", "node.offline", "node.back_in_sync", "node.nack", "version.created"]


def fast_alerts_cluster(cluster_factory: Callable[..., Cluster], tmp_path: Path) -> Cluster:
    env = sqlite_env(tmp_path)
    env.update(KONNECTLITE_OUT_OF_SYNC_GRACE="2", KONNECTLITE_STALE_AFTER="1")
    return cluster_factory(env)


def subscribe(cluster: Cluster, receiver: Receiver) -> str:
    path = f"/v2/control-planes/{cluster.cp_id}/webhooks"
    status, body = cluster.api(
        "POST", path, {"url": receiver.url, "events": EVENTS, "secret": SECRET}
    )
    assert status == 201, body
    return str(body["id"])


def signed(received: Received) -> bool:
    expected = hmac.new(SECRET.encode(), received.raw, hashlib.sha256).hexdigest()
    return received.headers["X-Konnectlite-Signature"] == f"sha256={expected}"


def wait_event(receiver: Receiver, event: str, count: int = 1) -> Received:
    receiver.wait_for(lambda got: sum(r.event == event for r in got) >= count)
    return [r for r in receiver.received if r.event == event][count - 1]


def node_state(cluster: Cluster, node_id: str) -> dict[str, Any]:
    status, body = cluster.api("GET", f"/v2/control-planes/{cluster.cp_id}/nodes/{node_id}")
    assert status == 200, body
    return dict(body)


def test_webhooks_follow_real_nodes_stopped_frozen_and_started(
    cluster_factory: Callable[..., Cluster], tmp_path: Path
) -> None:
    cluster = fast_alerts_cluster(cluster_factory, tmp_path)
    with webhook_receiver() as receiver:
        hook_id = subscribe(cluster, receiver)
        agent = cluster.agent("edge-1")
        assert cluster.core("POST", "/services", {"name": "a", "host": "a.internal"})[0] == 201
        node_id = agent.wait_version(1)["node_id"]
        created = wait_event(receiver, "version.created")
        assert created.body["data"]["version"] == 1

        agent.stop()
        offline = wait_event(receiver, "node.offline")
        assert offline.body["data"]["node"] == {
            "id": node_id,
            "name": "edge-1",
            "hostname": offline.body["data"]["node"]["hostname"],
        }
        agent.start()
        wait_event(receiver, "node.back_in_sync")

        assert agent.process is not None
        os.kill(agent.process.pid, signal.SIGSTOP)  # connected, but acks nothing
        try:
            assert cluster.core("POST", "/services", {"name": "b", "host": "b.internal"})[0] == 201
            late = wait_event(receiver, "node.out_of_sync")
            assert late.body["data"]["health"]["status"] == "stale"
            assert late.body["data"]["health"]["versions_behind"] == 1
            state = node_state(cluster, node_id)
            assert (state["status"], state["versions_behind"]) == ("stale", 1)
            _, cp = cluster.api("GET", f"/v2/control-planes/{cluster.cp_id}")
            assert cp["fleet"]["counts"]["stale"] == 1
            assert cp["fleet"]["oldest_out_of_sync"]["id"] == node_id
        finally:
            os.kill(agent.process.pid, signal.SIGCONT)
        agent.wait_version(2)
        wait_event(receiver, "node.back_in_sync", count=2)
        wait_for(lambda: node_state(cluster, node_id)["status"] == "in_sync", what="in sync")

        assert all(signed(r) for r in receiver.received)
        order = [r.event for r in receiver.received if r.event.startswith("node.")]
        assert order == [
            "node.offline",
            "node.back_in_sync",
            "node.out_of_sync",
            "node.back_in_sync",
        ]
        path = f"/v2/control-planes/{cluster.cp_id}/webhooks/{hook_id}/deliveries"
        _, deliveries = cluster.api("GET", path)
        assert {d["state"] for d in deliveries["data"]} == {"delivered"}
        assert len(deliveries["data"]) == len(receiver.received)


async def nack_the_snapshot(url: str, credential: str) -> None:
    async with connect(url, additional_headers={"Authorization": f"Bearer {credential}"}) as ws:
        hello = protocol.hello(
            node_id="",
            hostname="raw",
            version="test",
            sync_mode="incremental",
            config_version=0,
            config_hash=hashing.EMPTY_HASH,
        )
        await ws.send(json.dumps(hello))
        while True:
            frame = await asyncio.wait_for(ws.recv(), 10)
            message = protocol.decode(frame, max_raw_bytes=64 << 20)[0]
            if message["type"] == "snapshot":
                break
        nack = protocol.nack(version=message["version"], reason="apply_failed", detail="disk full")
        await ws.send(json.dumps(nack))
        await asyncio.wait_for(ws.recv(), 10)  # the resent snapshot: the nack was handled


def test_a_refused_version_reaches_the_nack_webhook(
    cluster_factory: Callable[..., Cluster], tmp_path: Path
) -> None:
    cluster = fast_alerts_cluster(cluster_factory, tmp_path)
    with webhook_receiver() as receiver:
        subscribe(cluster, receiver)
        assert cluster.core("POST", "/services", {"name": "a", "host": "a.internal"})[0] == 201
        url = cluster.server.url.replace("http", "ws", 1) + protocol.SYNC_PATH
        asyncio.run(nack_the_snapshot(url, cluster.raw_node_credential()))
        nack = wait_event(receiver, "node.nack")
        assert signed(nack)
        assert (nack.body["data"]["reason"], nack.body["data"]["detail"]) == (
            "apply_failed",
            "disk full",
        )
        assert nack.body["data"]["node"]["name"] == "raw"


def test_a_failing_receiver_is_retried_until_it_answers(
    cluster_factory: Callable[..., Cluster], tmp_path: Path
) -> None:
    cluster = fast_alerts_cluster(cluster_factory, tmp_path)
    with webhook_receiver() as receiver:
        hook_id = subscribe(cluster, receiver)
        receiver.status = 503
        assert cluster.core("POST", "/services", {"name": "a", "host": "a.internal"})[0] == 201
        path = f"/v2/control-planes/{cluster.cp_id}/webhooks/{hook_id}/deliveries"
        wait_for(
            lambda: (d := cluster.api("GET", path)[1]["data"]) and d[0]["attempts"] >= 1 and d,
            what="a failed attempt",
        )
        _, body = cluster.api("GET", path)
        assert (body["data"][0]["state"], body["data"][0]["status_code"]) == ("pending", 503)
        receiver.status = 200
        wait_event(receiver, "version.created")
        _, body = cluster.api("GET", path)
        assert body["data"][0]["state"] == "delivered" and body["data"][0]["attempts"] >= 2
