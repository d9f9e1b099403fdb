"""SNIs: server names served with a given certificate."""

from __future__ import annotations

from kongcore.schema import typedefs as T
from kongcore.schema import validators as V
from kongcore.schema.entity import EntitySchema
from kongcore.schema.fields import String
from kongcore.schema.record import Record

RECORD = Record(
    [
        ("id", T.auto_id()),
        ("name", String(required=True, validators=(V.wildcard_sni,))),
        ("created_at", T.auto_timestamp()),
        ("updated_at", T.auto_timestamp()),
        ("tags", T.tags()),
        ("certificate", T.foreign("certificates", required=True)),
    ]
)

schema = EntitySchema("snis", RECORD, endpoint_key="name", unique_fields=("name",))
