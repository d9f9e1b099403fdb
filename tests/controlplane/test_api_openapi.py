"""The OpenAPI document at /v2/openapi.json: served, valid, and generated without warnings."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from controlplane import entity_paths


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


CORE = "/v2/control-planes/{cp_id}/core-entities"


def _operation(document: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    return dict(document["paths"][path][method])


def _success_schema(operation: dict[str, Any], status: str) -> dict[str, Any]:
    return dict(operation["responses"][status]["content"]["application/json"]["schema"])


def test_entity_writes_document_a_body_with_examples_and_the_entity_answered(
    document: dict[str, Any],
) -> None:
    post = _operation(document, f"{CORE}/{{collection}}", "post")
    body = post["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/EntityWrite"}
    assert {"Service", "Route", "Consumer"} <= set(body["examples"])
    assert _success_schema(post, "201") == {"$ref": "#/components/schemas/Entity"}


def test_lists_answer_kongs_page_shape(document: dict[str, Any]) -> None:
    get = _operation(document, f"{CORE}/{{collection}}", "get")
    assert _success_schema(get, "200") == {"$ref": "#/components/schemas/EntityPage"}
    page = document["components"]["schemas"]["EntityPage"]
    assert set(page["properties"]) == {"data", "next", "offset"}
    assert {p["name"] for p in get["parameters"] if p["in"] == "query"} == {
        "size",
        "offset",
        "tags",
    }


def test_the_collection_parameter_lists_every_collection(document: dict[str, Any]) -> None:
    get = _operation(document, f"{CORE}/{{collection}}", "get")
    (collection,) = [p for p in get["parameters"] if p["name"] == "collection"]
    assert collection["schema"]["enum"] == sorted(entity_paths.COLLECTIONS)
    assert collection["examples"]


def test_control_planes_and_tokens_document_their_bodies(document: dict[str, Any]) -> None:
    post = _operation(document, "/v2/control-planes", "post")
    assert _success_schema(post, "201") == {"$ref": "#/components/schemas/ControlPlane"}
    write = document["components"]["schemas"]["ControlPlaneWrite"]
    assert write["required"] == ["name"]
    tokens = _operation(document, "/v2/personal-access-tokens", "post")
    assert _success_schema(tokens, "201") == {"$ref": "#/components/schemas/Token"}


def test_every_error_status_answers_kongs_error_body(document: dict[str, Any]) -> None:
    for item in document["paths"].values():
        for operation in item.values():
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/KongError"}, status
