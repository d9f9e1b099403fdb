import json
import stat
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from dataplane import cli, config
from dataplane.version import AGENT_VERSION


class FakeRegistrar:
    """A registration endpoint that records each request and answers as told."""

    def __init__(self):
        self.requests = []
        self.status = 201
        self.body = {
            "node_id": "node-1",
            "control_plane_id": "cp-1",
            "credential": "kdpn_topsecret",
            "sync_url": "ws://127.0.0.1:1/v2/dataplane/sync",
        }

    def handler(self):
        registrar = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                registrar.requests.append(
                    (self.path, dict(self.headers), json.loads(self.rfile.read(length)))
                )
                payload = json.dumps(registrar.body).encode()
                self.send_response(registrar.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        return Handler


@pytest.fixture
def registrar():
    fake = FakeRegistrar()
    server = ThreadingHTTPServer(("127.0.0.1", 0), fake.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield fake
    server.shutdown()
    server.server_close()


def register(registrar, data_dir, *extra):
    argv = [
        "register",
        "--server",
        registrar.url,
        "--token",
        "kdpr_abc",
        "--data-dir",
        str(data_dir),
    ]
    return cli.main([*argv, *extra])


def test_register_posts_the_node_description_with_the_token(registrar, tmp_path):
    status = register(registrar, tmp_path, "--name", "edge-1", "--label", "region=eu")

    assert status == 0
    path, headers, body = registrar.requests[0]
    assert path == "/v2/dataplane/register"
    assert headers["Authorization"] == "Bearer kdpr_abc"
    assert body["name"] == "edge-1" and body["labels"] == {"region": "eu"}
    assert body["version"] == AGENT_VERSION and body["hostname"]


def test_register_stores_the_identity_and_a_private_credential(registrar, tmp_path, capsys):
    register(registrar, tmp_path, "--name", "edge-1")

    identity = config.load_identity(tmp_path)
    assert identity.node_id == "node-1" and identity.control_plane_id == "cp-1"
    assert identity.sync_url == "ws://127.0.0.1:1/v2/dataplane/sync"
    assert identity.server == registrar.url
    assert stat.S_IMODE((tmp_path / "credential").stat().st_mode) == 0o600
    assert config.load_credential(tmp_path) == "kdpn_topsecret"
    output = capsys.readouterr()
    assert "kdpn_topsecret" not in output.out + output.err
    assert "node-1" in output.out


def test_a_refused_token_prints_the_control_planes_message_and_fails(registrar, tmp_path, capsys):
    registrar.status = 401
    registrar.body = {"code": 16, "name": "unauthorized", "message": "Invalid registration token"}

    status = register(registrar, tmp_path)

    assert status == 1
    assert "Invalid registration token" in capsys.readouterr().err
    assert not (tmp_path / "credential").exists()
    assert not (tmp_path / "node.json").exists()


def test_a_bad_request_prints_the_message_and_fails(registrar, tmp_path, capsys):
    registrar.status = 400
    registrar.body = {"code": 2, "name": "schema violation", "message": "name: expected a string"}

    assert register(registrar, tmp_path) == 1
    assert "HTTP 400" in capsys.readouterr().err


def test_an_unreachable_control_plane_fails_clearly(tmp_path, capsys):
    argv = ["--server", "http://127.0.0.1:9", "--token", "kdpr_x", "--data-dir", str(tmp_path)]

    assert cli.main(["register", *argv]) == 1
    assert "cannot reach the control plane" in capsys.readouterr().err


def test_the_token_may_come_from_the_environment(registrar, tmp_path, monkeypatch):
    monkeypatch.setenv("KONNECTLITE_DP_TOKEN", "kdpr_env")

    status = cli.main(["register", "--server", registrar.url, "--data-dir", str(tmp_path)])

    assert status == 0
    assert registrar.requests[0][1]["Authorization"] == "Bearer kdpr_env"


def test_a_missing_sync_url_is_derived_from_the_server(registrar, tmp_path):
    del registrar.body["sync_url"]

    register(registrar, tmp_path)

    sync_url = config.load_identity(tmp_path).sync_url
    assert sync_url == registrar.url.replace("http://", "ws://") + "/v2/dataplane/sync"
