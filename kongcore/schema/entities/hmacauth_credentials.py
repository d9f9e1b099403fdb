"""hmac-auth credentials: a username and shared secret for HMAC signatures."""

from __future__ import annotations

from kongcore.schema import typedefs as T
from kongcore.schema.entities.credentials import owner, random_secret
from kongcore.schema.entity import EntitySchema
from kongcore.schema.fields import String
from kongcore.schema.record import Record

RECORD = Record(
    [
        ("id", T.auto_id()),
        ("created_at", T.auto_timestamp()),
        ("consumer", owner()),
        ("username", String(required=True)),
        ("secret", String(auto=random_secret)),
        ("tags", T.tags()),
    ]
)

schema = EntitySchema(
    "hmacauth_credentials", RECORD, endpoint_key="username", unique_fields=("username",)
)
