import os
import stat

import pytest

from dataplane import config


@pytest.fixture
def permissive_umask():
    previous = os.umask(0)
    yield
    os.umask(previous)


def mode_of(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_the_credential_file_is_created_with_mode_0600(tmp_path, permissive_umask):
    config.save_credential(tmp_path, "kdpn_secret")

    assert mode_of(tmp_path / "credential") == 0o600
    assert config.load_credential(tmp_path) == "kdpn_secret"


def test_the_credential_is_never_written_to_a_file_with_looser_permissions(tmp_path, monkeypatch):
    opened = []
    real_open = os.open

    def recording_open(path, flags, mode=0o777, **kwargs):
        opened.append((str(path), flags, mode))
        return real_open(path, flags, mode, **kwargs)

    monkeypatch.setattr(config.os, "open", recording_open)

    config.save_credential(tmp_path, "kdpn_secret")

    assert len(opened) == 1
    _, flags, mode = opened[0]
    assert mode == 0o600
    assert flags & os.O_CREAT and flags & os.O_EXCL


def test_rewriting_a_loose_credential_file_makes_it_0600(tmp_path, permissive_umask):
    (tmp_path / "credential").write_text("old")
    os.chmod(tmp_path / "credential", 0o644)

    config.save_credential(tmp_path, "kdpn_new")

    assert mode_of(tmp_path / "credential") == 0o600


def test_a_world_readable_credential_is_loaded_with_a_warning(tmp_path, caplog):
    (tmp_path / "credential").write_text("kdpn_secret\n")
    os.chmod(tmp_path / "credential", 0o644)

    assert config.load_credential(tmp_path) == "kdpn_secret"
    assert "chmod 600" in caplog.text


def test_the_data_dir_is_private(tmp_path, permissive_umask):
    data_dir = config.ensure_data_dir(tmp_path / "dp")

    assert mode_of(data_dir) == 0o700


def test_the_identity_round_trips_through_node_json(tmp_path):
    identity = config.NodeIdentity(
        server="http://cp:8000",
        node_id="n1",
        control_plane_id="cp1",
        sync_url="ws://cp:8000/v2/dataplane/sync",
        name="edge-1",
        labels={"region": "eu"},
    )

    config.save_identity(tmp_path, identity)

    assert config.load_identity(tmp_path) == identity
    assert "kdpn_" not in (tmp_path / "node.json").read_text()


def test_an_empty_data_dir_is_not_registered(tmp_path):
    with pytest.raises(config.NotRegistered):
        config.load_identity(tmp_path)
    with pytest.raises(config.NotRegistered):
        config.load_credential(tmp_path)


def test_the_data_dir_comes_from_the_flag_then_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("KONNECTLITE_DP_DATA_DIR", str(tmp_path / "env"))

    assert config.resolve_data_dir(str(tmp_path / "flag")) == tmp_path / "flag"
    assert config.resolve_data_dir(None) == tmp_path / "env"
    monkeypatch.delenv("KONNECTLITE_DP_DATA_DIR")
    assert config.resolve_data_dir(None).parts[-3:] == (".local", "share", "konnectlite-dp")


def test_a_second_agent_cannot_take_a_busy_data_dir(tmp_path):
    # flock is per open file description, so a second open conflicts even in one process.
    with (
        config.exclusive_lock(tmp_path),
        pytest.raises(config.DataDirBusy),
        config.exclusive_lock(tmp_path),
    ):
        pass
    with config.exclusive_lock(tmp_path):
        pass
