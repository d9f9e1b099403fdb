"""The control plane's current config, loaded once and indexed in memory for a sync.

A 30,000-entity sync cannot afford a query per entity; the bulk store reads every row once
and this index answers the planner's lookups (by id, by unique field, by content).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from kongcore.schema import get_schema


@dataclass(eq=False)
class StoredEntity:
    """One row of the config store as the planner needs it."""

    pk: int
    entity_type: str
    data: dict[str, Any]

    @property
    def entity_id(self) -> str:
        return str(self.data["id"])


@dataclass
class CurrentConfig:
    """Every entity of one control plane at ``version``, indexed by type and id."""

    version: int
    by_type: dict[str, dict[str, StoredEntity]] = field(default_factory=dict)
    _by_field: dict[tuple[str, str], dict[Any, str]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, version: int, rows: Iterable[StoredEntity]) -> "CurrentConfig":
        config = cls(version)
        for row in rows:
            config.by_type.setdefault(row.entity_type, {})[row.entity_id] = row
        return config

    def of_type(self, entity_type: str) -> dict[str, StoredEntity]:
        return self.by_type.get(entity_type, {})

    def get(self, entity_type: str, entity_id: str) -> StoredEntity | None:
        return self.of_type(entity_type).get(entity_id)

    def find_by_field(self, entity_type: str, name: str, value: Any) -> StoredEntity | None:
        """The entity whose unique field ``name`` equals ``value`` (index built on first use)."""
        index = self._by_field.get((entity_type, name))
        if index is None:
            index = {
                row.data.get(name): entity_id
                for entity_id, row in self.of_type(entity_type).items()
                if row.data.get(name) is not None
            }
            self._by_field[(entity_type, name)] = index
        entity_id = index.get(value) if isinstance(value, str | int) else None
        return self.get(entity_type, entity_id) if entity_id is not None else None

    def all(self) -> Iterator[StoredEntity]:
        for rows in self.by_type.values():
            yield from rows.values()

    def count(self) -> int:
        return sum(len(rows) for rows in self.by_type.values())


def lookup_fields(entity_type: str) -> tuple[str, ...]:
    """Fields a reference may name an entity by: its endpoint key, then its unique fields."""
    schema = get_schema(entity_type)
    fields = [schema.endpoint_key] if schema.endpoint_key in schema.unique_fields else []
    return tuple(dict.fromkeys([*fields, *schema.unique_fields]))
