"""GET /metrics: what Prometheus reads after real writes and a real sync, and who may read it."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from controlplane import health, monitoring
from controlplane.models import ConfigVersion, ControlPlane, DataPlaneNode
from controlplane.services import control_planes, webhooks
from controlplane.sync import metrics, webhook_delivery
from controlplane.sync.node_state import writer as node_state
from kongcore import protocol
from tests.controlplane.test_sync_consumer import connect, create_service, hello, receive, register
from tests.support.prometheus import metric

REMOTE = "203.0.113.9"


def scrape(client: Client | None = None, **extra: Any) -> bytes:
    response = (client or Client()).get("/metrics", **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    return response.content


async def ack(communicator: WebsocketCommunicator, payload: dict[str, Any]) -> None:
    version = payload.get("version", payload.get("to_version"))
    message = protocol.ack(
        version=version, config_hash=payload["hash"], wire_bytes=100, raw_bytes=100, apply_ms=1
    )
    await communicator.send_to(text_data=json.dumps(message))


async def settle(communicator: WebsocketCommunicator) -> None:
    """A ping's pong means every frame sent before it was handled; then the node row is written."""
    await communicator.send_to(text_data=json.dumps(protocol.ping(ts=1.0)))
    assert (await receive(communicator))["type"] == "pong"
    await node_state.flush()


@pytest.mark.django_db(transaction=True)
async def test_a_scrape_counts_real_writes_and_a_real_sync(cp: ControlPlane) -> None:
    cp_id = str(cp.pk)
    node, credential = await sync_to_async(register)(cp)
    await node_state.flush()
    await sync_to_async(create_service)(cp, "a")
    communicator = await connect(credential)
    await hello(communicator)
    snapshot = await receive(communicator)
    await ack(communicator, snapshot)
    await sync_to_async(create_service)(cp, "b")
    delta = await receive(communicator)
    await communicator.send_to(text_data=json.dumps(protocol.nack(version=2, reason="gap")))
    resync = await receive(communicator)
    await ack(communicator, resync)
    await settle(communicator)

    body = await sync_to_async(scrape)()

    assert metric(body, "konnectlite_database_up") == 1
    assert metric(body, "konnectlite_config_version", control_plane=cp_id) == 2
    assert metric(body, "konnectlite_versions_committed_total", control_plane=cp_id) == 2
    sent = {"control_plane": cp_id}
    assert metric(body, "konnectlite_payloads_sent_total", **sent, type="delta") == 1
    assert metric(body, "konnectlite_payloads_sent_total", **sent, type="snapshot") == 2
    delta_row = await ConfigVersion.objects.aget(control_plane=cp, version=2)
    assert delta["type"] == "delta" and resync["type"] == "snapshot"
    assert (
        metric(body, "konnectlite_payload_bytes_sent_total", **sent, type="delta")
        == delta_row.wire_bytes
    )
    assert metric(body, "konnectlite_payload_bytes_sent_total", **sent, type="snapshot") > 0
    assert metric(body, "konnectlite_nacks_total", control_plane=cp_id) == 1
    acked = "konnectlite_commit_to_ack_seconds_count"
    assert metric(body, acked, **sent, type="snapshot") == 2
    assert metric(body, acked, **sent, type="delta") is None  # the delta was nacked
    assert metric(body, "konnectlite_websocket_connections", control_plane=cp_id) == 1
    assert metric(body, "konnectlite_nodes", control_plane=cp_id, status="in_sync") == 1
    assert metric(body, "konnectlite_nodes", control_plane=cp_id, status="behind") == 0

    await communicator.disconnect()
    await node_state.flush()
    body = await sync_to_async(scrape)()
    assert metric(body, "konnectlite_websocket_connections", control_plane=cp_id) == 0
    assert metric(body, "konnectlite_nodes", control_plane=cp_id, status="offline") == 1
    assert await DataPlaneNode.objects.filter(pk=node.pk).aexists()


@pytest.mark.django_db(transaction=True)
async def test_a_node_that_has_not_acked_the_head_counts_as_behind(cp: ControlPlane) -> None:
    cp_id = str(cp.pk)
    _, credential = await sync_to_async(register)(cp)
    communicator = await connect(credential)
    await hello(communicator)
    await sync_to_async(create_service)(cp, "a")
    await receive(communicator)  # the delta, never acked
    await settle(communicator)

    body = await sync_to_async(scrape)()

    assert metric(body, "konnectlite_nodes", control_plane=cp_id, status="behind") == 1
    assert metric(body, "konnectlite_nodes", control_plane=cp_id, status="in_sync") == 0
    await communicator.disconnect()


def test_each_control_plane_has_every_node_status_even_without_nodes(cp: ControlPlane) -> None:
    body = scrape()

    for status in health.STATUSES:
        assert metric(body, "konnectlite_nodes", control_plane=str(cp.pk), status=status) == 0
    assert metric(body, "konnectlite_config_version", control_plane=str(cp.pk)) == 0


def test_revoked_nodes_are_not_counted(cp: ControlPlane) -> None:
    node, _ = register(cp)
    DataPlaneNode.objects.filter(pk=node.pk).update(revoked_at=node.registered_at)

    body = scrape()

    for status in health.STATUSES:
        assert metric(body, "konnectlite_nodes", control_plane=str(cp.pk), status=status) == 0


def test_a_deleted_control_plane_leaves_the_scrape(cp: ControlPlane) -> None:
    cp_id = str(cp.pk)
    control_planes.delete_control_plane(cp)

    assert metric(scrape(), "konnectlite_config_version", control_plane=cp_id) is None


# --- who may scrape ---------------------------------------------------------------------


@pytest.mark.django_db
def test_without_a_token_loopback_clients_may_scrape() -> None:
    scrape(REMOTE_ADDR="::1")
    scrape(REMOTE_ADDR="127.0.0.1")
    scrape(REMOTE_ADDR="::ffff:127.0.0.1")  # IPv4 on a dual-stack listener


@pytest.mark.django_db
def test_without_a_token_other_clients_are_refused_with_403() -> None:
    response = Client().get("/metrics", REMOTE_ADDR=REMOTE)
    mapped = Client().get("/metrics", REMOTE_ADDR=f"::ffff:{REMOTE}")

    assert response.status_code == mapped.status_code == 403
    assert "KONNECTLITE_METRICS_TOKEN" in response.json()["message"]


def test_a_signed_in_owner_is_refused_too(owner_api: Any) -> None:
    # The scrape names every organization's control planes: no tenant may read it.
    response = owner_api.get("/metrics", REMOTE_ADDR=REMOTE)

    assert response.status_code == 403


@pytest.mark.django_db
def test_with_a_token_the_bearer_token_is_required(settings: Any) -> None:
    settings.KONNECTLITE_METRICS_TOKEN = "s3cret-scrape-token"

    missing = Client().get("/metrics")
    wrong = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer nope")

    assert missing.status_code == wrong.status_code == 401
    assert missing["WWW-Authenticate"].startswith("Bearer")
    assert missing.json() == {"message": "Unauthorized: send the metrics bearer token"}
    scrape(REMOTE_ADDR=REMOTE, HTTP_AUTHORIZATION="Bearer s3cret-scrape-token")


@pytest.mark.django_db
def test_a_token_with_characters_outside_ascii_is_refused_not_an_error(settings: Any) -> None:
    settings.KONNECTLITE_METRICS_TOKEN = "s3cret"

    response = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer sécret")

    assert response.status_code == 401


@pytest.mark.django_db
def test_only_get_is_answered() -> None:
    assert Client().post("/metrics").status_code == 405


# --- several server processes -----------------------------------------------------------

COUNT_IN_A_PROCESS = """
import sys
from controlplane.sync import metrics
metrics.version_committed(sys.argv[1])
metrics.connection_opened(sys.argv[1])
print("counted", flush=True)
if sys.argv[2] == "stay":
    sys.stdin.readline()
"""


def count_in_a_process(cp_id: str, stay: bool, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", COUNT_IN_A_PROCESS, cp_id, "stay" if stay else "exit"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_in_multi_process_mode_the_scrape_adds_up_every_process(
    cp: ControlPlane, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cp_id = str(cp.pk)
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    gone = count_in_a_process(cp_id, stay=False, env=env)
    assert gone.wait(30) == 0
    live = count_in_a_process(cp_id, stay=True, env=env)
    try:
        assert live.stdout is not None and live.stdout.readline().strip() == "counted"
        monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))

        body = scrape()
    finally:
        live.communicate("\n", timeout=30)

    assert metric(body, "konnectlite_versions_committed_total", control_plane=cp_id) == 2
    # The process that exited took its connection with it; the live one still holds its own.
    assert metric(body, "konnectlite_websocket_connections", control_plane=cp_id) == 1
    assert metric(body, "konnectlite_config_version", control_plane=cp_id) == 0


def test_the_fleet_is_read_in_two_queries_whatever_its_size(
    cp: ControlPlane, django_assert_num_queries: Any
) -> None:
    for _ in range(3):
        register(cp)

    with django_assert_num_queries(2):  # control planes, then nodes
        scrape()


@pytest.mark.parametrize(
    ("row", "status"),
    [
        ({"config_version": 5, "config_hash": "f" * 64}, "stale"),
        ({"sync_status": "kong_version_incompatible"}, "incompatible"),
        ({"connected": False}, "offline"),
    ],
)
def test_nodes_are_counted_by_their_health_status(
    cp: ControlPlane, row: dict[str, Any], status: str
) -> None:
    node, _ = register(cp)
    heard = {"connected": True, "last_ping": timezone.now()}
    DataPlaneNode.objects.filter(pk=node.pk).update(**(heard | row))

    body = scrape()

    assert metric(body, "konnectlite_nodes", control_plane=str(cp.pk), status=status) == 1


@pytest.mark.django_db(transaction=True)
async def test_each_failed_webhook_attempt_is_counted(cp: ControlPlane) -> None:
    @sync_to_async
    def subscribe_and_write() -> None:
        url = "http://127.0.0.1:9/nobody-listens"
        webhooks.create_webhook(cp, url=url, events=["version.created"], secret="s" * 32)
        create_service(cp, "a")

    await subscribe_and_write()
    assert await webhook_delivery.deliver_due() == 1

    body = await sync_to_async(scrape)()
    assert metric(body, "konnectlite_webhook_failures_total", control_plane=str(cp.pk)) == 1


def test_without_the_database_the_scrape_still_serves_the_counted_events(
    cp: ControlPlane, monkeypatch: pytest.MonkeyPatch
) -> None:
    create_service(cp, "a")  # not committed in this test's transaction: no version counted
    metrics.nacked(str(cp.pk))

    def unreachable(self: object) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(monitoring.FleetCollector, "_read", unreachable)
    body = scrape()

    assert metric(body, "konnectlite_database_up") == 0
    assert metric(body, "konnectlite_nacks_total", control_plane=str(cp.pk)) == 1
    assert metric(body, "konnectlite_config_version") is None
