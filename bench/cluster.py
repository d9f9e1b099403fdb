"""The system under test: a daphne control plane on a fresh database, seeded with configs.

Setup mirrors the end-to-end tests (tests/support/processes.py, whose process helpers this
reuses): migrate, create an organization and a token, then load one control plane per config
size before the server starts, so that loading is not measured as server work.
"""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bench.api import Api
from bench.probe import ProcessProbe
from kongcore import protocol
from tests.support.processes import ROOT, ControlPlaneServer, manage

ORG = "bench"
ADMIN = "bench@konnectlite.test"


@dataclass(frozen=True)
class NodeIdentity:
    """A registered node as a lightweight client needs it."""

    node_id: str
    credential: str
    name: str


@dataclass(frozen=True)
class ControlPlaneInfo:
    id: str
    entities: int
    json_bytes: int  # the entities as the API shows them, compact JSON


@dataclass
class Cluster:
    workdir: Path
    env: dict[str, str]
    server: ControlPlaneServer
    token: str
    control_planes: dict[int, ControlPlaneInfo] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def sync_url(self) -> str:
        return self.url.replace("http://", "ws://") + protocol.SYNC_PATH

    def api(self) -> Api:
        """A new client (one per thread)."""
        return Api(self.url, self.token)

    def probe(self) -> ProcessProbe:
        assert self.server.process is not None
        return ProcessProbe(self.server.process.pid)

    def registration_token(self, cp_id: str) -> str:
        path = f"/v2/control-planes/{cp_id}/dp-registration-tokens"
        return str(self.api().expect(201, "POST", path, {"name": "bench"})["token"])

    def register_nodes(
        self, cp_id: str, count: int, prefix: str, first: int = 0
    ) -> list[NodeIdentity]:
        """Register ``count`` nodes through the public registration endpoint, 8 at a time."""
        token = self.registration_token(cp_id)

        def register(numbers: range) -> list[NodeIdentity]:
            api = Api(self.url, token)
            return [_register(api, f"{prefix}-{n:04d}") for n in numbers]

        end = first + count
        chunks = [range(start, min(start + 25, end)) for start in range(first, end, 25)]
        with ThreadPoolExecutor(8) as pool:
            return [node for chunk in pool.map(register, chunks) for node in chunk]

    def restart(self) -> None:
        """A fresh server process on the same database, so its memory starts from nothing."""
        self.server.stop()
        self.server = _start_server(self.env, self.workdir / "daphne.log")

    def stop(self) -> None:
        self.server.stop()


def _register(api: Api, name: str) -> NodeIdentity:
    body = {"name": name, "hostname": name, "labels": {"bench": "yes"}, "version": "bench"}
    answer = api.expect(201, "POST", protocol.REGISTER_PATH, body)
    return NodeIdentity(answer["node_id"], answer["credential"], name)


def sqlite_env(workdir: Path) -> dict[str, str]:
    """The default deployment: SQLite and the in-memory channel layer."""
    return server_env(workdir, f"sqlite:///{workdir}/cp.sqlite3", redis_url=None)


def server_env(workdir: Path, database_url: str, redis_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(
        DATABASE_URL=database_url,
        KONNECTLITE_VAR_DIR=str(workdir / "var"),
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(ROOT),
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def bootstrap(env: dict[str, str]) -> str:
    """Migrate, create the organization and its admin; return a personal access token."""
    manage(env, "migrate", "--noinput")
    manage(env, "create_org", ORG, "--admin-email", ADMIN, "--admin-password", "bench")
    return manage(env, "create_token", "--email", ADMIN, "--org", ORG).strip()


def seed(env: dict[str, str], sizes: list[int], config_seed: int) -> dict[int, ControlPlaneInfo]:
    """One control plane per size, each loaded with a generated config (bench/seed.py)."""
    args = ["--org", ORG, "--sizes", ",".join(map(str, sizes)), "--seed", str(config_seed)]
    result = subprocess.run(
        [sys.executable, "-m", "bench.seed", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"seeding failed: {result.stderr[-3000:]}")
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return {
        row["entities"]: ControlPlaneInfo(row["id"], row["entities"], row["json_bytes"])
        for row in rows
    }


def start(workdir: Path, env: dict[str, str], sizes: list[int], config_seed: int) -> Cluster:
    token = bootstrap(env)
    control_planes = seed(env, sizes, config_seed) if sizes else {}
    server = _start_server(env, workdir / "daphne.log")
    return Cluster(workdir, env, server, token, control_planes)


def _start_server(env: dict[str, str], log: Path) -> ControlPlaneServer:
    server = ControlPlaneServer(env, log)
    try:
        server.start()
    except BaseException:
        server.stop()  # it may be up but not yet listening
        raise
    return server
