import json
import urllib.error
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from dataplane.status import StatusBoard, StatusServer, parse_listen
from dataplane.version import AGENT_VERSION


@pytest.fixture
def board():
    return StatusBoard(node_id="n1", control_plane_id="cp1", name="edge-1", sync_mode="incremental")


@pytest.fixture
def server(board):
    status_server = StatusServer(board, "127.0.0.1", 0)
    status_server.start()
    yield status_server
    status_server.stop()


def get(server, path):
    host, port = server.address
    with urllib.request.urlopen(f"http://{host}:{port}{path}", timeout=10) as response:
        return response.status, response.headers["Content-Type"], json.loads(response.read())


def test_status_shows_the_nodes_config_and_connection(fake_cp, node, board, server):
    fake_cp.seed("services", 2)
    node.feed(fake_cp.snapshot())
    node.feed(fake_cp.create("consumers", username="alice"))
    board.show_store(node.store)
    board.update(connected=True)

    status, content_type, body = get(server, "/status")

    assert status == 200 and content_type == "application/json"
    assert body["node_id"] == "n1" and body["control_plane_id"] == "cp1"
    assert body["version"] == fake_cp.version and body["hash"] == fake_cp.hash
    assert body["sync_mode"] == "incremental" and body["connected"] is True
    assert body["entity_counts"] == {"consumers": 1, "services": 2}
    assert body["agent_version"] == AGENT_VERSION
    last_sync = body["last_sync"]
    assert last_sync["type"] == "delta" and last_sync["version"] == fake_cp.version
    assert set(last_sync) == {"type", "version", "at", "wire_bytes", "raw_bytes", "apply_ms"}


def test_status_before_any_sync_shows_an_empty_disconnected_node(server):
    _, _, body = get(server, "/status")

    assert body["connected"] is False and body["version"] == 0
    assert body["last_sync"] is None and body["entity_counts"] == {}


def test_other_paths_are_not_found(server):
    with pytest.raises(urllib.error.HTTPError) as error:
        get(server, "/admin")

    assert error.value.code == 404


def test_port_zero_binds_a_free_port(server):
    assert server.address[1] > 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("127.0.0.1:8100", ("127.0.0.1", 8100)),
        ("[::1]:0", ("::1", 0)),
        (":9000", ("", 9000)),
    ],
)
def test_listen_addresses_parse(value, expected):
    assert parse_listen(value) == expected


@pytest.mark.parametrize("value", ["8100", "host:", "host:http", "host:70000"])
def test_bad_listen_addresses_are_refused(value):
    with pytest.raises(ValueError):
        parse_listen(value)


def test_metrics_show_the_version_its_age_apply_times_and_reconnects(fake_cp, node, board, server):
    node.feed(fake_cp.snapshot())
    board.show_apply(node.store)
    node.feed(fake_cp.create("services", name="a"))
    board.show_apply(node.store)
    board.update(connected=True)
    board.update(connected=False)
    board.update(connected=True)

    host, port = server.address
    with urllib.request.urlopen(f"http://{host}:{port}/metrics", timeout=10) as response:
        content_type, body = response.headers["Content-Type"], response.read().decode()

    assert content_type.startswith("text/plain")
    values = samples(body)
    assert values["konnectlite_dp_config_version"] == fake_cp.version
    assert values["konnectlite_dp_config_hash_age_seconds"] >= 0
    assert values['konnectlite_dp_apply_seconds_count{type="snapshot"}'] == 1
    assert values['konnectlite_dp_apply_seconds_count{type="delta"}'] == 1
    assert values["konnectlite_dp_reconnects_total"] == 1
    assert values["konnectlite_dp_connected"] == 1


def samples(body):
    values = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
            values[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return values
