"""Declarative config: download the config; upload a file, review its dry run, then apply it."""

import json
import os
import stat
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from controlplane.models import ConfigVersion, ControlPlane, Entity
from controlplane.services.entities import create_entity
from tests.support.yaml_bombs import BILLION_LAUGHS

FILE = """_format_version: "3.0"
services:
- name: billing
  url: http://billing.internal:8080
  routes:
  - name: billing-route
    paths: [/billing]
"""


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path


def upload(client: Client, cp: ControlPlane, text: str = FILE) -> str:
    """Upload ``text``; return the review page."""
    return client.post(f"/control-planes/{cp.pk}/config/upload/", {"text": text}).content.decode()


def upload_token(review: str) -> str:
    return review.split('name="upload" value="')[1].split('"')[0]


def names(cp: ControlPlane, entity_type: str) -> list[str]:
    rows = Entity.objects.filter(control_plane=cp, entity_type=entity_type)
    return sorted(str(r.endpoint_key) for r in rows)


def test_download_is_the_whole_config_as_a_deck_file(
    alice_client: Client, cp: ControlPlane
) -> None:
    create_entity(cp, "services", {"name": "billing", "host": "b.internal"}, actor="t")
    create_entity(
        cp, "routes", {"name": "r", "paths": ["/b"], "service": {"name": "billing"}}, actor="t"
    )
    response = alice_client.get(f"/control-planes/{cp.pk}/config/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="default-v2.yaml"'
    config = yaml.safe_load(response.content)
    assert config["_format_version"] == "3.0"
    assert config["services"][0]["name"] == "billing"
    assert config["services"][0]["routes"][0]["name"] == "r"


def test_download_as_json(charlie_client: Client, cp: ControlPlane) -> None:
    response = charlie_client.get(f"/control-planes/{cp.pk}/config/download/?format=json")
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["_format_version"] == "3.0"


def test_an_upload_shows_the_dry_run_diff_and_applies_nothing(
    alice_client: Client, cp: ControlPlane
) -> None:
    create_entity(cp, "services", {"name": "legacy", "host": "l"}, actor="t")
    page = upload(alice_client, cp)
    assert "Nothing has been applied yet" in page and "Apply 3 changes as one version" in page
    diff = page.split('id="diff"')[1]
    assert ">create</span>" in diff and "billing-route" in diff
    assert ">delete</span>" in diff and "legacy" in diff and "not in the file" in diff
    assert names(cp, "services") == ["legacy"]
    assert ConfigVersion.objects.filter(control_plane=cp).count() == 1


def test_an_update_lists_the_fields_it_changes(alice_client: Client, cp: ControlPlane) -> None:
    create_entity(
        cp, "services", {"name": "billing", "url": "http://billing.internal:9999"}, actor="t"
    )
    page = upload(alice_client, cp)
    row = page.split(">update</span>")[1].split("</tr>")[0]
    assert "billing" in row and "port" in row


def test_an_uploaded_file_is_read_like_pasted_text(alice_client: Client, cp: ControlPlane) -> None:
    file = SimpleUploadedFile("kong.yaml", FILE.encode(), content_type="application/yaml")
    page = alice_client.post(
        f"/control-planes/{cp.pk}/config/upload/", {"file": file}
    ).content.decode()
    assert "billing-route" in page.split('id="diff"')[1]


def test_applying_the_reviewed_upload_makes_one_version(
    alice_client: Client, cp: ControlPlane
) -> None:
    token = upload_token(upload(alice_client, cp))
    response = alice_client.post(
        f"/control-planes/{cp.pk}/config/apply/", {"upload": token}, follow=True
    )
    assert (
        "Configuration applied as version 1: 2 created, 0 updated, 0 deleted"
        in response.content.decode()
    )
    assert names(cp, "services") == ["billing"] and names(cp, "routes") == ["billing-route"]
    version = ConfigVersion.objects.get(control_plane=cp)
    assert version.actor == "alice@acme.test" and version.change_count == 2
    again = alice_client.post(f"/control-planes/{cp.pk}/config/apply/", {"upload": token})
    assert again.status_code == 400 and b"expired or was already applied" in again.content


def test_a_config_changed_since_the_dry_run_is_reviewed_again(
    alice_client: Client, cp: ControlPlane
) -> None:
    token = upload_token(upload(alice_client, cp))
    create_entity(cp, "services", {"name": "sneaky", "host": "s"}, actor="someone else")
    page = alice_client.post(
        f"/control-planes/{cp.pk}/config/apply/", {"upload": token}
    ).content.decode()
    assert "The configuration changed since your dry run" in page
    assert "sneaky" in page.split('id="diff"')[1]  # the new diff would delete it
    assert names(cp, "services") == ["sneaky"]


def test_an_upload_that_changes_nothing_says_so(alice_client: Client, cp: ControlPlane) -> None:
    token = upload_token(upload(alice_client, cp))
    alice_client.post(f"/control-planes/{cp.pk}/config/apply/", {"upload": token})
    page = upload(alice_client, cp)
    assert "Nothing to change" in page and "Apply" not in page.split('id="diff-summary"')[1]


def test_an_invalid_file_shows_kongs_error_and_changes_nothing(
    alice_client: Client, cp: ControlPlane
) -> None:
    response = alice_client.post(
        f"/control-planes/{cp.pk}/config/upload/",
        {"text": '_format_version: "3.0"\nservices:\n- name: 5\n'},
    )
    assert response.status_code == 400
    assert b"declarative config is invalid" in response.content
    assert not Entity.objects.filter(control_plane=cp).exists()


def test_a_yaml_alias_bomb_is_refused_with_a_clear_error(
    alice_client: Client, cp: ControlPlane
) -> None:
    response = alice_client.post(
        f"/control-planes/{cp.pk}/config/upload/", {"text": BILLION_LAUGHS}
    )
    assert response.status_code == 400
    assert b"YAML aliases expand the file too much at line" in response.content
    assert not Entity.objects.filter(control_plane=cp).exists()


def test_an_empty_upload_is_refused(alice_client: Client, cp: ControlPlane) -> None:
    response = alice_client.post(f"/control-planes/{cp.pk}/config/upload/", {"text": "  "})
    assert response.status_code == 400 and b"Choose a file or paste" in response.content


def test_viewers_may_download_but_not_upload(charlie_client: Client, cp: ControlPlane) -> None:
    page = charlie_client.get(f"/control-planes/{cp.pk}/config/").content.decode()
    assert "Download YAML" in page and "Upload and preview" not in page
    assert (
        charlie_client.post(f"/control-planes/{cp.pk}/config/upload/", {"text": FILE}).status_code
        == 403
    )
    assert (
        charlie_client.post(f"/control-planes/{cp.pk}/config/apply/", {"upload": "x"}).status_code
        == 403
    )
    assert not Entity.objects.filter(control_plane=cp).exists()


def test_another_organizations_config_is_not_found(bob_client: Client, cp: ControlPlane) -> None:
    assert bob_client.get(f"/control-planes/{cp.pk}/config/").status_code == 404
    assert bob_client.get(f"/control-planes/{cp.pk}/config/download/").status_code == 404
    assert (
        bob_client.post(f"/control-planes/{cp.pk}/config/upload/", {"text": FILE}).status_code
        == 404
    )
    assert (
        bob_client.post(f"/control-planes/{cp.pk}/config/apply/", {"upload": "x"}).status_code
        == 404
    )


def test_anonymous_visitors_are_sent_to_sign_in(cp: ControlPlane) -> None:
    assert Client().get(f"/control-planes/{cp.pk}/config/download/").status_code == 302


def test_an_upload_awaiting_review_is_readable_only_by_the_server(
    alice_client: Client, cp: ControlPlane, settings: Any
) -> None:
    token = upload_token(upload(alice_client, cp))
    folder = Path(settings.VAR_DIR) / "dashboard-uploads"
    assert stat.S_IMODE((folder / f"{token}.txt").stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_an_applied_upload_is_deleted(
    alice_client: Client, cp: ControlPlane, settings: Any
) -> None:
    token = upload_token(upload(alice_client, cp))
    alice_client.post(f"/control-planes/{cp.pk}/config/apply/", {"upload": token})
    assert list((Path(settings.VAR_DIR) / "dashboard-uploads").iterdir()) == []


def test_a_new_upload_replaces_the_one_awaiting_review(
    alice_client: Client, cp: ControlPlane, settings: Any
) -> None:
    first = upload_token(upload(alice_client, cp))
    second = upload_token(upload(alice_client, cp))
    kept = [p.name for p in (Path(settings.VAR_DIR) / "dashboard-uploads").iterdir()]
    assert first != second and kept == [f"{second}.txt"]


def test_an_upload_older_than_an_hour_is_deleted(
    alice_client: Client, cp: ControlPlane, settings: Any
) -> None:
    token = upload_token(upload(alice_client, cp))
    path = Path(settings.VAR_DIR) / "dashboard-uploads" / f"{token}.txt"
    hour_ago = time.time() - 3601
    os.utime(path, (hour_ago, hour_ago))
    response = alice_client.post(f"/control-planes/{cp.pk}/config/apply/", {"upload": token})
    assert response.status_code == 400 and not path.exists()
