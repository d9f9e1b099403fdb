"""Declarative config: download the config; upload a file, review its dry run, then apply it."""

import json
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from django.test import Client

from controlplane.dashboard import declarative
from controlplane.errors import DeclarativeConfigError
from controlplane.models import ControlPlane
from controlplane.services.entities import create_entity

FILE = "_format_version: '3.0'\nservices:\n- name: billing\n  host: b.internal\n"


class FakeDeclarativeService:
    """Stands in for controlplane.services.declarative: records calls, returns a diff."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def apply_declarative_config(self, cp: ControlPlane, text: str, *, actor: str, dry_run: bool) -> Any:
        self.calls.append({"cp": cp.pk, "text": text, "actor": actor, "dry_run": dry_run})
        if "invalid" in text:
            raise DeclarativeConfigError("declarative config is invalid: {services={{name=\"expected a string\"}}}")
        return [
            {"op": "create", "entity_type": "services", "entity": {"id": "1", "name": "billing"}, "old_entity": None},
            {
                "op": "update",
                "entity_type": "routes",
                "entity": {"id": "2", "name": "r", "paths": ["/b"], "updated_at": 2},
                "old_entity": {"id": "2", "name": "r", "paths": ["/a"], "updated_at": 1},
            },
            {"op": "delete", "entity_type": "plugins", "entity": None, "old_entity": {"id": "3", "name": "cors"}},
        ]


@pytest.fixture
def service(monkeypatch: pytest.MonkeyPatch) -> FakeDeclarativeService:
    fake = FakeDeclarativeService()
    monkeypatch.setattr(declarative, "declarative_service", lambda: fake)
    return fake


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path


def test_download_is_the_whole_config_in_kongs_declarative_format(alice_client: Client, cp: ControlPlane) -> None:
    create_entity(cp, "services", {"name": "billing", "host": "b.internal"}, actor="t")
    create_entity(cp, "routes", {"name": "r", "paths": ["/b"], "service": {"name": "billing"}}, actor="t")
    response = alice_client.get(f"/control-planes/{cp.pk}/config/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="default-v2.yaml"'
    config = yaml.safe_load(response.content)
    assert config["_format_version"] == "3.0"
    assert [s["name"] for s in config["services"]] == ["billing"]
    assert config["routes"][0]["service"] == {"id": config["services"][0]["id"]}


def test_download_as_json(charlie_client: Client, cp: ControlPlane) -> None:
    response = charlie_client.get(f"/control-planes/{cp.pk}/config/download/?format=json")
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"_format_version": "3.0"}


def test_an_upload_shows_the_dry_run_diff_and_applies_nothing(
    alice_client: Client, cp: ControlPlane, service: FakeDeclarativeService
) -> None:
    response = alice_client.post(f"/control-planes/{cp.pk}/config/upload/", {"text": FILE})
    page = response.content.decode()
    assert response.status_code == 200
    assert service.calls == [{"cp": cp.pk, "text": FILE, "actor": "alice@acme.test", "dry_run": True}]
    assert "Nothing has been applied yet" in page and "Apply as one version" in page
    assert ">create</span>" in page and ">update</span>" in page and ">delete</span>" in page
    assert "paths" in page and "updated_at" not in page.split('id="diff"')[1]


def test_an_uploaded_file_is_read_as_text(alice_client: Client, cp: ControlPlane, service: FakeDeclarativeService) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("kong.yaml", FILE.encode(), content_type="application/yaml")
    alice_client.post(f"/control-planes/{cp.pk}/config/upload/", {"file": upload})
    assert service.calls[0]["text"] == FILE


def test_applying_the_reviewed_upload_runs_it_for_real(
    alice_client: Client, cp: ControlPlane, service: FakeDeclarativeService
) -> None:
    review = alice_client.post(f"/control-planes/{cp.pk}/config/upload/", {"text": FILE}).content.decode()
    token = review.split('name="upload" value="')[1].split('"')[0]
    response = alice_client.post(f"/control-planes/{cp.pk}/config/apply/", {"upload": token}, follow=True)
    assert [c["dry_run"] for c in service.calls] == [True, False]
    assert service.calls[1]["text"] == FILE
    assert "Configuration applied: 1 created, 1 updated, 1 deleted" in response.content.decode()
    again = alice_client.post(f"/control-planes/{cp.pk}/config/apply/", {"upload": token})
    assert again.status_code == 400 and b"expired or was already applied" in again.content


def test_a_config_changed_since_the_dry_run_is_reviewed_again(
    alice_client: Client, cp: ControlPlane, service: FakeDeclarativeService
) -> None:
    review = alice_client.post(f"/control-planes/{cp.pk}/config/upload/", {"text": FILE}).content.decode()
    token = review.split('name="upload" value="')[1].split('"')[0]
    create_entity(cp, "services", {"name": "sneaky", "host": "s"}, actor="someone else")
    response = alice_client.post(f"/control-planes/{cp.pk}/config/apply/", {"upload": token})
    assert "The configuration changed since your dry run" in response.content.decode()
    assert [c["dry_run"] for c in service.calls] == [True, True]


def test_an_invalid_file_shows_kongs_error(alice_client: Client, cp: ControlPlane, service: FakeDeclarativeService) -> None:
    response = alice_client.post(f"/control-planes/{cp.pk}/config/upload/", {"text": "invalid: true"})
    assert response.status_code == 400 and b"declarative config is invalid" in response.content


def test_an_empty_upload_is_refused(alice_client: Client, cp: ControlPlane, service: FakeDeclarativeService) -> None:
    response = alice_client.post(f"/control-planes/{cp.pk}/config/upload/", {"text": "  "})
    assert response.status_code == 400 and not service.calls


def test_an_unrecognised_diff_is_shown_as_text(alice_client: Client, cp: ControlPlane, service: Any) -> None:
    service.apply_declarative_config = lambda cp, text, *, actor, dry_run: {"summary": {"created": 1}}
    page = alice_client.post(f"/control-planes/{cp.pk}/config/upload/", {"text": FILE}).content.decode()
    assert "&quot;created&quot;: 1" in page


def test_without_the_declarative_service_upload_says_so(
    alice_client: Client, cp: ControlPlane, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(declarative, "declarative_service", lambda: None)
    page = alice_client.get(f"/control-planes/{cp.pk}/config/").content.decode()
    assert "not available in this build yet" in page
    response = alice_client.post(f"/control-planes/{cp.pk}/config/upload/", {"text": FILE})
    assert response.status_code == 503


def test_viewers_may_download_but_not_upload(
    charlie_client: Client, cp: ControlPlane, service: FakeDeclarativeService
) -> None:
    page = charlie_client.get(f"/control-planes/{cp.pk}/config/").content.decode()
    assert "Download YAML" in page and "Upload and preview" not in page
    assert charlie_client.post(f"/control-planes/{cp.pk}/config/upload/", {"text": FILE}).status_code == 403
    assert charlie_client.post(f"/control-planes/{cp.pk}/config/apply/", {"upload": "x"}).status_code == 403
    assert not service.calls


def test_another_organizations_config_is_not_found(
    bob_client: Client, cp: ControlPlane, service: FakeDeclarativeService
) -> None:
    assert bob_client.get(f"/control-planes/{cp.pk}/config/").status_code == 404
    assert bob_client.get(f"/control-planes/{cp.pk}/config/download/").status_code == 404
    assert bob_client.post(f"/control-planes/{cp.pk}/config/upload/", {"text": FILE}).status_code == 404
    assert not service.calls


def test_anonymous_visitors_are_sent_to_sign_in(cp: ControlPlane) -> None:
    assert Client().get(f"/control-planes/{cp.pk}/config/download/").status_code == 302
