"""A real control plane (daphne) on a fresh database, and real konnectlite-dp agents."""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support.processes import Agent, ControlPlaneServer, http, manage


@dataclass
class Cluster:
    env: dict[str, str]
    server: ControlPlaneServer
    token: str
    cp_id: str
    tmp: Path
    agents: list[Agent] = field(default_factory=list)

    def api(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        return http(method, f"{self.server.url}{path}", body, self.token)

    def core(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        return self.api(method, f"/v2/control-planes/{self.cp_id}/core-entities{path}", body)

    def registration_token(self) -> str:
        status, body = self.api(
            "POST", f"/v2/control-planes/{self.cp_id}/dp-registration-tokens", {"name": "e2e"}
        )
        assert status == 201, body
        return str(body["token"])

    def agent(self, name: str, *run_args: str, register: bool = True) -> Agent:
        agent = Agent(self.tmp / name, dict(self.env))
        if register:
            result = agent.register(self.server.url, self.registration_token(), name)
            assert result.returncode == 0, result.stderr
        self.agents.append(agent)
        return agent.start(*run_args)

    def version(self) -> int:
        status, body = self.api("GET", f"/v2/control-planes/{self.cp_id}/expected-config")
        assert status == 200, body
        return int(body["version"])

    def stop(self) -> None:
        for agent in self.agents:
            agent.stop()
        self.server.stop()


def base_env(tmp: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(
        DATABASE_URL=database_url,
        KONNECTLITE_VAR_DIR=str(tmp / "var"),
        PYTHONUNBUFFERED="1",
        KONNECTLITE_DP_DATA_DIR=str(tmp / "dp-default"),
    )
    return env


def start_cluster(tmp: Path, env: dict[str, str]) -> Cluster:
    manage(env, "migrate", "--noinput")
    manage(env, "create_org", "e2e", "--admin-email", "ops@e2e.test", "--admin-password", "pw")
    token = manage(env, "create_token", "--email", "ops@e2e.test", "--org", "e2e").strip()
    server = ControlPlaneServer(env, tmp / "daphne.log").start()
    status, body = http("POST", f"{server.url}/v2/control-planes", {"name": "e2e"}, token)
    assert status == 201, body
    return Cluster(env, server, token, body["id"], tmp)


@pytest.fixture
def cluster_factory(tmp_path: Path) -> Iterator[Callable[..., Cluster]]:
    made: list[Cluster] = []

    def make(env: dict[str, str] | None = None) -> Cluster:
        cluster = start_cluster(
            tmp_path, env or base_env(tmp_path, f"sqlite:///{tmp_path}/cp.sqlite3")
        )
        made.append(cluster)
        return cluster

    yield make
    for cluster in made:
        cluster.stop()


@pytest.fixture
def cluster(cluster_factory: Callable[..., Cluster]) -> Cluster:
    return cluster_factory()
