"""``manage.py demo``: the demo nodes follow the server's address."""

import json
from pathlib import Path

from controlplane.management.commands.demo import repoint_node


def write_node(data_dir: Path, server: str) -> None:
    identity = {
        "server": server,
        "sync_url": f"ws{server.removeprefix('http')}/v2/dataplane/sync",
        "node_id": "n-1",
        "control_plane_id": "cp-1",
        "name": "dp-incremental",
        "labels": {"env": "demo"},
    }
    (data_dir / "node.json").write_text(json.dumps(identity))


def test_a_demo_node_registered_on_another_port_is_repointed(tmp_path: Path) -> None:
    write_node(tmp_path, "http://127.0.0.1:8000")
    repoint_node(tmp_path, "http://127.0.0.1:8302")
    identity = json.loads((tmp_path / "node.json").read_text())
    assert identity["server"] == "http://127.0.0.1:8302"
    assert identity["sync_url"] == "ws://127.0.0.1:8302/v2/dataplane/sync"
    assert identity["node_id"] == "n-1" and identity["labels"] == {"env": "demo"}


def test_a_demo_node_on_the_same_address_is_left_untouched(tmp_path: Path) -> None:
    write_node(tmp_path, "http://127.0.0.1:8000")
    before = (tmp_path / "node.json").read_text()
    repoint_node(tmp_path, "http://127.0.0.1:8000")
    assert (tmp_path / "node.json").read_text() == before
