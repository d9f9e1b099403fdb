"""What a sync changes (or would change): counts and entity lists per entity type."""

from dataclasses import dataclass, field, replace
from typing import Any

from controlplane.declarative import shapes
from controlplane.declarative.plan import TIMESTAMPS, Plan, Planned

OPERATIONS = ("created", "updated", "deleted")


@dataclass(frozen=True)
class Diff:
    """A sync's outcome. ``config_version`` is the version the config is at afterwards."""

    dry_run: bool
    config_version: int
    changes: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    unchanged: int = 0

    @classmethod
    def from_plan(cls, plan: Plan, *, dry_run: bool) -> "Diff":
        changes: dict[str, dict[str, list[dict[str, Any]]]] = {op: {} for op in OPERATIONS}
        for operation, items in zip(
            OPERATIONS, (plan.creates, plan.updates, plan.deletes), strict=True
        ):
            for item in items:
                changes[operation].setdefault(item.entity_type, []).append(describe(item))
        return cls(dry_run, plan.base_version, changes, plan.unchanged)

    def at_version(self, version: int) -> "Diff":
        return replace(self, config_version=version)

    def count(self, operation: str) -> int:
        return sum(len(items) for items in self.changes.get(operation, {}).values())

    @property
    def total(self) -> int:
        return sum(self.count(op) for op in OPERATIONS)

    def counts(self) -> dict[str, dict[str, int]]:
        per_type: dict[str, dict[str, int]] = {}
        for operation in OPERATIONS:
            for kind, items in self.changes.get(operation, {}).items():
                per_type.setdefault(kind, dict.fromkeys(OPERATIONS, 0))[operation] = len(items)
        return dict(sorted(per_type.items()))

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "config_version": self.config_version,
            "summary": {
                **{op: self.count(op) for op in OPERATIONS},
                "unchanged": self.unchanged,
                "total_changes": self.total,
            },
            "counts": self.counts(),
            **{op: dict(sorted(self.changes.get(op, {}).items())) for op in OPERATIONS},
        }


def describe(item: Planned) -> dict[str, Any]:
    """An entity in a diff: its id, its name if it has one, where it is or why it goes."""
    found: dict[str, Any] = {"id": item.data.get("id")}
    name = item.data.get(shapes.NAMING_FIELDS.get(item.entity_type, ""))
    if isinstance(name, str):
        found["name"] = name
    if item.source is not None:
        found["where"] = item.source.where
    if item.old is not None and item.source is not None:
        found["fields"] = changed_fields(item.old.data, item.data)
    if item.reason is not None:
        found["reason"] = item.reason
    return found


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    names = (set(old) | set(new)) - set(TIMESTAMPS)
    return sorted(name for name in names if old.get(name) != new.get(name))
