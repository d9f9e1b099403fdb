"""basic-auth credentials: username and a password stored hashed as Kong does."""

from __future__ import annotations

import hashlib
from typing import Any

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
        ("username", String(required=True)),
        ("password", String(required=True)),
        ("tags", T.tags()),
    ]
)


def hash_password(password: str, consumer_id: str) -> str:
    """Kong's basic-auth digest: sha1 hex of the password salted with the consumer id."""
    return hashlib.sha1((password + consumer_id).encode()).hexdigest()


class BasicAuthSchema(EntitySchema):
    def finalize(self, entity: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
        # A PATCH that leaves the password alone carries the stored hash back in;
        # hashing it again would lock the consumer out.
        if existing is not None and entity["password"] == existing.get("password"):
            return entity
        entity["password"] = hash_password(entity["password"], entity["consumer"]["id"])
        return entity


schema = BasicAuthSchema(
    "basicauth_credentials", RECORD, endpoint_key="username", unique_fields=("username",)
)
