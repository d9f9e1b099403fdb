"""The sync client against a small in-test control plane that speaks the protocol."""

import asyncio
import contextlib
import logging
import random
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus

import pytest
from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed

from dataplane.backoff import Backoff
from dataplane.client import EXIT_CREDENTIAL_REFUSED, EXIT_OK, ClientSettings, SyncClient
from dataplane.status import StatusBoard
from kongcore import hashing, protocol

pytestmark = pytest.mark.timeout(60)


async def receive(ws, skip=("ping", "pong")):
    """The node's next message, checked against the protocol's field rules."""
    while True:
        message, _ = protocol.decode(await ws.recv(), max_raw_bytes=protocol.MAX_NODE_FRAME_BYTES)
        protocol.check_fields(message, protocol.NODE_MESSAGE_TYPES)
        if message["type"] not in skip:
            return message


async def send(ws, message):
    await ws.send(protocol.encode(message).data)


async def close_code_from_node(ws):
    """Read until the node closes; return its close code."""
    with contextlib.suppress(ConnectionClosed):
        while True:
            await ws.recv()
    return ws.close_code


def welcome(fake_cp, **overrides):
    message = protocol.welcome(
        control_plane_id="cp-1",
        node_id="node-1",
        sync_mode="incremental",
        config_version=fake_cp.version,
        config_hash=fake_cp.hash,
        heartbeat_interval=60,
        heartbeat_timeout=60,
    )
    return {**message, **overrides}


@contextlib.asynccontextmanager
async def control_plane(*scripts, process_request=None):
    """Serve connection n with scripts[n] (the last script serves any further connection)."""
    connections = []

    async def handler(ws):
        connections.append(ws)
        await scripts[min(len(connections), len(scripts)) - 1](ws)

    async with serve(handler, "127.0.0.1", 0, process_request=process_request) as server:
        port = server.sockets[0].getsockname()[1]
        yield f"ws://127.0.0.1:{port}{protocol.SYNC_PATH}", connections


@pytest.fixture
def make_client(node):
    worker = ThreadPoolExecutor(max_workers=1)

    def factory(url):
        board = StatusBoard(
            node_id="node-1", control_plane_id="cp-1", name="e", sync_mode="incremental"
        )
        settings = ClientSettings(
            sync_url=url,
            credential="kdpn_test",
            node_id="node-1",
            hostname="host-1",
            sync_mode="incremental",
            labels={"region": "eu"},
        )
        backoff = Backoff(base=0.01, cap=0.05, rng=random.Random(0))
        return SyncClient(
            settings, applier=node.applier, board=board, worker=worker, backoff=backoff
        )

    yield factory
    worker.shutdown(wait=True)


async def run_client(client, stop=None):
    return await asyncio.wait_for(client.run(stop or asyncio.Event()), 30)


async def test_hello_welcome_snapshot_delta_then_revocation_ends_the_agent(
    fake_cp, node, make_client
):
    seen = {}
    fake_cp.seed("services", 3)

    async def script(ws):
        seen["auth"] = ws.request.headers["Authorization"]
        seen["hello"] = await receive(ws)
        await send(ws, welcome(fake_cp))
        await send(ws, fake_cp.snapshot(reason="new"))
        seen["snapshot_ack"] = await receive(ws)
        await send(ws, fake_cp.create("consumers", username="alice"))
        seen["delta_ack"] = await receive(ws)
        await send(ws, protocol.error(code=protocol.CLOSE_REVOKED, message="node revoked"))
        await ws.close(protocol.CLOSE_REVOKED, "node revoked")

    async with control_plane(script) as (url, _):
        status = await run_client(make_client(url))

    assert status == EXIT_CREDENTIAL_REFUSED
    assert seen["auth"] == "Bearer kdpn_test"
    hello = seen["hello"]
    assert hello["type"] == "hello" and hello["protocol"] == protocol.PROTOCOL_VERSION
    assert (hello["config_version"], hello["config_hash"]) == (0, hashing.EMPTY_HASH)
    assert hello["sync_mode"] == "incremental" and hello["labels"] == {"region": "eu"}
    assert hello["node_id"] == "node-1" and hello["hostname"] == "host-1"
    assert seen["snapshot_ack"]["type"] == "ack" and seen["snapshot_ack"]["version"] == 1
    assert seen["delta_ack"]["version"] == 2 and seen["delta_ack"]["hash"] == fake_cp.hash
    assert node.store.version == 2 and node.store.control_plane_id == "cp-1"


async def test_a_reconnect_resumes_from_the_stored_version(fake_cp, node, make_client):
    hellos = []

    async def first(ws):
        hellos.append(await receive(ws))
        await send(ws, welcome(fake_cp))
        await send(ws, fake_cp.snapshot())
        await receive(ws)
        await ws.close(1011, "control plane restarting")

    async def second(ws):
        hellos.append(await receive(ws))
        await send(ws, welcome(fake_cp))
        await send(ws, fake_cp.create("consumers", username="bob"))
        await receive(ws)
        await ws.close(protocol.CLOSE_UNAUTHORIZED, "unknown node")

    fake_cp.seed("routes", 2)
    async with control_plane(first, second) as (url, _):
        status = await run_client(make_client(url))

    assert status == EXIT_CREDENTIAL_REFUSED
    assert hellos[1]["config_version"] == 1
    assert hellos[1]["config_hash"] == hashing.config_hash(
        {"routes": [e for e in fake_cp.config["routes"].values()]}
    )
    assert node.store.version == 2


async def test_pings_are_sent_and_answered(fake_cp, make_client):
    seen = {}

    async def script(ws):
        await receive(ws)
        await send(ws, welcome(fake_cp, heartbeat_interval=0.05))
        seen["ping"] = await receive(ws, skip=())
        await send(ws, protocol.ping(ts=123.5))
        seen["pong"] = await receive(ws, skip=("ping",))
        await ws.close(protocol.CLOSE_REVOKED, "done")

    async with control_plane(script) as (url, _):
        await run_client(make_client(url))

    assert seen["ping"]["type"] == "ping" and seen["ping"]["config_version"] == 0
    assert seen["pong"] == {"type": "pong", "ts": 123.5}


async def test_a_silent_control_plane_is_dropped_after_the_heartbeat_timeout(fake_cp, make_client):
    codes = []

    async def silent(ws):
        await receive(ws)
        await send(ws, welcome(fake_cp, heartbeat_timeout=0.3))
        codes.append(await close_code_from_node(ws))

    async def revoke(ws):
        await ws.close(protocol.CLOSE_REVOKED, "done")

    async with control_plane(silent, revoke) as (url, connections):
        await run_client(make_client(url))

    assert codes == [protocol.CLOSE_HEARTBEAT_TIMEOUT]
    assert len(connections) == 2


async def test_a_node_replaced_by_a_newer_connection_retries(fake_cp, make_client, caplog):
    async def replaced(ws):
        await receive(ws)
        await send(ws, welcome(fake_cp))
        await ws.close(protocol.CLOSE_REPLACED, "replaced by a newer connection")

    async def revoke(ws):
        await ws.close(protocol.CLOSE_REVOKED, "done")

    with caplog.at_level(logging.INFO):
        async with control_plane(replaced, revoke) as (url, connections):
            status = await run_client(make_client(url))

    assert status == EXIT_CREDENTIAL_REFUSED
    assert len(connections) == 2
    assert "4410" in caplog.text and "reconnecting in" in caplog.text


async def test_a_gap_is_nacked_and_the_following_snapshot_is_acked(fake_cp, node, make_client):
    replies = []

    async def script(ws):
        await receive(ws)
        await send(ws, welcome(fake_cp))
        fake_cp.create("consumers", username="lost")
        await send(ws, fake_cp.create("consumers", username="bob"))  # 1->2; node is at 0
        replies.append(await receive(ws))
        await send(ws, fake_cp.snapshot(reason="nack"))
        replies.append(await receive(ws))
        await ws.close(protocol.CLOSE_REVOKED, "done")

    async with control_plane(script) as (url, _):
        await run_client(make_client(url))

    assert [(r["type"], r.get("reason")) for r in replies] == [("nack", "gap"), ("ack", None)]
    assert node.store.version == 2


async def test_a_snapshot_that_keeps_failing_ends_the_connection(fake_cp, make_client):
    codes, nacks = [], []

    async def broken(ws):
        await receive(ws)
        await send(ws, welcome(fake_cp))
        for _ in range(2):  # a control plane answers every nack with a snapshot
            await send(ws, {**fake_cp.snapshot(reason="nack"), "hash": "1" * 64})
            nacks.append(await receive(ws))
        codes.append(await close_code_from_node(ws))

    async def revoke(ws):
        await ws.close(protocol.CLOSE_REVOKED, "done")

    async with control_plane(broken, revoke) as (url, _):
        await run_client(make_client(url))

    assert [n["reason"] for n in nacks] == ["hash_mismatch", "hash_mismatch"]
    assert codes == [1011]


async def test_config_before_welcome_is_a_protocol_error(fake_cp, make_client):
    codes = []

    async def rude(ws):
        await receive(ws)
        await send(ws, fake_cp.snapshot())
        codes.append(await close_code_from_node(ws))

    async def revoke(ws):
        await ws.close(protocol.CLOSE_REVOKED, "done")

    async with control_plane(rude, revoke) as (url, _):
        await run_client(make_client(url))

    assert codes == [protocol.CLOSE_OUT_OF_ORDER]


async def test_stopping_closes_the_connection_as_going_away(fake_cp, make_client):
    codes, welcomed = [], asyncio.Event()

    async def script(ws):
        await receive(ws)
        await send(ws, welcome(fake_cp))
        welcomed.set()
        codes.append(await close_code_from_node(ws))

    async with control_plane(script) as (url, _):
        stop = asyncio.Event()
        task = asyncio.create_task(run_client(make_client(url), stop))
        await asyncio.wait_for(welcomed.wait(), 10)
        await asyncio.sleep(0.05)
        stop.set()
        status = await task

    assert status == EXIT_OK
    assert codes == [protocol.CLOSE_GOING_AWAY]


async def test_a_refused_upgrade_with_http_403_ends_the_agent(make_client, caplog):
    def refuse(connection, request):
        return connection.respond(HTTPStatus.FORBIDDEN, "forbidden\n")

    async def never(ws):
        raise AssertionError("the upgrade should have been refused")

    with caplog.at_level(logging.ERROR):
        async with control_plane(never, process_request=refuse) as (url, _):
            status = await run_client(make_client(url))

    assert status == EXIT_CREDENTIAL_REFUSED
    assert "register again" in caplog.text


async def test_an_unreachable_control_plane_is_retried_until_stopped(make_client, caplog):
    stop = asyncio.Event()
    client = make_client("ws://127.0.0.1:9/v2/dataplane/sync")

    with caplog.at_level(logging.INFO):
        task = asyncio.create_task(run_client(client, stop))
        await asyncio.sleep(0.3)
        stop.set()
        status = await task

    assert status == EXIT_OK
    assert caplog.text.count("cannot connect to") >= 2
