"""Schemathesis against a real daphne: no operation of /v2/openapi.json answers a 5xx.

Bounded and reproducible: a fixed seed and a few examples per operation, on a control plane
that already holds the entities the documented examples name (``/services/s``,
``/routes/r``, ...: ``EXAMPLE_CONFIG``), so the run reaches past the 404s into the handlers.

Schemathesis' pytest integration (``from_fixture``) does not run on pytest 9, so the test
drives its CLI, which runs every phase (examples, coverage, fuzzing, stateful) as documented.
"""

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from controlplane.api.schema import EXAMPLE_CONFIG
from tests.support.cluster import Cluster, sqlite_env, start_cluster

pytestmark = pytest.mark.e2e

SEED = 20261202
MAX_EXAMPLES = 10
ST = str(Path(sys.executable).parent / "st")


@pytest.fixture
def fuzzed(tmp_path: Path) -> Iterator[Cluster]:
    env = sqlite_env(tmp_path)
    # Webhooks the fuzzer creates may only target loopback: the server never calls out.
    env["KONNECTLITE_WEBHOOK_ALLOWED_HOSTS"] = "127.0.0.1,localhost,::1"
    cluster = start_cluster(tmp_path, env)
    try:
        path = f"/v2/control-planes/{cluster.cp_id}/declarative-config"
        status, answer = cluster.api("POST", path, EXAMPLE_CONFIG)
        assert status == 200, answer
        yield cluster
    finally:
        cluster.stop()


def config_file(cluster: Cluster) -> Path:
    """schemathesis.toml: the control plane under test fills every ``{cp_id}``."""
    path = cluster.tmp / "schemathesis.toml"
    path.write_text(f'[parameters]\ncp_id = "{cluster.cp_id}"\n')
    return path


def st_run(cluster: Cluster) -> list[str]:
    return [
        ST,
        "--config-file",
        str(config_file(cluster)),
        "--no-color",
        "run",
        f"{cluster.server.url}/v2/openapi.json",
        "--checks",
        "not_a_server_error",
        "--header",
        f"Authorization: Bearer {cluster.token}",
        "--seed",
        str(SEED),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--generation-database",
        "none",
        "--suppress-health-check",
        "all",
        # Deleting the control plane under test would turn every later case into a 404.
        "--exclude-operation-id",
        "control_plane_item_delete",
        # One worker: CPython 3.11.7's ast.parse, which Hypothesis calls to describe its
        # strategies, fails now and then when two threads call it at once.
        "--workers",
        "1",
    ]


def test_no_operation_answers_a_server_error(fuzzed: Cluster) -> None:
    # Schemathesis and Hypothesis keep their caches in the working directory.
    result = subprocess.run(
        st_run(fuzzed), cwd=fuzzed.tmp, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-10000:]
