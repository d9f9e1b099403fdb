"""``make run``'s demo: the server and two local nodes, one incremental and one full."""

import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.support.processes import ROOT, free_port, http, manage, stop, wait_for

pytestmark = pytest.mark.e2e


def demo_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(KONNECTLITE_VAR_DIR=str(tmp_path), PYTHONUNBUFFERED="1")
    manage(env, "migrate", "--noinput")
    return env


def test_the_demo_starts_a_server_with_an_incremental_and_a_full_node(tmp_path: Path) -> None:
    nodes = run_demo_until_in_sync(demo_env(tmp_path), tmp_path, free_port())
    assert sorted(n["sync_mode"] for n in nodes) == ["full", "incremental"]


def test_the_demo_nodes_follow_the_server_to_another_port(tmp_path: Path) -> None:
    env = demo_env(tmp_path)
    before = run_demo_until_in_sync(env, tmp_path, free_port())
    after = run_demo_until_in_sync(env, tmp_path, free_port())
    # The same two nodes, re-pointed rather than registered again.
    assert sorted(n["id"] for n in after) == sorted(n["id"] for n in before)


def run_demo_until_in_sync(env: dict[str, str], tmp_path: Path, port: int) -> list[Any]:
    """Run ``manage.py demo --with-nodes`` on ``port`` until both nodes are connected and in
    sync with it, then stop it; the nodes as the API listed them."""
    (tmp_path / "demo.log").unlink(missing_ok=True)
    log = (tmp_path / "demo.log").open("wb")
    demo = subprocess.Popen(
        [sys.executable, "manage.py", "demo", "--with-nodes", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        token = wait_for(lambda: _printed_token(tmp_path / "demo.log"), what="the demo banner")
        url = f"http://127.0.0.1:{port}"
        listing = wait_for(
            lambda: http("GET", f"{url}/v2/control-planes", token=token), what="server"
        )
        cp = listing[1]["data"][0]
        nodes_url = f"{url}/v2/control-planes/{cp['id']}/nodes"
        # A write made now must reach both nodes: a state left by an earlier run proves nothing.
        services = f"{url}/v2/control-planes/{cp['id']}/core-entities/services"
        status, _ = http("POST", services, {"name": f"probe-{port}", "host": "h"}, token)
        assert status == 201
        nodes = wait_for(
            lambda: (
                len(ns := http("GET", nodes_url, token=token)[1]["data"]) == 2
                and all(n["connected"] and n["in_sync"] for n in ns)
                and all(n["config_version"] == cp["config_version"] + 1 for n in ns)
                and ns
            ),
            timeout=60,
            what="both demo nodes connected and in sync",
        )
        with urllib.request.urlopen(f"{url}/accounts/login/") as page:
            assert page.status == 200
    finally:
        stop(demo)
    assert demo.returncode == 0, (tmp_path / "demo.log").read_text()[-2000:]
    return list(nodes)


def _printed_token(log: Path) -> str | None:
    for line in log.read_text().splitlines():
        if line.strip().startswith("token:"):
            return line.split(":", 1)[1].strip()
    return None
