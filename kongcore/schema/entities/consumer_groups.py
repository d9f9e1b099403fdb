"""Consumer groups: named sets of consumers that plugins can be scoped to."""

from __future__ import annotations

from kongcore.schema import typedefs as T
from kongcore.schema.entity import EntitySchema
from kongcore.schema.record import Record

RECORD = Record(
    [
        ("id", T.auto_id()),
        ("created_at", T.auto_timestamp()),
        ("updated_at", T.auto_timestamp()),
        ("name", T.utf8_name(required=True)),
        ("tags", T.tags()),
    ]
)

schema = EntitySchema("consumer_groups", RECORD, endpoint_key="name", unique_fields=("name",))
