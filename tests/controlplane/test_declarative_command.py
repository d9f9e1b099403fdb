"""``manage.py config dump|sync``."""

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from controlplane.models import ControlPlane, Organization
from controlplane.services.control_planes import create_control_plane
from tests.support.yaml_bombs import BILLION_LAUGHS

FILE = "services:\n- name: billing\n  host: billing.internal\n"


def run(*args: str) -> str:
    out = StringIO()
    call_command("config", *args, stdout=out)
    return out.getvalue()


def test_sync_writes_the_file_as_one_version(cp: ControlPlane, tmp_path: Path) -> None:
    path = tmp_path / "kong.yaml"
    path.write_text(FILE)
    output = run("sync", "--control-plane", "default", str(path))
    assert "Synced as version 1" in output
    assert "services: 1 created" in output
    cp.refresh_from_db()
    assert cp.config_version == 1


def test_a_dry_run_writes_nothing(cp: ControlPlane, tmp_path: Path) -> None:
    path = tmp_path / "kong.yaml"
    path.write_text(FILE)
    output = run("sync", "--control-plane", "default", "--org", "acme", str(path), "--dry-run")
    assert "Dry run" in output and "1 would be created" in output
    cp.refresh_from_db()
    assert cp.config_version == 0


def test_dump_writes_what_sync_reads(cp: ControlPlane, tmp_path: Path) -> None:
    path = tmp_path / "kong.yaml"
    path.write_text(FILE)
    run("sync", "--control-plane", "default", str(path))
    dumped = run("dump", "--control-plane", "default")
    assert yaml.safe_load(dumped)["services"][0]["name"] == "billing"
    path.write_text(dumped)
    assert "Nothing to change" in run("sync", "--control-plane", str(cp.pk), str(path))


def test_dump_writes_json_when_asked(cp: ControlPlane) -> None:
    assert run("dump", "--control-plane", "default", "--format", "json").startswith("{")


def test_an_invalid_file_lists_its_problems(cp: ControlPlane, tmp_path: Path) -> None:
    path = tmp_path / "kong.yaml"
    path.write_text("services:\n- name: a\n")
    with pytest.raises(CommandError, match=r"services\[name=a\]\.host"):
        run("sync", "--control-plane", "default", str(path))


def test_an_unknown_control_plane_is_an_error(org: Organization) -> None:
    with pytest.raises(CommandError, match="no control plane 'nope'"):
        run("dump", "--control-plane", "nope")


def test_a_name_in_several_organizations_needs_the_org(
    cp: ControlPlane, other_org: Organization
) -> None:
    create_control_plane(other_org, name="default")
    with pytest.raises(CommandError, match="--org"):
        run("dump", "--control-plane", "default")
    assert run("dump", "--control-plane", "default", "--org", "globex").startswith("_format")


def test_a_large_file_syncs_with_a_progress_bar(cp: ControlPlane, tmp_path: Path) -> None:
    services = "".join(
        f"- name: s{i}\n  host: h{i}.internal\n  tags: [{'x' * 200}]\n" for i in range(3000)
    )
    path = tmp_path / "big.yaml"
    path.write_text("services:\n" + services)
    assert "services: 3000 created" in run("sync", "--control-plane", "default", str(path))


def test_a_yaml_alias_bomb_is_refused_and_writes_nothing(cp: ControlPlane, tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(BILLION_LAUGHS)
    with pytest.raises(CommandError, match="YAML aliases expand the file too much at line"):
        run("sync", "--control-plane", "default", str(path))
    cp.refresh_from_db()
    assert cp.config_version == 0
