"""EntitySchema: the public face of one Kong entity type."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from kongcore.schema import errors as E
from kongcore.schema.errors import SchemaViolation
from kongcore.schema.forms import coerce_form
from kongcore.schema.record import Foreign, Record


@dataclass(frozen=True)
class ForeignKey:
    reference: str
    on_delete: str  # "cascade" | "restrict"


class EntitySchema:
    """Validates, fills defaults and normalizes one entity type.

    Subclasses customise three hooks: `prepare` (input sugar before a PATCH merge),
    `record_for` (plugins pick their config schema by name) and `finalize` (derived
    values such as hashed passwords, computed after validation succeeded).
    """

    def __init__(
        self,
        name: str,
        record: Record,
        *,
        endpoint_key: str | None = None,
        unique_fields: tuple[str, ...] = (),
        unique_together: tuple[tuple[str, ...], ...] = (),
    ) -> None:
        self.name = name
        self.record = record
        self.endpoint_key = endpoint_key
        self.unique_fields = unique_fields
        self.unique_together = unique_together

    @property
    def foreign_keys(self) -> dict[str, ForeignKey]:
        return {
            field_name: ForeignKey(field.reference, field.on_delete)
            for field_name, field in self.record.fields
            if isinstance(field, Foreign) and not field.null_only
        }

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(field_name for field_name, _ in self.record.fields)

    def validate(
        self, data: dict[str, Any], *, existing: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Return the full, normalized entity or raise SchemaViolation.

        Without `existing` the result is a fresh entity (create / PUT) with every
        field present. With `existing` (PATCH) `data` is merged over it first: nested
        records merge key by key, arrays and maps are replaced. The trap: ids,
        created_at and updated_at are generated when absent, so a PATCH caller must
        pass the new `updated_at` itself.
        """
        if not isinstance(data, dict):
            raise SchemaViolation({E.ENTITY: [E.RECORD]})
        data = self.prepare(copy.deepcopy(data), existing)
        record = self.record_for(data if existing is None else {**existing, **data})
        data = record.expand(data)
        merged = data if existing is None else record.merge(existing, data)
        result, errors = record.validate_members(merged)
        if errors:
            raise SchemaViolation(errors)
        return self.finalize(result, existing)

    def coerce_form(self, form: dict[str, list[str]]) -> dict[str, Any]:
        """Turn Admin API form fields (`paths[]`, `config.minute`...) into typed JSON."""
        record = self.record_for({k: v[-1] for k, v in form.items() if v})
        return coerce_form(record, form)

    def prepare(self, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
        return data

    def record_for(self, data: dict[str, Any]) -> Record:
        return self.record

    def finalize(self, entity: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
        return entity

    def __repr__(self) -> str:
        return f"EntitySchema({self.name!r})"
