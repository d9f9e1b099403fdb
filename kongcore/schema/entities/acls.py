"""ACL group memberships of a consumer, read by the acl plugin."""

from __future__ import annotations

from kongcore.schema import typedefs as T
from kongcore.schema.entities.credentials import owner
from kongcore.schema.entity import EntitySchema
from kongcore.schema.fields import String
from kongcore.schema.record import Record

RECORD = Record(
    [
        ("id", T.auto_id()),
        ("created_at", T.auto_timestamp()),
        ("consumer", owner()),
        ("group", String(required=True)),
        ("tags", T.tags()),
    ]
)

schema = EntitySchema("acls", RECORD, unique_together=(("consumer", "group"),))
