"""Consumers: the identities that credentials and consumer-scoped plugins hang off."""

from __future__ import annotations

from kongcore.schema import checks as C
from kongcore.schema import typedefs as T
from kongcore.schema.entity import EntitySchema
from kongcore.schema.fields import String
from kongcore.schema.record import Record

RECORD = Record(
    [
        ("id", T.auto_id()),
        ("created_at", T.auto_timestamp()),
        ("updated_at", T.auto_timestamp()),
        ("username", String()),
        ("custom_id", String()),
        ("tags", T.tags()),
    ],
    checks=[C.AtLeastOneOf(("custom_id", "username"))],
)

schema = EntitySchema(
    "consumers", RECORD, endpoint_key="username", unique_fields=("username", "custom_id")
)
