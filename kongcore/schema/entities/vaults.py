"""Vaults: where `{vault://prefix/...}` references are resolved (only `env` is bundled)."""

from __future__ import annotations

from typing import Any

from kongcore.schema import typedefs as T
from kongcore.schema import validators as V
from kongcore.schema.entity import EntitySchema
from kongcore.schema.errors import SchemaViolation
from kongcore.schema.fields import Any_, Boolean, Field, String
from kongcore.schema.record import Record

VAULT_NAMES = ("env",)
NOT_ENABLED = "vault '{}' is not installed"


def _fields(config: Field) -> list[tuple[str, Field]]:
    return [
        ("id", T.auto_id()),
        ("prefix", String(required=True, not_one_of=VAULT_NAMES, validators=(V.name,))),
        ("name", String(required=True)),
        ("description", String()),
        ("config", config),
        ("created_at", T.auto_timestamp()),
        ("updated_at", T.auto_timestamp()),
        ("tags", T.tags()),
    ]


ENV = Record(_fields(Record([("prefix", String()), ("base64_decode", Boolean(default=False))])))
GENERIC = Record(_fields(Any_()))


class VaultSchema(EntitySchema):
    def record_for(self, data: dict[str, Any]) -> Record:
        return ENV if data.get("name") == "env" else GENERIC

    def finalize(self, entity: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
        if entity["name"] not in VAULT_NAMES:
            raise SchemaViolation({"name": NOT_ENABLED.format(entity["name"])})
        return entity


schema = VaultSchema("vaults", ENV, endpoint_key="prefix", unique_fields=("prefix",))
