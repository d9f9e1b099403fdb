"""The OpenAPI document at /v2/openapi.json: served, valid, and generated without warnings."""

from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient


@pytest.fixture
def document(db: object) -> dict[str, object]:
    response = APIClient().get("/v2/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return dict(response.json())


def test_the_document_is_served_without_authentication(document: dict[str, object]) -> None:
    assert str(document["openapi"]).startswith("3.")
    assert document["info"] == {
        "title": "konnectlite API",
        "version": "0.1.0",
        "description": "Konnect-style control-plane API with Kong Admin API semantics.",
    }


@pytest.mark.parametrize(
    "path",
    [
        "/v2/control-planes",
        "/v2/control-planes/{cp_id}",
        "/v2/control-planes/{cp_id}/changes",
        "/v2/control-planes/{cp_id}/core-entities/{collection}",
        "/v2/control-planes/{cp_id}/core-entities/{collection}/{key}",
        "/v2/control-planes/{cp_id}/core-entities/{collection}/{key}/{child}",
        "/v2/control-planes/{cp_id}/core-entities/{collection}/{key}/{child}/{child_key}",
        "/v2/personal-access-tokens",
        "/v2/personal-access-tokens/{token_id}",
    ],
)
def test_every_api_path_is_documented(document: dict[str, object], path: str) -> None:
    assert path in document["paths"]  # type: ignore[operator]


def test_operation_ids_are_unique(document: dict[str, object]) -> None:
    ids = [
        operation["operationId"]
        for item in document["paths"].values()  # type: ignore[attr-defined]
        for operation in item.values()
    ]
    assert len(ids) == len(set(ids))


def test_bearer_tokens_are_the_documented_security_scheme(document: dict[str, object]) -> None:
    schemes = document["components"]["securitySchemes"]  # type: ignore[index]
    assert schemes["personalAccessToken"]["scheme"] == "bearer"
    operation = document["paths"]["/v2/control-planes"]["get"]  # type: ignore[index]
    assert {"personalAccessToken": []} in operation["security"]


def test_errors_are_documented_as_kongs_error_body(document: dict[str, object]) -> None:
    post = document["paths"]["/v2/control-planes/{cp_id}/core-entities/{collection}"]["post"]  # type: ignore[index]
    assert set(post["responses"]) == {"201", "400", "401", "403", "404", "409", "413"}
    error = document["components"]["schemas"]["KongError"]  # type: ignore[index]
    assert set(error["properties"]) == {"code", "name", "message", "fields"}


def test_deletes_answer_204(document: dict[str, object]) -> None:
    delete = document["paths"]["/v2/control-planes/{cp_id}"]["delete"]  # type: ignore[index]
    assert "204" in delete["responses"]


def test_generation_has_no_warnings_or_errors(db: object) -> None:
    # --fail-on-warn turns every drf-spectacular warning or error into a failure, and
    # --validate checks the result against the OpenAPI 3 JSON schema.
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=StringIO())
