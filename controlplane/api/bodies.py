"""Turning request bodies into JSON-shaped payloads, as Kong's Admin API accepts them."""

from typing import Any

from django.http import QueryDict
from rest_framework.request import Request

from controlplane.errors import KongError, SchemaViolationError
from kongcore.schema import SchemaViolation, get_schema

# Kong's entities nest a handful of levels deep; anything far deeper is not a config.
MAX_DEPTH = 32


class BadRequest(KongError):
    status = 400
    code = 400
    name = "bad request"


def entity_payload(request: Request, entity_type: str) -> dict[str, Any]:
    """The body as a JSON object; form-encoded bodies are typed by the entity's schema."""
    data = request.data
    if isinstance(data, QueryDict):
        check_text(list(data.lists()))
        try:
            return get_schema(entity_type).coerce_form(dict(data.lists()))
        except SchemaViolation as exc:
            raise SchemaViolationError(exc.message, exc.fields) from None
    if not isinstance(data, dict):
        raise BadRequest("the request body must be a JSON object")
    check_text(data)
    return dict(data)


def json_object(request: Request) -> dict[str, Any]:
    """A non-entity body: JSON object, or form fields taken as plain strings."""
    data = request.data
    if isinstance(data, QueryDict):
        check_text(list(data.lists()))
        return {key: values[-1] if len(values) == 1 else values for key, values in data.lists()}
    if not isinstance(data, dict):
        raise BadRequest("the request body must be a JSON object")
    check_text(data)
    return dict(data)


def check_text(value: Any) -> None:
    """Refuse what no database stores: NUL characters, lone surrogates, absurd nesting.

    PostgreSQL rejects NUL in text and JSON, and UTF-8 cannot encode a lone surrogate
    (``"\\ud800"`` is valid JSON); both would otherwise fail only at write time.
    """
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadRequest(f"the request body is nested more than {MAX_DEPTH} levels deep")
        if isinstance(item, str):
            _check_string(item)
        elif isinstance(item, dict):
            stack.extend((part, depth + 1) for pair in item.items() for part in pair)
        elif isinstance(item, list | tuple):
            stack.extend((part, depth + 1) for part in item)


def _check_string(text: str) -> None:
    if "\x00" in text:
        raise BadRequest("strings must not contain NUL characters")
    try:
        text.encode()
    except UnicodeEncodeError:
        raise BadRequest("strings must be valid Unicode (no lone surrogates)") from None


def optional_int(body: dict[str, Any], field: str) -> int | None:
    """An optional integer field; form bodies send it as ASCII digits."""
    value = body.get(field)
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise SchemaViolationError.single(field, "expected an integer")
    return value


_TRUE, _FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off", "")


def query_flag(value: str | None, name: str) -> bool:
    """A boolean query parameter such as ``?dry_run=true``; absent means false."""
    if value is None or value.lower() in _FALSE:
        return False
    if value.lower() in _TRUE:
        return True
    raise BadRequest(f"{name} must be true or false")
