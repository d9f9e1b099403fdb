"""A real control plane (daphne) on a fresh database, with its organization, API token and
one control plane, and the konnectlite-dp agents started against it."""

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kongcore import protocol
from tests.support.processes import Agent, ControlPlaneServer, http, manage

ADMIN_EMAIL, ADMIN_PASSWORD = "ops@e2e.test", "correct horse battery staple"


@dataclass
class Cluster:
    env: dict[str, str]
    server: ControlPlaneServer
    token: str
    cp_id: str
    tmp: Path
    agents: list[Agent] = field(default_factory=list)
    # More processes serving the same database, stopped with the cluster.
    more_servers: list[ControlPlaneServer] = field(default_factory=list)

    def api(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        return http(method, f"{self.server.url}{path}", body, self.token)

    def core(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        return self.api(method, f"/v2/control-planes/{self.cp_id}/core-entities{path}", body)

    def registration_token(self) -> str:
        path = f"/v2/control-planes/{self.cp_id}/dp-registration-tokens"
        status, body = self.api("POST", path, {"name": "e2e"})
        assert status == 201, body
        return str(body["token"])

    def raw_node_credential(self) -> str:
        """Register a node without an agent (a test speaks the protocol itself); its credential."""
        status, body = http(
            "POST",
            f"{self.server.url}{protocol.REGISTER_PATH}",
            {"name": "raw", "hostname": "raw", "labels": {}, "version": "test"},
            self.registration_token(),
        )
        assert status == 201, body
        return str(body["credential"])

    def agent(
        self,
        name: str,
        *run_args: str,
        labels: tuple[str, ...] = (),
        via: ControlPlaneServer | None = None,
    ) -> Agent:
        """Register a new node called ``name`` (through ``via``, by default the first server,
        which it then syncs with) and start its agent."""
        agent = Agent(self.tmp / name, dict(self.env))
        server = (via or self.server).url
        result = agent.register(server, self.registration_token(), name, *labels)
        assert result.returncode == 0, result.stderr
        self.agents.append(agent)
        return agent.start(*run_args)

    def add_server(self, name: str) -> ControlPlaneServer:
        """Start another daphne process on the same database and channel layer."""
        server = ControlPlaneServer(self.env, self.tmp / f"{name}.log")
        self.more_servers.append(server)
        return server.start()

    def version(self) -> int:
        status, body = self.api("GET", f"/v2/control-planes/{self.cp_id}/expected-config")
        assert status == 200, body
        return int(body["version"])

    def stop(self) -> None:
        for agent in self.agents:
            agent.stop()
        for server in self.more_servers:
            server.stop()
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


def sqlite_env(tmp: Path) -> dict[str, str]:
    return base_env(tmp, f"sqlite:///{tmp}/cp.sqlite3")


def start_cluster(tmp: Path, env: dict[str, str], *, org: str = "e2e", cp: str = "e2e") -> Cluster:
    """Migrate, create the organization and its token, start daphne, create the control plane."""
    manage(env, "migrate", "--noinput")
    manage(env, "create_org", org, "--admin-email", ADMIN_EMAIL, "--admin-password", ADMIN_PASSWORD)
    token = manage(env, "create_token", "--email", ADMIN_EMAIL, "--org", org).strip()
    server = ControlPlaneServer(env, tmp / "daphne.log").start()
    try:
        status, body = http("POST", f"{server.url}/v2/control-planes", {"name": cp}, token)
        assert status == 201, body
    except BaseException:
        server.stop()
        raise
    return Cluster(env, server, token, body["id"], tmp)
