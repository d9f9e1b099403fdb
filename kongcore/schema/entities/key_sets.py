"""Key sets: named groups of keys (JWKS)."""

from __future__ import annotations

from kongcore.schema import typedefs as T
from kongcore.schema.entity import EntitySchema
from kongcore.schema.fields import String
from kongcore.schema.record import Record

RECORD = Record(
    [
        ("id", T.auto_id()),
        ("name", String()),
        ("tags", T.tags()),
        ("created_at", T.auto_timestamp()),
        ("updated_at", T.auto_timestamp()),
    ]
)

schema = EntitySchema("key_sets", RECORD, endpoint_key="name", unique_fields=("name",))
