"""Kong's validation messages and the SchemaViolation exception.

The wording of every message is part of the public contract: decK, the Konnect UI and
scripts grep for these strings, so they follow Kong 3.x exactly.
"""

from __future__ import annotations

from typing import Any

ENTITY = "@entity"

REQUIRED = "required field missing"
UNKNOWN = "unknown field"
ARRAY = "expected an array"
SET = "expected a set"
MAP = "expected a map"
RECORD = "expected a record"
STRING = "expected a string"
NUMBER = "expected a number"
INTEGER = "expected an integer"
BOOLEAN = "expected a boolean"
UUID = "expected a valid UUID"
TIMESTAMP = "expected a valid timestamp"
BETWEEN = "value should be between {} and {}"
GT = "value must be greater than {}"
EQ = "value must be {}"
NE = "value must not be {}"
LEN_EQ = "length must be {}"
LEN_MIN = "length must be at least {}"
LEN_MAX = "length must be at most {}"
ONE_OF = "expected one of: {}"
NOT_ONE_OF = "must not be one of: {}"
STARTS_WITH = "should start with: {}"
MATCH = "invalid value: {}"
CONTAINS = "expected to contain: {}"
AT_LEAST_ONE_OF = "at least one of these fields must be non-empty: {}"
ONLY_ONE_OF = "only one of these fields must be non-empty: {}"
MUTUALLY_REQUIRED = "all or none of these fields must be set: {}"
MUTUALLY_EXCLUSIVE = "only one or none of these fields must be set: {}"
DISTINCT = "values of these fields must be distinct: {}"
CONDITIONAL = "failed conditional validation given value of field '{}'"


def quoted_list(names: tuple[str, ...] | list[str]) -> str:
    """Render field names the way Kong's entity-check messages list them."""
    return ", ".join(f"'{name}'" for name in names)


class SchemaViolation(Exception):
    """An entity failed validation.

    `fields` is Kong's nested error tree ({"port": "...", "config": {"minute": "..."},
    "@entity": ["..."]}); `message` is the one-line summary Kong puts in `message`.
    """

    def __init__(self, fields: dict[str, Any]) -> None:
        self.fields = fields
        self.message = format_violation(fields)
        super().__init__(self.message)


def format_violation(fields: dict[str, Any]) -> str:
    """Build Kong's summary: entity errors first, then fields sorted, one level deep."""
    parts: list[str] = list(fields.get(ENTITY, []))
    for name in sorted(k for k in fields if k != ENTITY):
        error = fields[name]
        if isinstance(error, dict):
            for sub in sorted(error):
                parts.append(f"{name}.{sub}: {_pretty(error[sub])}")
        else:
            parts.append(f"{name}: {_pretty(error)}")
    if len(parts) == 1:
        return f"schema violation ({parts[0]})"
    return f"{len(parts)} schema violations ({'; '.join(parts)})"


def _pretty(value: Any, indent: str = "") -> str:
    # Kong renders deeper error tables with Penlight's pretty-printer; mimic its layout.
    if isinstance(value, str):
        return value if not indent else f'"{value}"'
    inner = indent + "  "
    if isinstance(value, dict):
        items = [f"{inner}{_lua_key(k)} = {_pretty(value[k], inner)}" for k in sorted(value)]
    elif isinstance(value, list):
        items = [f"{inner}{_pretty(v, inner)}" for v in value]
    else:
        return str(value)
    return "{\n" + ",\n".join(items) + "\n" + indent + "}"


def _lua_key(key: str) -> str:
    if key.isidentifier():
        return key
    return f'["{key}"]'
