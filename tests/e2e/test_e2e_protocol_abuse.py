"""Bad protocol input closes only the offending connection, with its documented code."""

import asyncio
import json
import zlib
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from kongcore import hashing, protocol
from tests.support.cluster import Cluster

pytestmark = pytest.mark.e2e


async def close_code_after(url: str, credential: str, frames: list[Any]) -> int:
    async with connect(
        url, additional_headers={"Authorization": f"Bearer {credential}"}, max_size=None
    ) as ws:
        for frame in frames:
            await ws.send(frame)
        try:
            while True:
                await asyncio.wait_for(ws.recv(), 10)
        except ConnectionClosed as closed:
            assert closed.rcvd is not None
            return closed.rcvd.code
    raise AssertionError("not closed")


def hello() -> str:
    return json.dumps(
        protocol.hello(
            node_id="",
            hostname="raw",
            version="test",
            sync_mode="incremental",
            config_version=0,
            config_hash=hashing.EMPTY_HASH,
        )
    )


CASES = {
    "invalid-json": (["{oops"], protocol.CLOSE_PROTOCOL_ERROR),
    "unknown-type": ([json.dumps({"type": "teleport"})], protocol.CLOSE_PROTOCOL_ERROR),
    "too-large": (["x" * (protocol.MAX_NODE_FRAME_BYTES + 10)], protocol.CLOSE_TOO_LARGE),
    "five-megabytes": (["x" * (5 * 1024 * 1024)], protocol.CLOSE_MESSAGE_TOO_BIG),
    "zip-bomb": (
        [zlib.compress(b" " * (protocol.MAX_NODE_FRAME_BYTES * 4))],
        protocol.CLOSE_TOO_LARGE,
    ),
    "ack-before-hello": (
        [
            json.dumps(
                protocol.ack(version=1, config_hash="0", wire_bytes=1, raw_bytes=1, apply_ms=1)
            )
        ],
        protocol.CLOSE_OUT_OF_ORDER,
    ),
    "second-hello": ([hello(), hello()], protocol.CLOSE_OUT_OF_ORDER),
}


def test_bad_input_closes_with_its_code_and_harms_no_other_node(cluster: Cluster) -> None:
    agent = cluster.agent("good")
    credential = cluster.raw_node_credential()
    url = cluster.server.url.replace("http", "ws") + protocol.SYNC_PATH
    for name, (frames, code) in CASES.items():
        assert asyncio.run(close_code_after(url, credential, frames)) == code, name
    assert (
        asyncio.run(close_code_after(url, "kdpn_wrong", [hello()])) == protocol.CLOSE_UNAUTHORIZED
    )
    cluster.core("POST", "/services", {"name": "after-abuse", "host": "h"})
    assert agent.wait_version(1)["connected"]
