"""``make run``'s demo: the server and two local nodes, one incremental and one full."""

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.support.processes import ROOT, free_port, http, manage, stop, wait_for

pytestmark = pytest.mark.e2e


def test_the_demo_starts_a_server_with_an_incremental_and_a_full_node(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(KONNECTLITE_VAR_DIR=str(tmp_path), PYTHONUNBUFFERED="1")
    manage(env, "migrate", "--noinput")
    port = free_port()
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
        nodes = wait_for(
            lambda: (
                len(ns := http("GET", nodes_url, token=token)[1]["data"]) == 2
                and all(n["connected"] and n["in_sync"] for n in ns)
                and ns
            ),
            timeout=60,
            what="both demo nodes connected and in sync",
        )
        assert sorted(n["sync_mode"] for n in nodes) == ["full", "incremental"]
        with urllib.request.urlopen(f"{url}/accounts/login/") as page:
            assert page.status == 200
    finally:
        stop(demo)
    assert demo.returncode == 0, (tmp_path / "demo.log").read_text()[-2000:]


def _printed_token(log: Path) -> str | None:
    for line in log.read_text().splitlines():
        if line.strip().startswith("token:"):
            return line.split(":", 1)[1].strip()
    return None
