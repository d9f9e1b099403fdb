"""Decode Kong Admin API form input (x-www-form-urlencoded / multipart) into JSON.

Keys use Kong's notation: `methods[]` and repeated keys build arrays, `paths[2]`
places an element by 1-based index, dots descend into records and maps
(`config.minute`, `service.id`, `headers.x-foo`). Values are then typed from the schema,
like Kong's api/arguments.lua: "" means null, numbers and booleans are parsed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from kongcore.schema.fields import Array, Field, Map

if TYPE_CHECKING:
    from kongcore.schema.record import Record

_TOKEN_RE = re.compile(r"([^.\[\]]+)|\[(\d*)\]")


def coerce_form(record: Record, form: dict[str, list[str]]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for key, values in form.items():
        tokens = _tokens(key)
        if not tokens or not values:
            continue
        value: Any = values[0] if len(values) == 1 else list(values)
        _insert(tree, tokens, value)
    return _typed_record(record, tree)


def _tokens(key: str) -> list[str | int | None]:
    """`config.allow[]` -> ["config", "allow", None]; `paths[2]` -> ["paths", 2]."""
    tokens: list[str | int | None] = []
    for match in _TOKEN_RE.finditer(key):
        name, index = match.groups()
        if name is not None:
            tokens.append(name)
        else:
            tokens.append(int(index) if index else None)
    return tokens


def _insert(node: dict[Any, Any], tokens: list[str | int | None], value: Any) -> None:
    head, rest = tokens[0], tokens[1:]
    if not rest:
        _put(node, head, value)
        return
    if rest[0] is None and len(rest) == 1:
        current = node.get(head, [])
        current = current if isinstance(current, list) else [current]
        current.extend(value if isinstance(value, list) else [value])
        node[head] = current
        return
    child = node.get(head)
    if not isinstance(child, dict):
        child = {}
        node[head] = child
    _insert(child, rest, value)


def _put(node: dict[Any, Any], key: Any, value: Any) -> None:
    if key in node:  # `methods=GET&methods=POST` split across parsers: accumulate
        previous = node[key]
        previous = previous if isinstance(previous, list) else [previous]
        node[key] = previous + (value if isinstance(value, list) else [value])
    else:
        node[key] = value


def _typed_record(record: Record, tree: dict[str, Any]) -> dict[str, Any]:
    return {key: _typed(record.by_name.get(key), value) for key, value in tree.items()}


def _typed(field: Field | None, value: Any) -> Any:
    from kongcore.schema.record import Foreign, Record

    if field is None:
        return value
    if isinstance(value, str) and value == "":
        return None
    if isinstance(field, Array):
        return _typed_array(field, value)
    if isinstance(field, Record) and isinstance(value, dict):
        return _typed_record(field, value)
    if isinstance(field, Map) and isinstance(value, dict):
        return {k: _typed(field.values, v) for k, v in value.items()}
    if isinstance(field, Foreign) or isinstance(value, dict):
        return value
    if isinstance(value, list):
        return [_typed(field, item) for item in value]
    return field.parse_text(value) if isinstance(value, str) else value


def _typed_array(field: Array, value: Any) -> Any:
    if isinstance(value, dict) and all(isinstance(k, int) for k in value):
        value = [value[k] for k in sorted(value)]
    if not isinstance(value, list):
        value = [value]
    return [_typed(field.elements, item) for item in value]
