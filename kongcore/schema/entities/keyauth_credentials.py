"""key-auth credentials: an API key belonging to a consumer."""

from __future__ import annotations

from kongcore.schema import typedefs as T
from kongcore.schema.entities.credentials import owner, random_secret
from kongcore.schema.entity import EntitySchema
from kongcore.schema.fields import Integer, String
from kongcore.schema.record import Record

RECORD = Record(
    [
        ("id", T.auto_id()),
        ("created_at", T.auto_timestamp()),
        ("consumer", owner()),
        ("key", String(required=True, auto=random_secret)),
        ("tags", T.tags()),
        ("ttl", Integer(between=(0, 100000000))),
    ]
)

schema = EntitySchema("keyauth_credentials", RECORD, endpoint_key="key", unique_fields=("key",))
