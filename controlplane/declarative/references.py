"""Resolving references (``service: billing``, ``set: {id: ...}``) to entity ids.

A reference names an entity of the file first, then one of the control plane that the sync
keeps: an existing entity that a file entity takes over answers under its file identity, and
one the sync deletes answers to nothing. The file is processed in dependency order, so every
entity a reference can name has its final id by the time the reference is resolved.
"""

import uuid
from dataclasses import dataclass, field
from typing import Any

from controlplane.declarative.flatten import FileEntity
from controlplane.declarative.state import CurrentConfig, lookup_fields
from controlplane.services.store import is_uuid

# Stands in for a reference that failed, so that validation reports only the real problems.
UNRESOLVED = {"id": "00000000-0000-0000-0000-000000000000"}


@dataclass
class Registry:
    """What the sync decided so far: file identities, claimed and deleted existing entities."""

    current: CurrentConfig
    file_by_id: dict[str, dict[str, FileEntity]] = field(default_factory=dict)
    file_by_field: dict[tuple[str, str], dict[Any, FileEntity]] = field(default_factory=dict)
    claimed: dict[str, set[str]] = field(default_factory=dict)
    deleted: dict[str, set[str]] = field(default_factory=dict)

    def register(self, entity: FileEntity) -> None:
        """Make a planned file entity findable by its id and by its naming fields."""
        kind = entity.entity_type
        assert entity.entity_id is not None
        self.file_by_id.setdefault(kind, {})[entity.entity_id] = entity
        for name in lookup_fields(kind):
            value = entity.body.get(name)
            if isinstance(value, str | int) and not isinstance(value, bool):
                self.file_by_field.setdefault((kind, name), {}).setdefault(value, entity)

    def is_kept(self, entity_type: str, entity_id: str) -> bool:
        """An existing entity that no file entity took over and the sync does not delete."""
        return entity_id not in self.claimed.get(entity_type, set()) and entity_id not in (
            self.deleted.get(entity_type, set())
        )

    def lookup(self, entity_type: str, raw: Any) -> str | None:
        """The id ``raw`` (an id or name string, or ``{id: ...}``/``{name: ...}``) refers to."""
        if isinstance(raw, str):
            found = self.by_id(entity_type, raw) if is_uuid(raw) else None
            return found or self._by_any_field(entity_type, raw)
        if isinstance(raw, dict):
            if raw.get("id") is not None:
                return self.by_id(entity_type, raw["id"])
            for name in lookup_fields(entity_type):
                if raw.get(name) is not None:
                    return self.by_field(entity_type, name, raw[name])
        return None

    def by_id(self, entity_type: str, raw_id: Any) -> str | None:
        if not is_uuid(raw_id):
            return None
        entity_id = str(uuid.UUID(raw_id))
        if entity_id in self.file_by_id.get(entity_type, {}):
            return entity_id
        existing = self.current.get(entity_type, entity_id)
        return entity_id if existing and self.is_kept(entity_type, entity_id) else None

    def by_field(self, entity_type: str, name: str, value: Any) -> str | None:
        if not isinstance(value, str | int):
            return None
        entity = self.file_by_field.get((entity_type, name), {}).get(value)
        if entity is not None:
            return entity.entity_id
        existing = self.current.find_by_field(entity_type, name, value)
        if existing is None or not self.is_kept(entity_type, existing.entity_id):
            return None
        return existing.entity_id

    def _by_any_field(self, entity_type: str, value: str) -> str | None:
        for name in lookup_fields(entity_type):
            found = self.by_field(entity_type, name, value)
            if found is not None:
                return found
        return None


def describe(raw: Any, entity_type: str) -> str:
    """A reference as Kong shows a foreign key: ``{name="billing"}``, only its naming keys."""
    naming = ("id", *lookup_fields(entity_type))
    if isinstance(raw, dict):
        shown = ",".join(f'{k}="{raw[k]}"' for k in naming if raw.get(k) is not None)
        return "{" + shown + "}"
    key = "id" if is_uuid(raw) else next(iter(lookup_fields(entity_type)), "name")
    return f'{{{key}="{raw}"}}'
