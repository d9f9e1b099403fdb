"""Recognising a file entry that would validate to exactly what is stored, without validating.

Validating 30,000 entities costs seconds; a re-sync where one entity changed should not pay
that for the other 29,999. An entry is unchanged when every field it gives equals the stored
value and every field it leaves out is stored at the value an absent field takes (its
default). Validation normalizes values, and stored values are already normalized, so equal
given values mean an equal result. Anything unusual (sugar such as ``url``, a field that is
generated when absent, a nested record given partially) simply falls back to validation.
"""

from typing import Any

from kongcore.schema.errors import SchemaViolation
from kongcore.schema.fields import MISSING, Field, Invalid
from kongcore.schema.record import Record

IGNORED = ("id", "created_at", "updated_at")
_NO_SHORTCUT: Any = object()
_absent: dict[int, Any] = {}


def same_as_stored(record: Record, body: dict[str, Any], stored: dict[str, Any]) -> bool:
    """Whether validating ``body`` (with the stored id and timestamps) would give ``stored``."""
    for name, value in body.items():
        if name in IGNORED:
            continue
        if name not in record.by_name or stored.get(name, MISSING) != value:
            return False
    for name, field in record.fields:
        if name in body or name in IGNORED:
            continue
        default = absent_value(field)
        if default is _NO_SHORTCUT or stored.get(name, MISSING) != default:
            return False
    return True


def absent_value(field: Field) -> Any:
    """What a field becomes when an entry leaves it out (cached: fields live for the process)."""
    key = id(field)
    if key not in _absent:
        _absent[key] = _compute_absent(field)
    return _absent[key]


def _compute_absent(field: Field) -> Any:
    if field.auto is not None:
        return _NO_SHORTCUT  # generated (a random key, a fresh id): never "unchanged"
    value = field.missing_value()
    if isinstance(field, Record) and value == {}:
        try:
            return field.validate({})
        except (Invalid, SchemaViolation):
            return _NO_SHORTCUT
    return value
