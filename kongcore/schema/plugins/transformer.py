"""Building blocks shared by request-transformer and response-transformer."""

from __future__ import annotations

import re

from kongcore.schema.fields import Array, Field, String
from kongcore.schema.record import Record

_COLON_RE = re.compile(r"^[^:]+:.*$")


def _colon_pair(value: str) -> str | None:
    return None if _COLON_RE.match(value) else f"invalid value: {value}"


def strings() -> Array:
    return Array(String(), required=True, default=[])


def colon_pairs() -> Array:
    """`name:value` entries, e.g. headers to add."""
    return Array(String(validators=(_colon_pair,)), required=True, default=[])


def section(*parts: tuple[str, Field]) -> Record:
    return Record(list(parts))
