"""Membership of a consumer in a consumer group.

Kong keys this table by (consumer_group, consumer) and has no `id`; we keep an `id`
so every stored entity can be addressed the same way.
"""

from __future__ import annotations

from kongcore.schema import typedefs as T
from kongcore.schema.entity import EntitySchema
from kongcore.schema.record import Record

RECORD = Record(
    [
        ("id", T.auto_id()),
        ("created_at", T.auto_timestamp()),
        ("consumer_group", T.foreign("consumer_groups", on_delete="cascade", required=True)),
        ("consumer", T.foreign("consumers", on_delete="cascade", required=True)),
    ]
)

schema = EntitySchema(
    "consumer_group_consumers",
    RECORD,
    unique_together=(("consumer_group", "consumer"),),
)
