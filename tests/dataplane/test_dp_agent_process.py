"""The real ``konnectlite-dp run`` process against an in-test control plane."""

import asyncio
import contextlib
import json
import os
import re
import signal
import sys
import urllib.request

import pytest
from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed

from dataplane import config
from dataplane.applier import Applier, decode_frame
from dataplane.cache import Cache
from dataplane.events import Events
from dataplane.store import Store
from kongcore import protocol

pytestmark = pytest.mark.timeout(90)


class AgentProcess:
    """A running agent whose stderr is collected line by line."""

    def __init__(self, process):
        self.process = process
        self.lines = []
        self._new_line = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(cls, data_dir, *args, env=None):
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "dataplane",
            "run",
            "--data-dir",
            str(data_dir),
            *args,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, **(env or {})},
        )
        return cls(process)

    async def _read(self):
        async for line in self.process.stderr:
            self.lines.append(line.decode())
            self._new_line.set()

    async def wait_for_line(self, pattern):
        async with asyncio.timeout(20):
            while True:
                for line in self.lines:
                    match = re.search(pattern, line)
                    if match:
                        return match
                self._new_line.clear()
                await self._new_line.wait()

    async def status(self):
        match = await self.wait_for_line(r"listening on (http://\S+/status)")
        body = await asyncio.to_thread(lambda: urllib.request.urlopen(match[1], timeout=10).read())
        return json.loads(body)

    async def wait(self):
        async with asyncio.timeout(20):
            code = await self.process.wait()
            await self._reader
            return code

    def kill(self):
        if self.process.returncode is None:
            self.process.kill()


@pytest.fixture
async def agents():
    started = []

    async def start(*args, **kwargs):
        agent = await AgentProcess.start(*args, **kwargs)
        started.append(agent)
        return agent

    yield start
    for agent in started:
        agent.kill()
        with contextlib.suppress(Exception):
            await agent.wait()


@contextlib.asynccontextmanager
async def control_plane(script):
    async with serve(script, "127.0.0.1", 0) as server:
        yield f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}{protocol.SYNC_PATH}"


def registered(data_dir, sync_url):
    data_dir.mkdir(exist_ok=True)
    identity = config.NodeIdentity("http://cp", "node-1", "cp-1", sync_url, "edge-1", {"zone": "a"})
    config.save_identity(data_dir, identity)
    config.save_credential(data_dir, "kdpn_test")
    return data_dir


async def receive(ws):
    while True:
        message, _ = protocol.decode(await ws.recv(), max_raw_bytes=protocol.MAX_NODE_FRAME_BYTES)
        if message["type"] not in ("ping", "pong"):
            return message


def welcome(fake_cp, sync_mode="incremental"):
    return protocol.welcome(
        control_plane_id="cp-1",
        node_id="node-1",
        sync_mode=sync_mode,
        config_version=fake_cp.version,
        config_hash=fake_cp.hash,
        heartbeat_interval=10,
        heartbeat_timeout=30,
    )


async def test_the_agent_syncs_shows_its_status_and_stops_on_sigterm(fake_cp, agents, tmp_path):
    fake_cp.seed("services", 2)
    closed_with, acked = [], asyncio.Event()

    async def script(ws):
        await receive(ws)
        await ws.send(protocol.encode(welcome(fake_cp)).data)
        await ws.send(protocol.encode(fake_cp.snapshot()).data)
        await receive(ws)
        await ws.send(protocol.encode(fake_cp.create("consumers", username="alice")).data)
        await receive(ws)
        acked.set()
        with contextlib.suppress(ConnectionClosed):
            await receive(ws)
        closed_with.append(ws.close_code)

    async with control_plane(script) as url:
        agent = await agents(registered(tmp_path / "dp", url), "--status-listen", "127.0.0.1:0")
        await asyncio.wait_for(acked.wait(), 20)
        status = await agent.status()
        agent.process.send_signal(signal.SIGTERM)
        code = await agent.wait()

    assert code == 0
    assert closed_with == [protocol.CLOSE_GOING_AWAY]
    assert status["connected"] is True and status["sync_mode"] == "incremental"
    assert status["version"] == fake_cp.version and status["hash"] == fake_cp.hash
    assert status["entity_counts"] == {"consumers": 1, "services": 2}
    assert status["last_sync"]["type"] == "delta"
    log = "".join(agent.lines)
    assert re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", log), "log lines carry timestamps"
    assert "snapshot applied" in log and "delta applied" in log and "SIGTERM" in log
    assert "kdpn_test" not in log


async def test_a_revoked_node_exits_non_zero_and_says_to_register_again(fake_cp, agents, tmp_path):
    async def script(ws):
        await receive(ws)
        await ws.send(protocol.encode(protocol.error(code=4403, message="node revoked")).data)
        await ws.close(protocol.CLOSE_REVOKED, "node revoked")

    async with control_plane(script) as url:
        agent = await agents(registered(tmp_path / "dp", url))
        code = await agent.wait()

    assert code == 3
    log = "".join(agent.lines)
    assert "node revoked" in log and "register again" in log


async def test_without_a_control_plane_the_node_serves_its_stored_config(fake_cp, agents, tmp_path):
    data_dir = registered(tmp_path / "dp", "ws://127.0.0.1:9/v2/dataplane/sync")
    fake_cp.seed("routes", 3)
    # An earlier run synced version 1; write it the way that run would have.
    store = Store.open(data_dir / config.STORE_FILE)
    Applier(store, Events(), Cache()).apply(decode_frame(protocol.encode(fake_cp.snapshot()).data))
    store.set_control_plane_id("cp-1")
    store.close()

    agent = await agents(data_dir, "--status-listen", "127.0.0.1:0", "--incremental-sync", "off")
    status = await agent.status()
    await agent.wait_for_line("reconnecting in")
    agent.process.send_signal(signal.SIGINT)
    code = await agent.wait()

    assert code == 0
    assert status["connected"] is False and status["sync_mode"] == "full"
    assert status["version"] == 1 and status["hash"] == fake_cp.hash
    assert status["entity_counts"] == {"routes": 3}


async def test_plugins_named_in_the_environment_are_loaded(fake_cp, agents, tmp_path):
    data_dir = registered(tmp_path / "dp", "ws://127.0.0.1:9/v2/dataplane/sync")
    env = {
        "KONNECTLITE_PLUGINS": "dataplane.examples.consumer_cache, dataplane.examples.naive_consumer_cache"
    }

    agent = await agents(data_dir, env=env)
    await agent.wait_for_line("plugin dataplane.examples.naive_consumer_cache loaded")
    agent.process.send_signal(signal.SIGTERM)

    assert await agent.wait() == 0
    assert any("plugin dataplane.examples.consumer_cache loaded" in line for line in agent.lines)


async def test_the_agent_serves_metrics_across_a_reconnect(fake_cp, agents, tmp_path):
    fake_cp.seed("services", 2)
    sessions, acked = [], asyncio.Event()

    async def script(ws):
        sessions.append(ws)
        await receive(ws)
        await ws.send(protocol.encode(welcome(fake_cp)).data)
        if len(sessions) == 1:
            await ws.send(protocol.encode(fake_cp.snapshot()).data)
            await receive(ws)
            await ws.close(protocol.CLOSE_GOING_AWAY, "restarting")
            return
        await ws.send(protocol.encode(fake_cp.create("consumers", username="alice")).data)
        await receive(ws)
        acked.set()
        with contextlib.suppress(ConnectionClosed):
            await receive(ws)

    async with control_plane(script) as url:
        agent = await agents(registered(tmp_path / "dp", url), "--status-listen", "127.0.0.1:0")
        await asyncio.wait_for(acked.wait(), 30)
        match = await agent.wait_for_line(r"listening on (http://\S+)/status")
        read = lambda: urllib.request.urlopen(f"{match[1]}/metrics", timeout=10).read()  # noqa: E731
        body = (await asyncio.to_thread(read)).decode()
        agent.process.send_signal(signal.SIGTERM)
        assert await agent.wait() == 0

    assert f"konnectlite_dp_config_version {float(fake_cp.version)}" in body
    assert 'konnectlite_dp_apply_seconds_count{type="snapshot"} 1.0' in body
    assert 'konnectlite_dp_apply_seconds_count{type="delta"} 1.0' in body
    assert "konnectlite_dp_reconnects_total 1.0" in body
    assert "konnectlite_dp_connected 1.0" in body
