"""``manage.py demo``: the demo organization, then the control plane server, and optionally
two local data-plane nodes (one incremental, one full). This is what ``make run`` runs."""

import json
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from controlplane.models import ControlPlane, DataPlaneNode, Organization, User
from controlplane.services import entities, nodes
from controlplane.services.control_planes import create_control_plane
from controlplane.services.tenancy import create_org
from controlplane.services.tokens import create_token
from kongcore import protocol
from konnectlite.server import daphne_command

ORG, EMAIL, PASSWORD = "demo", "admin@demo.konnectlite.local", "konnectlite-demo"
NODES = {"dp-incremental": "on", "dp-full": "off"}


class Command(BaseCommand):
    help = "Create the demo organization and start the control plane (and demo nodes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--with-nodes", action="store_true")
        parser.add_argument("--no-server", action="store_true", help="only create the demo data")

    def handle(self, *args: Any, **options: Any) -> None:
        org, user = create_org(ORG, admin_email=EMAIL, admin_password=PASSWORD)
        cp = self._control_plane(org)
        _, secret = create_token(user, org, name="demo")
        self._banner(options, cp, secret)
        if options["no_server"]:
            return
        server = f"http://{options['host']}:{options['port']}"
        children = [self._daphne(options)]
        try:
            _wait_for_port(options["host"], options["port"])
            if options["with_nodes"]:
                children += [
                    self._node(cp, user, server, name, mode) for name, mode in NODES.items()
                ]
            _wait_for_signal(children)
        finally:
            for child in reversed(children):
                _stop(child)

    def _control_plane(self, org: Organization) -> ControlPlane:
        cp = ControlPlane.objects.filter(organization=org, name="default").first()
        if cp is None:
            cp = create_control_plane(org, name="default", description="The demo control plane")
            service = {"name": "example-service", "url": "http://httpbin.internal:8080/anything"}
            entities.create_entity(cp, "services", service, actor="demo")
            route = {
                "name": "example-route",
                "paths": ["/example"],
                "service": {"name": "example-service"},
            }
            entities.create_entity(cp, "routes", route, actor="demo")
        return cp

    def _banner(self, options: dict[str, Any], cp: ControlPlane, secret: str) -> None:
        url = f"http://{options['host']}:{options['port']}"
        self.stdout.write(
            f"\nkonnectlite demo\n  dashboard:  {url}/\n  login:      {EMAIL} / {PASSWORD}\n"
            f"  token:      {secret}\n  control plane: {cp.name} ({cp.pk})\n"
            f"  try:        curl -H 'Authorization: Bearer {secret}' "
            f"{url}/v2/control-planes/{cp.pk}/core-entities/services\n"
        )

    def _daphne(self, options: dict[str, Any]) -> subprocess.Popen[bytes]:
        return subprocess.Popen(daphne_command(options["host"], options["port"]))

    def _node(
        self, cp: ControlPlane, user: User, server: str, name: str, mode: str
    ) -> subprocess.Popen[bytes]:
        data_dir = Path(settings.VAR_DIR) / "demo-nodes" / name
        if _registered(data_dir, cp):
            repoint_node(data_dir, server)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
            _, token = nodes.create_registration_token(cp, name=f"demo {name}", created_by=user)
            dp = str(Path(sys.executable).parent / "konnectlite-dp")
            subprocess.run(
                [
                    dp,
                    "register",
                    "--server",
                    server,
                    "--token",
                    token,
                    "--name",
                    name,
                    "--label",
                    "env=demo",
                    "--data-dir",
                    str(data_dir),
                ],
                check=True,
            )
        dp = str(Path(sys.executable).parent / "konnectlite-dp")
        return subprocess.Popen(
            [dp, "run", "--data-dir", str(data_dir), "--incremental-sync", mode]
        )


def _registered(data_dir: Path, cp: ControlPlane) -> bool:
    """Whether the node in ``data_dir`` is still a live node of this control plane."""
    try:
        node_id = json.loads((data_dir / "node.json").read_text())["node_id"]
    except (OSError, ValueError, KeyError):
        return False
    return DataPlaneNode.objects.filter(pk=node_id, control_plane=cp, revoked_at=None).exists()


def repoint_node(data_dir: Path, server: str) -> None:
    """Point a registered demo node at ``server``: ``make run PORT=…`` after a run on another
    port must not leave the nodes dialling the old one. The node keeps its identity, its
    credential and its stored config; only its server and sync URL follow the new address."""
    path = data_dir / "node.json"
    identity = json.loads(path.read_text())
    sync_url = f"ws{server.removeprefix('http')}{protocol.SYNC_PATH}"
    if identity.get("server") == server and identity.get("sync_url") == sync_url:
        return
    identity.update(server=server, sync_url=sync_url)
    path.write_text(json.dumps(identity, indent=2, sort_keys=True) + "\n")


def _wait_for_port(host: str, port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex((host, port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"the control plane did not start on {host}:{port}")


def _wait_for_signal(children: list[subprocess.Popen[bytes]]) -> None:
    stopping = False

    def on_signal(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    while not stopping and children[0].poll() is None:
        time.sleep(0.2)


def _stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
