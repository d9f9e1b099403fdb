"""The benchmark suite still runs end to end and writes well-formed results (tiny sizes).

This proves the suite works, not that a target is met: the smoke profile is far too small
for its figures to mean anything.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.processes import ROOT

pytestmark = pytest.mark.e2e

SECTIONS = (
    "bytes_per_change",
    "latency",
    "cp_cost",
    "node_cost",
    "scale",
    "api_writes",
    "validation_cost",
)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench-results")
    command = [sys.executable, "-m", "bench.run", "--profile", "smoke", "--out", str(out)]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-4000:]
    return out


def test_the_suite_writes_json_with_every_section(results: Path) -> None:
    data = json.loads((results / "results.json").read_text())
    assert data["profile"] == "smoke"
    assert set(SECTIONS) <= set(data)
    assert data["machine"]["cores"] >= 1


def test_every_change_reaches_the_nodes_as_a_delta_or_a_snapshot(results: Path) -> None:
    data = json.loads((results / "results.json").read_text())
    for change in data["bytes_per_change"]["changes"]:
        assert 0 < change["incremental"]["wire_bytes"] < change["full"]["raw_bytes"]
    catch_up = data["scale"]["modes"]["incremental"]["catch_up"]
    assert catch_up["complete"] and catch_up["snapshots"] == 0
    assert catch_up["deltas"] == data["scale"]["nodes"] * catch_up["versions_behind"]


def test_the_markdown_has_the_targets_and_a_table_per_section(results: Path) -> None:
    text = (results / "results.md").read_text()
    assert "## Targets" in text
    for number in range(1, 7):
        assert f"## {number}. " in text


def test_the_chart_is_a_png(results: Path) -> None:
    assert (results / "results.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
