"""Turning request bodies into JSON-shaped payloads, as Kong's Admin API accepts them."""

from typing import Any

from django.http import QueryDict
from rest_framework.request import Request

from controlplane.errors import KongError, SchemaViolationError
from kongcore.schema import SchemaViolation, get_schema


class BadRequest(KongError):
    status = 400
    code = 400
    name = "bad request"


def entity_payload(request: Request, entity_type: str) -> dict[str, Any]:
    """The body as a JSON object; form-encoded bodies are typed by the entity's schema."""
    data = request.data
    if isinstance(data, QueryDict):
        try:
            return get_schema(entity_type).coerce_form(dict(data.lists()))
        except SchemaViolation as exc:
            raise SchemaViolationError(exc.message, exc.fields) from None
    if not isinstance(data, dict):
        raise BadRequest("the request body must be a JSON object")
    return dict(data)


def json_object(request: Request) -> dict[str, Any]:
    """A non-entity body: JSON object, or form fields taken as plain strings."""
    data = request.data
    if isinstance(data, QueryDict):
        return {key: values[-1] if len(values) == 1 else values for key, values in data.lists()}
    if not isinstance(data, dict):
        raise BadRequest("the request body must be a JSON object")
    return dict(data)
