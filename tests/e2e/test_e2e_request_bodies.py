"""Request bodies against a real daphne: chunked bodies are read, oversized ones refused early.

Requests are written on raw sockets, so the tests choose the framing (chunked or not) and can
see the server answer while the client is still sending.
"""

import json
import select
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from controlplane.api.views.nodes import REGISTER_MAX_BODY_BYTES
from tests.support.cluster import Cluster, sqlite_env, start_cluster
from tests.support.processes import http

pytestmark = pytest.mark.e2e

ENTITY_LIMIT = settings.KONNECTLITE_MAX_ENTITY_BODY_BYTES
DECLARATIVE_LIMIT = settings.KONNECTLITE_MAX_BODY_BYTES
GIB = 1024**3
BLOCK = b"x" * 65536


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    body_bytes_sent: int
    closed: bool

    def json(self) -> dict[str, object]:
        return dict(json.loads(self.body))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    tmp: Path = tmp_path_factory.mktemp("bodies")
    made = start_cluster(tmp, sqlite_env(tmp))
    try:
        yield made
    finally:
        made.stop()


def head(cluster: Cluster, method: str, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{cluster.server.port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def read_answer(sock: socket.socket, received: bytes = b"") -> tuple[bytes, bool]:
    """Everything the server sends until it closes (or stops sending for 10 s)."""
    sock.setblocking(True)
    sock.settimeout(10)
    try:
        while data := sock.recv(65536):
            received += data
        return received, True
    except TimeoutError:
        return received, False


def parse(raw: bytes, sent: int, closed: bool) -> Answer:
    head_bytes, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head_bytes.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Answer(int(status_line.split()[1]), headers, body, sent, closed)


def request(
    cluster: Cluster,
    method: str,
    path: str,
    parts: list[bytes],
    content_type: str = "application/json",
    token: bool = True,
) -> Answer:
    """One request with a chunked body, each of ``parts`` a chunk."""
    headers = {"Content-Type": content_type, "Transfer-Encoding": "chunked"}
    if token:
        headers["Authorization"] = f"Bearer {cluster.token}"
    with socket.create_connection(("127.0.0.1", cluster.server.port)) as sock:
        sock.sendall(head(cluster, method, path, headers | {"Connection": "close"}))
        for part in parts:
            sock.sendall(chunk(part))
        sock.sendall(b"0\r\n\r\n")
        raw, closed = read_answer(sock)
    return parse(raw, sum(map(len, parts)), closed)


def send_until_answered(
    cluster: Cluster, path: str, total: int, *, chunked: bool, token: bool = True
) -> Answer:
    """Start sending a ``total``-byte body; stop as soon as the server answers."""
    headers = {"Content-Type": "application/json"}
    headers |= {"Transfer-Encoding": "chunked"} if chunked else {"Content-Length": str(total)}
    if token:
        headers["Authorization"] = f"Bearer {cluster.token}"
    sent, received = 0, b""
    with socket.create_connection(("127.0.0.1", cluster.server.port)) as sock:
        sock.sendall(head(cluster, "POST", path, headers))
        while sent < total and not received:
            readable, writable, _ = select.select([sock], [sock], [], 10)
            if readable:
                received = sock.recv(65536)
                break
            if writable:
                try:
                    sock.sendall(chunk(BLOCK) if chunked else BLOCK)
                except (BrokenPipeError, ConnectionResetError):
                    break
                sent += len(BLOCK)
        raw, closed = read_answer(sock, received)
    return parse(raw, sent, closed)


def core(cluster: Cluster, path: str = "") -> str:
    return f"/v2/control-planes/{cluster.cp_id}/core-entities{path}"


def test_a_chunked_put_sets_every_field(cluster: Cluster) -> None:
    answer = request(
        cluster,
        "PUT",
        core(cluster, "/consumers/bob"),
        [b'{"custom_id": "b', b'ob-1", ', b'"tags": ["vip"]}'],
    )
    assert answer.status == 200, answer.body
    status, stored = cluster.core("GET", "/consumers/bob")
    assert status == 200
    assert (stored["custom_id"], stored["tags"]) == ("bob-1", ["vip"])


def test_a_chunked_post_creates_the_entity(cluster: Cluster) -> None:
    body = [b'{"name": "chunked-svc", ', b'"url": "http://upstream.test:8080/api"}']
    answer = request(cluster, "POST", core(cluster, "/services"), body)
    assert answer.status == 201, answer.body
    status, stored = cluster.core("GET", "/services/chunked-svc")
    assert status == 200
    assert (stored["host"], stored["port"]) == ("upstream.test", 8080)


def test_a_chunked_patch_writes_the_change(cluster: Cluster) -> None:
    status, _ = cluster.core("PUT", "/consumers/alice", {"custom_id": "before"})
    assert status == 200
    version = cluster.version()
    answer = request(
        cluster, "PATCH", core(cluster, "/consumers/alice"), [b'{"custom_id"', b': "after"}']
    )
    assert answer.status == 200, answer.body
    assert cluster.core("GET", "/consumers/alice")[1]["custom_id"] == "after"
    assert cluster.version() == version + 1


def test_a_chunked_deck_file_is_applied(cluster: Cluster) -> None:
    deck = b'_format_version: "3.0"\nservices:\n- name: deck-svc\n  url: http://deck.test\n'
    path = f"/v2/control-planes/{cluster.cp_id}/declarative-config"
    answer = request(cluster, "POST", path, [deck[:20], deck[20:]], "application/yaml")
    assert answer.status == 200, answer.body
    assert cluster.core("GET", "/services/deck-svc")[0] == 200


def test_a_chunked_multipart_deck_upload_is_applied(cluster: Cluster) -> None:
    deck = b'_format_version: "3.0"\nservices:\n- name: multipart-svc\n  url: http://mp.test\n'
    body = (
        b"--XyZ\r\n"
        b'Content-Disposition: form-data; name="config"; filename="kong.yaml"\r\n'
        b"Content-Type: application/yaml\r\n\r\n" + deck + b"\r\n--XyZ--\r\n"
    )
    path = f"/v2/control-planes/{cluster.cp_id}/declarative-config"
    answer = request(
        cluster, "POST", path, [body[:50], body[50:]], "multipart/form-data; boundary=XyZ"
    )
    assert answer.status == 200, answer.body
    assert cluster.core("GET", "/services/multipart-svc")[0] == 200


def test_a_chunked_registration_registers_the_node(cluster: Cluster) -> None:
    secret = cluster.registration_token()
    body = [b'{"name": "chunked-node", ', b'"hostname": "chunked-node", "version": "test"}']
    with socket.create_connection(("127.0.0.1", cluster.server.port)) as sock:
        headers = {
            "Authorization": f"Bearer {secret}",
            "Content-Type": "application/json",
            "Transfer-Encoding": "chunked",
            "Connection": "close",
        }
        sock.sendall(head(cluster, "POST", "/v2/dataplane/register", headers))
        sock.sendall(b"".join(chunk(part) for part in body) + b"0\r\n\r\n")
        raw, closed = read_answer(sock)
    answer = parse(raw, 0, closed)
    assert answer.status == 201, answer.body
    assert answer.json()["credential"]


@pytest.mark.parametrize("token", [True, False], ids=["with-token", "without-token"])
def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_sent(
    cluster: Cluster, token: bool
) -> None:
    headers = {"Content-Type": "application/json", "Content-Length": str(GIB)}
    if token:
        headers["Authorization"] = f"Bearer {cluster.token}"
    with socket.create_connection(("127.0.0.1", cluster.server.port)) as sock:
        sock.sendall(head(cluster, "POST", core(cluster, "/services"), headers))
        raw, closed = read_answer(sock)  # not a byte of the body sent
    answer = parse(raw, 0, closed)
    assert answer.status == 413
    assert answer.json() == {
        "code": 413,
        "name": "payload too large",
        "message": f"request body exceeds the limit of {ENTITY_LIMIT} bytes",
    }
    assert answer.closed


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "plain"])
@pytest.mark.parametrize("token", [True, False], ids=["with-token", "without-token"])
def test_a_gigabyte_upload_is_refused_while_the_client_is_still_sending(
    cluster: Cluster, chunked: bool, token: bool
) -> None:
    path = f"/v2/control-planes/{cluster.cp_id}/declarative-config"
    answer = send_until_answered(cluster, path, GIB, chunked=chunked, token=token)
    assert answer.status == 413
    assert (
        answer.json()["message"] == f"request body exceeds the limit of {DECLARATIVE_LIMIT} bytes"
    )
    assert answer.body_bytes_sent < GIB
    assert answer.closed
    assert cluster.api("GET", f"/v2/control-planes/{cluster.cp_id}")[0] == 200


def test_a_streamed_entity_body_is_refused_once_it_passes_the_entity_limit(
    cluster: Cluster,
) -> None:
    answer = send_until_answered(cluster, core(cluster, "/services"), GIB, chunked=True)
    assert answer.status == 413
    assert answer.json()["message"] == f"request body exceeds the limit of {ENTITY_LIMIT} bytes"
    assert answer.body_bytes_sent < DECLARATIVE_LIMIT


def test_a_dashboard_form_over_the_entity_limit_gets_a_413_page(cluster: Cluster) -> None:
    path = f"/control-planes/{cluster.cp_id}/entities/services/create/"
    form = b"name=big&tags=" + b"x" * 2_000_000
    with socket.create_connection(("127.0.0.1", cluster.server.port)) as sock:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Content-Length": str(len(form)),
        }
        sock.sendall(head(cluster, "POST", path, headers))
        raw, closed = read_answer(sock)
    answer = parse(raw, 0, closed)
    assert answer.status == 413
    assert answer.headers["content-type"].startswith("text/html")
    assert b"Request too large" in answer.body
    assert cluster.core("GET", "/services/big")[0] == 404


def test_a_registration_over_its_small_limit_is_refused(cluster: Cluster) -> None:
    labels = {f"label-{i}": "x" * 100 for i in range(REGISTER_MAX_BODY_BYTES // 100)}
    status, body = http(
        "POST",
        f"{cluster.server.url}/v2/dataplane/register",
        {"name": "n", "hostname": "n", "labels": labels},
        cluster.registration_token(),
    )
    assert status == 413
    assert body["message"] == f"request body exceeds the limit of {REGISTER_MAX_BODY_BYTES} bytes"


def test_a_malformed_chunked_body_is_a_bad_request(cluster: Cluster) -> None:
    assert cluster.core("PUT", "/consumers/carol", {"custom_id": "carol-1"})[0] == 200
    headers = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    with socket.create_connection(("127.0.0.1", cluster.server.port)) as sock:
        sock.sendall(head(cluster, "PUT", core(cluster, "/consumers/carol"), headers))
        sock.sendall(b"zz\r\n{}\r\n0\r\n\r\n")
        raw, closed = read_answer(sock)
    assert parse(raw, 0, closed).status == 400
    assert cluster.core("GET", "/consumers/carol")[1]["custom_id"] == "carol-1"
