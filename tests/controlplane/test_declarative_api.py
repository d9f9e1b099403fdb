"""``/v2/control-planes/{id}/declarative-config``: export (GET) and sync (POST)."""

import json
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from controlplane.api.views.declarative import DeclarativeConfigView
from controlplane.models import ConfigVersion, ControlPlane, Entity
from tests.support.yaml_bombs import BILLION_LAUGHS

FILE = """
_format_version: "3.0"
services:
- name: billing
  host: billing.internal
  routes:
  - name: invoices
    paths: [/invoices]
"""


def url(cp: ControlPlane, query: str = "") -> str:
    return f"/v2/control-planes/{cp.pk}/declarative-config{query}"


def post_yaml(client: APIClient, cp: ControlPlane, text: str, query: str = "") -> Any:
    return client.post(url(cp, query), text, content_type="application/yaml")


def test_requires_auth(cp: ControlPlane) -> None:
    assert APIClient().get(url(cp)).status_code == 401


def test_hides_other_orgs_control_planes(outsider_api: APIClient, cp: ControlPlane) -> None:
    assert outsider_api.get(url(cp)).status_code == 404
    assert post_yaml(outsider_api, cp, FILE).status_code == 404


def test_refuses_viewers_a_sync(viewer_api: APIClient, cp: ControlPlane) -> None:
    response = post_yaml(viewer_api, cp, FILE)
    assert response.status_code == 403
    assert response.json()["code"] == 403
    assert Entity.objects.filter(control_plane=cp).count() == 0


def test_lets_viewers_export(viewer_api: APIClient, cp: ControlPlane) -> None:
    assert viewer_api.get(url(cp)).status_code == 200


def test_a_yaml_body_syncs_and_answers_the_diff_with_the_new_version(
    owner_api: APIClient, cp: ControlPlane
) -> None:
    response = post_yaml(owner_api, cp, FILE)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["config_version"] == 1 and body["dry_run"] is False
    assert body["summary"]["created"] == 2
    assert body["counts"]["routes"] == {"created": 1, "updated": 0, "deleted": 0}
    assert body["created"]["services"][0]["name"] == "billing"


@pytest.mark.parametrize("content_type", ["text/yaml", "application/x-yaml"])
def test_other_yaml_content_types_are_accepted(
    owner_api: APIClient, cp: ControlPlane, content_type: str
) -> None:
    response = owner_api.post(url(cp), FILE, content_type=content_type)
    assert response.status_code == 200, response.content


def test_a_json_body_syncs(owner_api: APIClient, cp: ControlPlane) -> None:
    document = yaml.safe_load(FILE)
    response = owner_api.post(url(cp), json.dumps(document), content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["summary"]["created"] == 2


def test_a_multipart_upload_in_the_config_field_syncs(
    owner_api: APIClient, cp: ControlPlane
) -> None:
    upload = SimpleUploadedFile("kong.yaml", FILE.encode(), content_type="application/yaml")
    response = owner_api.post(url(cp), {"config": upload}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["summary"]["created"] == 2


def test_a_multipart_body_without_the_config_field_is_refused(
    owner_api: APIClient, cp: ControlPlane
) -> None:
    response = owner_api.post(url(cp), {"other": "x"}, format="multipart")
    assert response.status_code == 400
    assert "config" in response.json()["message"]


def test_a_dry_run_answers_the_diff_and_writes_nothing(
    owner_api: APIClient, cp: ControlPlane
) -> None:
    response = post_yaml(owner_api, cp, FILE, "?dry_run=true")
    assert response.status_code == 200
    assert response.json()["dry_run"] is True
    assert response.json()["summary"]["created"] == 2
    assert ConfigVersion.objects.filter(control_plane=cp).count() == 0


def test_a_bad_dry_run_flag_is_a_bad_request(owner_api: APIClient, cp: ControlPlane) -> None:
    assert post_yaml(owner_api, cp, FILE, "?dry_run=maybe").status_code == 400


def test_an_invalid_file_is_kongs_error_14_naming_entity_and_field(
    owner_api: APIClient, cp: ControlPlane
) -> None:
    bad = FILE.replace("paths: [/invoices]", "paths: [invoices]")
    response = post_yaml(owner_api, cp, bad)
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["name"]) == (14, "invalid declarative configuration")
    assert "services[name=billing].routes[name=invoices].paths" in body["message"]
    assert any(
        k.startswith("services[name=billing].routes[name=invoices].paths") for k in body["fields"]
    )
    assert body["flattened_errors"][0]["entity_type"] == "routes"
    assert Entity.objects.filter(control_plane=cp).count() == 0


def test_unparseable_yaml_names_the_line(owner_api: APIClient, cp: ControlPlane) -> None:
    response = post_yaml(owner_api, cp, "services:\n  - name: [unclosed\n")
    assert response.status_code == 400
    assert "line" in response.json()["message"]


def test_an_unsupported_content_type_is_415(owner_api: APIClient, cp: ControlPlane) -> None:
    response = owner_api.post(url(cp), FILE, content_type="application/xml")
    assert response.status_code == 415


def test_the_body_limit_is_the_declarative_one() -> None:
    from django.conf import settings

    assert DeclarativeConfigView.max_body_bytes == settings.KONNECTLITE_MAX_BODY_BYTES


def test_a_body_over_the_limit_is_413(
    owner_api: APIClient, cp: ControlPlane, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(DeclarativeConfigView, "max_body_bytes", 100)
    assert post_yaml(owner_api, cp, FILE).status_code == 413


def test_export_answers_yaml_by_default(owner_api: APIClient, cp: ControlPlane) -> None:
    post_yaml(owner_api, cp, FILE)
    response = owner_api.get(url(cp))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/yaml")
    document = yaml.safe_load(response.content)
    assert document["services"][0]["routes"][0]["name"] == "invoices"


def test_export_answers_json_when_asked_by_query_or_accept(
    owner_api: APIClient, cp: ControlPlane
) -> None:
    post_yaml(owner_api, cp, FILE)
    by_query = owner_api.get(url(cp, "?format=json"))
    by_accept = owner_api.get(url(cp), HTTP_ACCEPT="application/json")
    for response in (by_query, by_accept):
        assert response["Content-Type"].startswith("application/json")
        assert json.loads(response.content)["_format_version"] == "3.0"


def test_export_answers_yaml_for_text_yaml(owner_api: APIClient, cp: ControlPlane) -> None:
    response = owner_api.get(url(cp), HTTP_ACCEPT="text/yaml")
    assert response["Content-Type"].startswith("text/yaml")


def test_an_unknown_export_format_is_a_json_bad_request(
    owner_api: APIClient, cp: ControlPlane
) -> None:
    response = owner_api.get(url(cp, "?format=xml"))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "format" in response.json()["message"]


def test_syncing_an_export_changes_nothing(owner_api: APIClient, cp: ControlPlane) -> None:
    post_yaml(owner_api, cp, FILE)
    exported = owner_api.get(url(cp)).content.decode()
    response = post_yaml(owner_api, cp, exported)
    assert response.json()["summary"]["total_changes"] == 0
    assert response.json()["config_version"] == 1


def test_a_yaml_alias_bomb_is_kongs_error_14_and_writes_nothing(
    owner_api: APIClient, cp: ControlPlane
) -> None:
    response = post_yaml(owner_api, cp, BILLION_LAUGHS)
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["name"]) == (14, "invalid declarative configuration")
    assert "YAML aliases expand the file too much at line" in body["fields"]["file"]
    assert not Entity.objects.filter(control_plane=cp).exists()


def test_a_file_with_a_few_ordinary_anchors_syncs(owner_api: APIClient, cp: ControlPlane) -> None:
    text = """_format_version: "3.0"
services:
- name: billing
  host: billing.internal
  <<: &timeouts {connect_timeout: 5000, read_timeout: 5000}
  tags: &tags [team-billing]
- {name: payments, host: payments.internal, <<: *timeouts, tags: *tags}
"""
    response = post_yaml(owner_api, cp, text)
    assert response.status_code == 200, response.content
    rows = Entity.objects.filter(control_plane=cp, entity_type="services")
    assert {r.data["name"]: r.data["tags"] for r in rows} == {
        "billing": ["team-billing"],
        "payments": ["team-billing"],
    }
    assert all(r.data["connect_timeout"] == 5000 for r in rows)
