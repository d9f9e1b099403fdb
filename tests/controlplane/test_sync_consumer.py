"""The sync consumer, driven through the Channels communicator."""

import json
import zlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from controlplane.models import ControlPlane, DataPlaneNode
from controlplane.routing import websocket_application
from controlplane.services import entities, nodes
from controlplane.services.control_planes import update_control_plane
from controlplane.sync.node_state import writer as node_state
from kongcore import hashing, protocol

pytestmark = pytest.mark.django_db(transaction=True)


def register(cp: ControlPlane) -> tuple[DataPlaneNode, str]:
    _, secret = nodes.create_registration_token(cp, name="t", created_by=None)
    return nodes.register_node(secret, name="n1", hostname="host1", labels={}, version="1.0")


async def connect(credential: str) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(
        websocket_application,
        protocol.SYNC_PATH,
        headers=[(b"authorization", f"Bearer {credential}".encode())],
    )
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def receive(communicator: WebsocketCommunicator, wait: float = 5) -> dict[str, Any]:
    frame = await communicator.receive_output(wait)
    assert frame["type"] == "websocket.send", frame
    if frame.get("bytes") is not None:
        return json.loads(zlib.decompress(frame["bytes"]))
    return json.loads(frame["text"])


async def hello(
    communicator: WebsocketCommunicator,
    version: int = 0,
    config_hash: str = hashing.EMPTY_HASH,
    mode: str = "incremental",
) -> dict[str, Any]:
    message = protocol.hello(
        node_id="",
        hostname="host1",
        version="1.0",
        sync_mode=mode,  # type: ignore[arg-type]
        config_version=version,
        config_hash=config_hash,
    )
    await communicator.send_to(text_data=json.dumps(message))
    welcome = await receive(communicator)
    assert welcome["type"] == "welcome"
    return welcome


async def expect_close(communicator: WebsocketCommunicator, code: int) -> dict[str, Any]:
    error = await receive(communicator)
    assert error["type"] == "error"
    closed = await communicator.receive_output(5)
    assert (closed["type"], closed["code"]) == ("websocket.close", code)
    return error


def create_service(cp: ControlPlane, name: str) -> dict[str, Any]:
    return entities.create_entity(cp, "services", {"name": name, "host": "h.internal"}, actor="t")


@pytest.fixture
async def node(cp: ControlPlane) -> AsyncIterator[tuple[DataPlaneNode, str]]:
    yield await sync_to_async(register)(cp)
    await node_state.flush()


async def test_a_wrong_credential_is_closed_with_4401(cp: ControlPlane) -> None:
    communicator = await connect("kdpn_nope")
    await expect_close(communicator, protocol.CLOSE_UNAUTHORIZED)


async def test_a_new_node_gets_a_snapshot_then_deltas(cp: ControlPlane, node: Any) -> None:
    await sync_to_async(create_service)(cp, "a")
    communicator = await connect(node[1])
    welcome = await hello(communicator)
    assert welcome["config_version"] == 1
    snapshot = await receive(communicator)
    assert snapshot["type"] == "snapshot" and snapshot["reason"] == "new"
    assert [s["name"] for s in snapshot["config"]["services"]] == ["a"]
    assert snapshot["hash"] == hashing.config_hash(snapshot["config"])
    await sync_to_async(create_service)(cp, "b")
    delta = await receive(communicator)
    assert (delta["type"], delta["from_version"], delta["to_version"]) == ("delta", 1, 2)
    assert [c["op"] for c in delta["changes"]] == ["create"]
    await communicator.disconnect()


async def test_a_node_behind_receives_only_missing_versions(cp: ControlPlane, node: Any) -> None:
    first = await sync_to_async(create_service)(cp, "a")
    await sync_to_async(create_service)(cp, "b")
    await sync_to_async(create_service)(cp, "c")
    node_hash = hashing.config_hash({"services": [first]})
    communicator = await connect(node[1])
    await hello(communicator, version=1, config_hash=node_hash)
    deltas = [await receive(communicator), await receive(communicator)]
    assert [(d["from_version"], d["to_version"]) for d in deltas] == [(1, 2), (2, 3)]
    assert communicator.output_queue.empty()
    await communicator.disconnect()


async def test_a_node_with_a_wrong_hash_gets_a_snapshot(cp: ControlPlane, node: Any) -> None:
    await sync_to_async(create_service)(cp, "a")
    communicator = await connect(node[1])
    await hello(communicator, version=1, config_hash="f" * 64)
    snapshot = await receive(communicator)
    assert snapshot["reason"] == "hash_mismatch"
    await communicator.disconnect()


async def test_a_node_ahead_of_the_control_plane_gets_a_snapshot(
    cp: ControlPlane, node: Any
) -> None:
    communicator = await connect(node[1])
    await hello(communicator, version=7, config_hash="a" * 64)
    assert (await receive(communicator))["reason"] == "ahead"
    await communicator.disconnect()


async def test_a_full_mode_node_gets_a_snapshot_for_each_version(
    cp: ControlPlane, node: Any
) -> None:
    communicator = await connect(node[1])
    welcome = await hello(communicator, mode="full")
    assert welcome["sync_mode"] == "full"
    await sync_to_async(create_service)(cp, "a")
    snapshot = await receive(communicator)
    assert (snapshot["type"], snapshot["reason"], snapshot["version"]) == (
        "snapshot",
        "full_mode",
        1,
    )
    await communicator.disconnect()


async def test_incremental_off_on_the_control_plane_gives_full_syncs(
    cp: ControlPlane, node: Any
) -> None:
    await sync_to_async(update_control_plane)(cp, {"incremental_sync": False})
    communicator = await connect(node[1])
    assert (await hello(communicator))["sync_mode"] == "full"
    await sync_to_async(create_service)(cp, "a")
    assert (await receive(communicator))["reason"] == "full_mode"
    await communicator.disconnect()


async def test_an_ack_updates_the_node_state(cp: ControlPlane, node: Any) -> None:
    communicator = await connect(node[1])
    await hello(communicator)
    await sync_to_async(create_service)(cp, "a")
    delta = await receive(communicator)
    ack = protocol.ack(
        version=1, config_hash=delta["hash"], wire_bytes=500, raw_bytes=500, apply_ms=0.5
    )
    await communicator.send_to(text_data=json.dumps(ack))
    await communicator.send_to(text_data=json.dumps(protocol.ping(ts=1.0)))
    assert (await receive(communicator))["type"] == "pong"
    await node_state.flush()
    row = await DataPlaneNode.objects.aget(pk=node[0].pk)
    assert (row.config_version, row.connected, row.delta_count) == (1, True, 1)
    assert row.last_payload == {"type": "delta", "wire_bytes": 500, "raw_bytes": 500, "version": 1}
    await communicator.disconnect()


async def test_a_nack_is_answered_with_a_snapshot(cp: ControlPlane, node: Any) -> None:
    communicator = await connect(node[1])
    await hello(communicator)
    await sync_to_async(create_service)(cp, "a")
    await receive(communicator)
    nack = protocol.nack(version=1, reason=protocol.NACK_HASH_MISMATCH)
    await communicator.send_to(text_data=json.dumps(nack))
    assert (await receive(communicator))["reason"] == "hash_mismatch"
    await communicator.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{not json", protocol.CLOSE_PROTOCOL_ERROR),
        (json.dumps({"type": "dance"}), protocol.CLOSE_PROTOCOL_ERROR),
        (json.dumps({"type": "ack", "version": 1}), protocol.CLOSE_PROTOCOL_ERROR),
        (
            json.dumps(
                protocol.ack(version=1, config_hash="x", wire_bytes=1, raw_bytes=1, apply_ms=1)
            ),
            protocol.CLOSE_OUT_OF_ORDER,
        ),
        ("x" * (protocol.MAX_NODE_FRAME_BYTES + 1), protocol.CLOSE_TOO_LARGE),
    ],
    ids=["invalid-json", "unknown-type", "missing-fields", "ack-before-hello", "too-large"],
)
async def test_bad_protocol_input_closes_the_connection_with_its_code(
    cp: ControlPlane, node: Any, frame: str, code: int
) -> None:
    communicator = await connect(node[1])
    await communicator.send_to(text_data=frame)
    await expect_close(communicator, code)


async def test_revoking_a_node_disconnects_it_and_refuses_it_after(
    cp: ControlPlane, node: Any
) -> None:
    communicator = await connect(node[1])
    await hello(communicator)
    await sync_to_async(nodes.revoke_node)(node[0])
    await expect_close(communicator, protocol.CLOSE_REVOKED)
    again = await connect(node[1])
    await expect_close(again, protocol.CLOSE_REVOKED)


async def test_a_version_is_serialized_once_for_all_nodes(
    cp: ControlPlane, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials = [(await sync_to_async(register)(cp))[1] for _ in range(3)]
    communicators = [await connect(c) for c in credentials]
    for communicator in communicators:
        await hello(communicator)
    encoded: list[str] = []
    real_encode = protocol.encode

    def counting_encode(message: dict[str, Any], **kwargs: Any) -> protocol.Frame:
        encoded.append(message["type"])
        return real_encode(message, **kwargs)

    monkeypatch.setattr(protocol, "encode", counting_encode)
    await sync_to_async(create_service)(cp, "a")
    deltas = [await receive(c) for c in communicators]
    assert {d["to_version"] for d in deltas} == {1}
    assert encoded.count("delta") == 1
    for communicator in communicators:
        await communicator.disconnect()


async def test_delivering_to_an_up_to_date_node_queries_no_database(
    cp: ControlPlane, node: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    communicator = await connect(node[1])
    await hello(communicator)

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the hot path read the database")

    from controlplane.sync import consumer as consumer_module
    from controlplane.sync import frames

    for name in ("_load_deltas", "_current_version", "_build_snapshot"):
        monkeypatch.setattr(frames, name, forbidden)
    monkeypatch.setattr(consumer_module, "_catch_up_facts", forbidden)
    await sync_to_async(create_service)(cp, "a")
    await sync_to_async(create_service)(cp, "b")
    assert [(await receive(communicator))["to_version"] for _ in range(2)] == [1, 2]
    await communicator.disconnect()


async def test_deleting_the_control_plane_disconnects_its_nodes(
    cp: ControlPlane, node: Any
) -> None:
    from controlplane.services.control_planes import delete_control_plane

    communicator = await connect(node[1])
    await hello(communicator)
    await sync_to_async(delete_control_plane)(cp)
    await expect_close(communicator, protocol.CLOSE_REVOKED)


async def test_turning_incremental_sync_off_switches_a_connected_node_to_snapshots(
    cp: ControlPlane, node: Any
) -> None:
    communicator = await connect(node[1])
    await hello(communicator)
    await sync_to_async(create_service)(cp, "a")
    assert (await receive(communicator))["type"] == "delta"
    await sync_to_async(update_control_plane)(cp, {"incremental_sync": False})
    await sync_to_async(create_service)(cp, "b")
    snapshot = await receive(communicator)
    assert (snapshot["type"], snapshot["reason"], snapshot["version"]) == (
        "snapshot",
        "full_mode",
        2,
    )
    await communicator.disconnect()


async def test_a_second_connection_of_the_same_node_replaces_the_first(
    cp: ControlPlane, node: Any
) -> None:
    first = await connect(node[1])
    await hello(first)
    second = await connect(node[1])
    await expect_close(first, protocol.CLOSE_REPLACED)
    await hello(second)
    await sync_to_async(create_service)(cp, "a")
    assert (await receive(second))["type"] == "delta"
    await second.disconnect()


async def test_gap_nacks_for_deltas_sent_before_a_resync_are_ignored(
    cp: ControlPlane, node: Any
) -> None:
    communicator = await connect(node[1])
    await hello(communicator)
    for name in ("a", "b", "c"):
        await sync_to_async(create_service)(cp, name)
    assert [(await receive(communicator))["to_version"] for _ in range(3)] == [1, 2, 3]
    await communicator.send_to(
        text_data=json.dumps(protocol.nack(version=1, reason="hash_mismatch"))
    )
    assert (await receive(communicator))["version"] == 3
    for version in (2, 3):
        await communicator.send_to(
            text_data=json.dumps(protocol.nack(version=version, reason="gap"))
        )
    ping = protocol.ping(ts=5.0)
    await communicator.send_to(text_data=json.dumps(ping))
    assert (await receive(communicator)) == {"type": "pong", "ts": 5.0}
    await communicator.disconnect()


async def test_node_state_changes_are_published_on_the_control_planes_live_group(
    cp: ControlPlane, node: Any
) -> None:
    from channels.layers import get_channel_layer

    from controlplane import events

    layer = get_channel_layer()
    watcher = await layer.new_channel()
    await layer.group_add(events.live_group(cp.pk), watcher)
    communicator = await connect(node[1])
    await hello(communicator)
    await sync_to_async(create_service)(cp, "a")
    version_event = await layer.receive(watcher)
    assert (version_event["type"], version_event["version"]) == ("live.version", 1)
    delta = await receive(communicator)
    ack = protocol.ack(version=1, config_hash=delta["hash"], wire_bytes=9, raw_bytes=9, apply_ms=1)
    await communicator.send_to(text_data=json.dumps(ack))
    await communicator.send_to(text_data=json.dumps(protocol.ping(ts=1.0)))
    await receive(communicator)
    await node_state.flush()
    node_event = await layer.receive(watcher)
    assert node_event == {
        "type": "live.node",
        "control_plane_id": str(cp.pk),
        "node": {"id": str(node[0].pk)},
    }
    await communicator.disconnect()


async def test_a_silent_node_is_dropped_after_the_heartbeat_timeout(
    cp: ControlPlane, node: Any, settings: Any
) -> None:
    settings.KONNECTLITE_HEARTBEAT_INTERVAL = 0.1
    settings.KONNECTLITE_HEARTBEAT_TIMEOUT = 0.3
    communicator = await connect(node[1])
    welcome = await hello(communicator)
    assert (welcome["heartbeat_interval"], welcome["heartbeat_timeout"]) == (0.1, 0.3)
    seen = []
    while True:
        frame = await communicator.receive_output(5)
        if frame["type"] == "websocket.close":
            break
        seen.append(json.loads(frame["text"])["type"])
    assert frame["code"] == protocol.CLOSE_HEARTBEAT_TIMEOUT
    assert "ping" in seen and seen[-1] == "error"


async def test_a_node_receives_only_its_own_control_planes_config(
    cp: ControlPlane, node: Any
) -> None:
    from controlplane.services.control_planes import create_control_plane

    other = await sync_to_async(create_control_plane)(cp.organization, name="other")
    await sync_to_async(create_service)(other, "secret-service")
    communicator = await connect(node[1])
    welcome = await hello(communicator)
    assert (welcome["control_plane_id"], welcome["config_version"]) == (str(cp.pk), 0)
    await sync_to_async(create_service)(other, "another-secret")
    await sync_to_async(create_service)(cp, "mine")
    delta = await receive(communicator)
    assert [c["entity"]["name"] for c in delta["changes"]] == ["mine"]
    assert communicator.output_queue.empty()
    await communicator.disconnect()


async def test_deltas_carry_the_new_entity_and_name_deleted_ones_by_id(
    cp: ControlPlane, node: Any
) -> None:
    communicator = await connect(node[1])
    await hello(communicator)
    created = await sync_to_async(create_service)(cp, "a")
    await sync_to_async(entities.update_entity)(cp, "services", "a", {"port": 8080}, actor="t")
    await sync_to_async(entities.delete_entity)(cp, "services", "a", actor="t")
    create, update, delete = [(await receive(communicator))["changes"][0] for _ in range(3)]
    assert (create["entity"], create["old_entity"]) == (created, None)
    assert update["entity"]["port"] == 8080 and update["old_entity"] is None
    assert (delete["entity"], delete["old_entity"]) == (None, {"id": created["id"]})
    await communicator.disconnect()


# Delivery and revocation do not depend on the channel layer (issue 9, items 2 and 3).


@pytest.fixture
def lost_messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every channel-layer publish from a service is lost, as while Redis is down."""
    from controlplane.sync import publish

    lost: list[str] = []
    monkeypatch.setattr(publish, "publish", lambda group, event: lost.append(event["type"]))
    return lost


@pytest.fixture
def quick_heartbeats(settings: Any) -> None:
    settings.KONNECTLITE_HEARTBEAT_INTERVAL = 0.2
    settings.KONNECTLITE_HEARTBEAT_TIMEOUT = 30


async def next_of(communicator: WebsocketCommunicator, kind: str) -> dict[str, Any]:
    """The next message of type ``kind``, answering pings on the way."""
    while True:
        message = await receive(communicator)
        if message["type"] == kind:
            return message
        assert message["type"] in (protocol.PING, protocol.PONG), message


async def test_a_node_behind_with_nothing_in_flight_is_caught_up_without_any_event(
    cp: ControlPlane, node: Any, lost_messages: list[str], quick_heartbeats: None
) -> None:
    communicator = await connect(node[1])
    await hello(communicator)
    await sync_to_async(create_service)(cp, "a")
    await sync_to_async(create_service)(cp, "b")
    assert lost_messages.count("sync.version") == 2
    deltas = [await next_of(communicator, protocol.DELTA) for _ in range(2)]
    assert [d["to_version"] for d in deltas] == [1, 2]
    await communicator.disconnect()


async def test_a_node_that_reports_an_older_version_in_a_ping_is_caught_up(
    cp: ControlPlane, node: Any, lost_messages: list[str], quick_heartbeats: None
) -> None:
    await sync_to_async(create_service)(cp, "a")
    cp_hash = (await sync_to_async(ControlPlane.objects.get)(pk=cp.pk)).config_hash
    communicator = await connect(node[1])
    await hello(communicator, version=1, config_hash=cp_hash)
    await sync_to_async(create_service)(cp, "b")
    ping = protocol.ping(ts=1.0, config_version=1)
    await communicator.send_to(text_data=json.dumps(ping))
    assert (await next_of(communicator, protocol.DELTA))["to_version"] == 2
    await communicator.disconnect()


async def test_a_node_with_a_version_in_flight_is_not_sent_it_twice(
    cp: ControlPlane, node: Any, quick_heartbeats: None
) -> None:
    communicator = await connect(node[1])
    await hello(communicator)
    await sync_to_async(create_service)(cp, "a")
    assert (await next_of(communicator, protocol.DELTA))["to_version"] == 1
    # No ack: the version is in flight, and several head checks pass without a resend.
    for _ in range(3):
        assert (await next_of(communicator, protocol.PING))["type"] == protocol.PING
    await communicator.disconnect()


async def test_a_revoked_node_gets_no_version_committed_after_the_revoke(
    cp: ControlPlane, node: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from controlplane.sync import announce

    communicator = await connect(node[1])
    await hello(communicator)
    monkeypatch.setattr(announce, "revocation_on_commit", lambda cp_id, node_id: None)
    await sync_to_async(nodes.revoke_node)(node[0])
    await sync_to_async(create_service)(cp, "after-the-revoke")
    error = await expect_close(communicator, protocol.CLOSE_REVOKED)
    assert error["message"] == "this node was revoked"


async def test_a_revoked_node_is_closed_by_the_head_check_when_the_message_is_lost(
    cp: ControlPlane, node: Any, lost_messages: list[str], quick_heartbeats: None
) -> None:
    communicator = await connect(node[1])
    await hello(communicator)
    await sync_to_async(nodes.revoke_node)(node[0])
    assert lost_messages == ["sync.revoke", "live.node"]
    while (message := await receive(communicator))["type"] != protocol.ERROR:
        assert message["type"] == protocol.PING
    closed = await communicator.receive_output(5)
    assert (closed["type"], closed["code"]) == ("websocket.close", protocol.CLOSE_REVOKED)


async def test_revoking_one_node_leaves_the_others_connected_and_in_sync(
    cp: ControlPlane, node: Any, lost_messages: list[str], quick_heartbeats: None
) -> None:
    other = await sync_to_async(register)(cp)
    kept = await connect(other[1])
    await hello(kept)
    await sync_to_async(nodes.revoke_node)(node[0])
    await sync_to_async(create_service)(cp, "a")
    assert (await next_of(kept, protocol.DELTA))["to_version"] == 1
    await kept.disconnect()


async def test_a_deleted_control_plane_closes_its_nodes_when_the_message_is_lost(
    cp: ControlPlane, node: Any, lost_messages: list[str], quick_heartbeats: None
) -> None:
    from controlplane.services.control_planes import delete_control_plane

    communicator = await connect(node[1])
    await hello(communicator)
    await sync_to_async(delete_control_plane)(cp)
    while (message := await receive(communicator))["type"] != protocol.ERROR:
        assert message["type"] == protocol.PING
    closed = await communicator.receive_output(5)
    assert closed["code"] == protocol.CLOSE_REVOKED


async def test_a_failing_channel_layer_does_not_close_the_node_socket(
    cp: ControlPlane, node: Any, lost_messages: list[str], quick_heartbeats: None
) -> None:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    real_receive = layer.receive
    failures = 0

    async def failing_receive(channel: str) -> Any:
        nonlocal failures
        if failures < 2:
            failures += 1
            raise ConnectionError("layer down")
        return await real_receive(channel)

    layer.receive = failing_receive  # type: ignore[method-assign]
    try:
        communicator = await connect(node[1])
        await hello(communicator)
        await sync_to_async(create_service)(cp, "a")
        assert (await next_of(communicator, protocol.DELTA))["to_version"] == 1
        assert failures >= 1  # and the socket is still open, serving the catch-up
        await communicator.disconnect()
    finally:
        layer.receive = real_receive  # type: ignore[method-assign]


# Commit-to-ack (issue 10, section 6): a catch-up counts from when it was sent.


def age_the_config(cp: ControlPlane, hours: int) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from controlplane.models import ConfigVersion

    long_ago = timezone.now() - timedelta(hours=hours)
    ControlPlane.objects.filter(pk=cp.pk).update(updated_at=long_ago)
    ConfigVersion.objects.filter(control_plane=cp).update(created_at=long_ago)


async def ack_and_read(
    communicator: WebsocketCommunicator, node: DataPlaneNode, payload: dict[str, Any]
) -> DataPlaneNode:
    version = payload.get("version", payload.get("to_version"))
    ack = protocol.ack(
        version=version, config_hash=payload["hash"], wire_bytes=1, raw_bytes=1, apply_ms=0.5
    )
    await communicator.send_to(text_data=json.dumps(ack))
    await communicator.send_to(text_data=json.dumps(protocol.ping(ts=1.0)))
    assert (await next_of(communicator, protocol.PONG))["type"] == "pong"
    await node_state.flush()
    return await DataPlaneNode.objects.aget(pk=node.pk)


async def test_a_first_snapshot_counts_commit_to_ack_from_its_sending_not_the_commit(
    cp: ControlPlane, node: Any
) -> None:
    await sync_to_async(create_service)(cp, "a")
    await sync_to_async(age_the_config)(cp, hours=4)
    communicator = await connect(node[1])
    await hello(communicator)
    snapshot = await receive(communicator)
    assert snapshot["type"] == "snapshot"
    row = await ack_and_read(communicator, node[0], snapshot)
    # Four hours would be 14,400,000 ms; the node waited only for this connection's answer.
    assert row.last_commit_to_ack_ms is not None and row.last_commit_to_ack_ms < 600_000
    await communicator.disconnect()


async def test_catch_up_deltas_after_hello_count_from_their_sending(
    cp: ControlPlane, node: Any
) -> None:
    first = await sync_to_async(create_service)(cp, "a")
    await sync_to_async(create_service)(cp, "b")
    await sync_to_async(age_the_config)(cp, hours=4)
    communicator = await connect(node[1])
    await hello(communicator, version=1, config_hash=hashing.config_hash({"services": [first]}))
    delta = await receive(communicator)
    assert delta["type"] == "delta"
    row = await ack_and_read(communicator, node[0], delta)
    assert row.last_commit_to_ack_ms is not None and row.last_commit_to_ack_ms < 600_000
    await communicator.disconnect()


async def test_a_live_version_still_counts_from_its_commit(
    cp: ControlPlane, node: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from controlplane.sync import publish

    forward = publish.publish

    def committed_four_hours_ago(group: str, event: dict[str, Any]) -> None:
        if event["type"] == "sync.version":
            event = {**event, "committed_at": event["committed_at"] - 4 * 3600}
        forward(group, event)

    monkeypatch.setattr(publish, "publish", committed_four_hours_ago)
    communicator = await connect(node[1])
    await hello(communicator)
    await sync_to_async(create_service)(cp, "a")
    delta = await receive(communicator)
    row = await ack_and_read(communicator, node[0], delta)
    assert row.last_commit_to_ack_ms is not None and row.last_commit_to_ack_ms >= 4 * 3600_000
    await communicator.disconnect()


async def test_an_anti_entropy_catch_up_counts_from_its_sending(
    cp: ControlPlane, node: Any, lost_messages: list[str], quick_heartbeats: None
) -> None:
    communicator = await connect(node[1])
    await hello(communicator)
    await sync_to_async(create_service)(cp, "a")
    await sync_to_async(age_the_config)(cp, hours=4)
    delta = await next_of(communicator, protocol.DELTA)  # sent by the head check, not an event
    row = await ack_and_read(communicator, node[0], delta)
    assert row.last_commit_to_ack_ms is not None and row.last_commit_to_ack_ms < 600_000
    await communicator.disconnect()
