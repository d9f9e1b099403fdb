"""Request bodies against a real daphne: chunked bodies are read, oversized ones refused early.

Requests are written on raw sockets, so the tests choose the framing (chunked or not) and can
see the server answer while the client is still sending.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from controlplane.api.views.nodes import REGISTER_MAX_BODY_BYTES
from tests.support.cluster import Cluster, sqlite_env, start_cluster
from tests.support.processes import http
from tests.support.uploads import Answer, exchange, request_head, send_chunked, send_until_answered

pytestmark = pytest.mark.e2e

ENTITY_LIMIT = settings.KONNECTLITE_MAX_ENTITY_BODY_BYTES
DECLARATIVE_LIMIT = settings.KONNECTLITE_MAX_BODY_BYTES
GIB = 1024**3


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    tmp: Path = tmp_path_factory.mktemp("bodies")
    made = start_cluster(tmp, sqlite_env(tmp))
    try:
        yield made
    finally:
        made.stop()


def auth(cluster: Cluster, token: bool = True) -> dict[str, str]:
    return {"Authorization": f"Bearer {cluster.token}"} if token else {}


def request(
    cluster: Cluster,
    method: str,
    path: str,
    parts: list[bytes],
    content_type: str = "application/json",
) -> Answer:
    """One request with a chunked body, each of ``parts`` a chunk."""
    headers = auth(cluster) | {"Content-Type": content_type}
    return send_chunked(cluster.server.port, method, path, parts, headers)


def upload(cluster: Cluster, path: str, *, chunked: bool, token: bool = True) -> Answer:
    headers = auth(cluster, token) | {"Content-Type": "application/json"}
    return send_until_answered(cluster.server.port, path, GIB, headers, chunked=chunked)


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
    headers = {
        "Authorization": f"Bearer {cluster.registration_token()}",
        "Content-Type": "application/json",
    }
    body = [b'{"name": "chunked-node", ', b'"hostname": "chunked-node", "version": "test"}']
    answer = send_chunked(cluster.server.port, "POST", "/v2/dataplane/register", body, headers)
    assert answer.status == 201, answer.body
    assert answer.json()["credential"]


@pytest.mark.parametrize("token", [True, False], ids=["with-token", "without-token"])
def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_sent(
    cluster: Cluster, token: bool
) -> None:
    headers = auth(cluster, token) | {"Content-Length": str(GIB)}
    head = request_head(cluster.server.port, "POST", core(cluster, "/services"), headers)
    answer = exchange(cluster.server.port, head)  # not a byte of the body sent
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
    answer = upload(cluster, path, chunked=chunked, token=token)
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
    answer = upload(cluster, core(cluster, "/services"), chunked=True)
    assert answer.status == 413
    assert answer.json()["message"] == f"request body exceeds the limit of {ENTITY_LIMIT} bytes"
    assert answer.body_bytes_sent < DECLARATIVE_LIMIT


def test_a_dashboard_form_over_the_entity_limit_gets_a_413_page(cluster: Cluster) -> None:
    path = f"/control-planes/{cluster.cp_id}/entities/services/create/"
    form = b"name=big&tags=" + b"x" * 2_000_000
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Content-Length": str(len(form)),
    }
    answer = exchange(
        cluster.server.port, request_head(cluster.server.port, "POST", path, headers), form
    )
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
    headers = {"Transfer-Encoding": "chunked", "Connection": "close"}
    path = core(cluster, "/consumers/carol")
    head = request_head(cluster.server.port, "PUT", path, auth(cluster) | headers)
    assert exchange(cluster.server.port, head, b"zz\r\n{}\r\n0\r\n\r\n").status == 400
    assert cluster.core("GET", "/consumers/carol")[1]["custom_id"] == "carol-1"
