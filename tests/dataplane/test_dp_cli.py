import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dataplane import config

SCRIPT = shutil.which("konnectlite-dp", path=str(Path(sys.executable).parent))


def run_cli(*args, env=None, timeout=30):
    command = [SCRIPT, *args] if SCRIPT else [sys.executable, "-m", "dataplane", *args]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def test_the_console_script_is_installed():
    assert SCRIPT is not None, "run `.venv/bin/pip install -e '.[dev]' --no-deps`"


@pytest.mark.parametrize("command", [[], ["register"], ["run"]])
def test_every_command_has_help(command):
    result = run_cli(*command, "--help")

    assert result.returncode == 0
    assert result.stdout.startswith("usage: konnectlite-dp")


def test_register_help_lists_its_options():
    out = run_cli("register", "--help").stdout

    for option in ("--server", "--token", "--name", "--label", "--data-dir"):
        assert option in out


def test_run_help_lists_its_options():
    out = run_cli("run", "--help").stdout

    for option in ("--data-dir", "--incremental-sync", "--status-listen", "--plugin"):
        assert option in out


def test_python_dash_m_runs_the_same_program():
    result = subprocess.run(
        [sys.executable, "-m", "dataplane", "--help"], capture_output=True, text=True, timeout=30
    )

    assert result.returncode == 0 and "register" in result.stdout


def test_run_without_registration_says_to_register_first(tmp_path):
    result = run_cli("run", "--data-dir", str(tmp_path))

    assert result.returncode == 1
    assert "konnectlite-dp register" in result.stderr


def test_a_bad_incremental_sync_setting_is_a_usage_error(tmp_path):
    result = run_cli(
        "run", "--data-dir", str(tmp_path), env={"KONNECTLITE_INCREMENTAL_SYNC": "maybe"}
    )

    assert result.returncode == 2
    assert "KONNECTLITE_INCREMENTAL_SYNC" in result.stderr


def test_a_label_without_a_value_is_a_usage_error(tmp_path):
    result = run_cli("register", "--server", "http://x", "--token", "t", "--label", "region")

    assert result.returncode == 2
    assert "KEY=VALUE" in result.stderr


def test_a_plugin_that_cannot_be_imported_stops_the_agent(tmp_path):
    identity = config.NodeIdentity("http://x", "n1", "cp1", "ws://127.0.0.1:9/sync", "edge", {})
    config.save_identity(tmp_path, identity)
    config.save_credential(tmp_path, "kdpn_x")

    result = run_cli("run", "--data-dir", str(tmp_path), "--plugin", "no_such_plugin_module")

    assert result.returncode == 1
    assert "cannot import plugin no_such_plugin_module" in result.stderr
