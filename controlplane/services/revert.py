"""Reverting a control plane to a version still in its change log, as one new version.

The config at version V is today's config with every entity touched after V put back as it
was then. The change log holds that state: an entity's first change after V carries it as
``old_entity`` (None when the entity was created after V). The difference between that state
and today's rows is written as one version through the same bulk writer a decK sync uses,
so data planes receive it as one delta, and its hash is version V's, timestamps included.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from controlplane.declarative.diff import Diff, changed_fields
from controlplane.declarative.plan import Plan, Planned
from controlplane.declarative.state import StoredEntity
from controlplane.errors import Conflict, SchemaViolationError
from controlplane.models import Change, ConfigVersion, ControlPlane, Entity
from controlplane.services import bulk_store
from controlplane.services.changelog import versioned_write
from controlplane.sync.log import oldest_retained_version
from kongcore import hashing
from kongcore.schema import ENTITY_TYPES

BATCH = 500
_TYPE_ORDER = {kind: position for position, kind in enumerate(ENTITY_TYPES)}

EntityKey = tuple[str, str]  # (entity type, entity id)


@dataclass
class _Touched:
    """An entity changed after the target version: its state then, and who changed it."""

    first_change: int  # the Change pk of its first change after the target version
    created_after: bool  # that change created it: it did not exist at the target version
    first: str  # "version N by actor", for the diff's reasons
    last: str
    then: dict[str, Any] | None = None


@dataclass(frozen=True)
class Revert:
    """What a revert changes, or would change with ``dry_run``.

    ``diff`` has the decK sync's shape; ``config_hash`` is the hash the config has after the
    revert, which is the target version's. ``plan`` keeps each change's entity before and
    after, for a reviewer that shows them field by field.
    """

    from_version: int
    to_version: int
    config_hash: str
    diff: Diff
    plan: Plan = field(compare=False)

    @property
    def message(self) -> str:
        if self.from_version == self.to_version:
            return f"the control plane is at version {self.to_version}: nothing to revert"
        if self.diff.total == 0:
            return f"the config already equals version {self.to_version}'s: nothing to change"
        counts = ", ".join(
            f"{self.diff.count(op)} {op}" for op in ("created", "updated", "deleted")
        )
        if self.diff.dry_run:
            return f"reverting to version {self.to_version} would change: {counts}"
        return (
            f"reverted to version {self.to_version} as version {self.diff.config_version}: {counts}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "from_version": self.from_version,
            "to_version": self.to_version,
            "config_hash": self.config_hash,
            **self.diff.as_dict(),
        }


def revert_control_plane(
    cp: ControlPlane,
    to_version: int,
    *,
    actor: str,
    dry_run: bool = False,
    base_version: int | None = None,
) -> Revert:
    """Make ``cp``'s config equal to what it was at ``to_version``, as one new version.

    Any version from the one before the oldest still in the change log up to the current one
    can be restored; others raise a 400 naming the oldest that can. Reverting to the current
    version, or to one whose config equals today's, writes nothing. With ``dry_run`` the
    result says what would change and nothing is written. With ``base_version`` (the
    version a reviewed dry run was made at) a config that moved since raises ``Conflict``.
    The version is logged with the actor ``"<actor> (revert to vN)"``.

    The trap: a revert restores the whole config, so it also undoes every change made after
    ``to_version`` by anyone, decK syncs and cascading deletes included. The result is
    planned under the control plane's write lock, so the diff is exact at that moment.
    """
    label = f"{actor} (revert to v{to_version})"
    with versioned_write(cp.pk, label, action="control_plane.revert") as writer:
        _check_base(writer.control_plane, base_version)
        revert = _plan_revert(writer.control_plane, to_version, dry_run=dry_run)
        if not dry_run:
            bulk_store.apply_plan(writer, revert.plan)
    if dry_run or revert.plan.is_empty:
        return revert
    return replace(revert, diff=revert.diff.at_version(writer.control_plane.config_version))


def revertible_versions(cp: ControlPlane) -> range:
    """The versions ``cp`` can be reverted to: the change log holds every change after them."""
    return range(oldest_retained_version(cp) - 1, cp.config_version + 1)


def _plan_revert(cp: ControlPlane, to_version: int, *, dry_run: bool) -> Revert:
    _check_revertible(cp, to_version)
    touched = _touched_since(cp, to_version)
    plan = Plan(cp.config_version)
    _fill_plan(plan, touched, _current_rows(cp, touched))
    plan.unchanged = Entity.objects.filter(control_plane=cp).count() - len(plan.deletes)
    plan.unchanged -= len(plan.updates)
    config_hash = _hash_after(cp.config_hash, plan)
    _check_hash(cp, to_version, config_hash)
    return Revert(cp.config_version, to_version, config_hash, _diff(plan, dry_run), plan)


def _check_base(cp: ControlPlane, base_version: int | None) -> None:
    if base_version is not None and base_version != cp.config_version:
        raise Conflict(
            f"the config changed since the diff was made (version {base_version} → "
            f"{cp.config_version}); review the new diff before reverting"
        )


def _check_revertible(cp: ControlPlane, to_version: int) -> None:
    allowed = revertible_versions(cp)
    if to_version in allowed:
        return
    if to_version > cp.config_version:
        problem = f"version {to_version} does not exist: the control plane is at version "
        problem += str(cp.config_version)
    else:
        problem = (
            f"version {to_version} is no longer in the change log; the oldest version this "
            f"control plane can revert to is {allowed.start}"
        )
    raise SchemaViolationError(f"cannot revert: {problem}", {"to_version": problem})


def _touched_since(cp: ControlPlane, to_version: int) -> dict[EntityKey, _Touched]:
    """Every entity changed after ``to_version``, with its state at ``to_version``."""
    after = ConfigVersion.objects.filter(control_plane=cp, version__gt=to_version)
    labels = {
        version: f"version {version} by {actor}"
        for version, actor in after.values_list("version", "actor")
    }
    rows = (
        Change.objects.filter(config_version__in=after)
        .order_by("config_version__version", "seq")
        .values_list("pk", "op", "entity_type", "entity_id", "config_version__version")
    )
    touched: dict[EntityKey, _Touched] = {}
    for pk, op, kind, entity_id, version in rows.iterator(2000):
        label = labels[version]
        item = touched.setdefault(
            (kind, str(entity_id)), _Touched(pk, op == "create", label, label)
        )
        item.last = label
    _load_states(touched)
    return touched


def _load_states(touched: dict[EntityKey, _Touched]) -> None:
    """Read ``old_entity`` of each entity's first change only: later ones are never needed."""
    firsts = {item.first_change: item for item in touched.values() if not item.created_after}
    for batch in _batches(list(firsts)):
        for pk, old in Change.objects.filter(pk__in=batch).values_list("pk", "old_entity"):
            firsts[pk].then = old


def _current_rows(
    cp: ControlPlane, touched: dict[EntityKey, _Touched]
) -> dict[EntityKey, StoredEntity]:
    """Today's rows of the touched entities, read in batches (never the whole config)."""
    found: dict[EntityKey, StoredEntity] = {}
    ids = sorted({entity_id for _, entity_id in touched})
    for batch in _batches(ids):
        rows = Entity.objects.filter(control_plane=cp, entity_id__in=batch).values_list(
            "pk", "entity_type", "data"
        )
        for pk, kind, data in rows:
            row = StoredEntity(pk, kind, data)
            if (kind, row.entity_id) in touched:
                found[(kind, row.entity_id)] = row
    return found


def _fill_plan(
    plan: Plan, touched: dict[EntityKey, _Touched], current: dict[EntityKey, StoredEntity]
) -> None:
    """Add the changes that take each touched entity back, in an order nodes can apply:
    parents created before their children, children deleted before their parents."""
    for key in sorted(touched, key=lambda key: _TYPE_ORDER[key[0]]):
        kind, item, now = key[0], touched[key], current.get(key)
        if item.then is None and now is not None:
            plan.deletes.append(Planned(kind, now.data, now, None, f"created in {item.first}"))
        elif item.then is not None and now is None:
            plan.creates.append(Planned(kind, item.then, None, None, f"deleted in {item.last}"))
        elif item.then is not None and now is not None and item.then != now.data:
            plan.updates.append(Planned(kind, item.then, now, None, f"changed in {item.last}"))
    plan.deletes.reverse()


def _hash_after(config_hash: str, plan: Plan) -> str:
    for item in plan.deletes:
        config_hash = hashing.apply_change(config_hash, item.entity_type, item.data, None)
    for item in plan.updates:
        assert item.old is not None
        config_hash = hashing.apply_change(config_hash, item.entity_type, item.old.data, item.data)
    for item in plan.creates:
        config_hash = hashing.apply_change(config_hash, item.entity_type, None, item.data)
    return config_hash


def _check_hash(cp: ControlPlane, to_version: int, config_hash: str) -> None:
    """Refuse a revert whose result would not be the recorded config of ``to_version``.

    Only a config store that drifted from its change log can fail this; writing anyway would
    hand every node a config that exists in no version.
    """
    if to_version == 0:
        recorded: str | None = hashing.EMPTY_HASH
    else:
        recorded = (
            ConfigVersion.objects.filter(control_plane=cp, version=to_version)
            .values_list("config_hash", flat=True)
            .first()
        )
    if recorded is not None and recorded != config_hash:
        raise Conflict(
            f"cannot revert: the result's hash {config_hash} is not version {to_version}'s "
            f"{recorded}; the stored config no longer matches the change log"
        )


def _diff(plan: Plan, dry_run: bool) -> Diff:
    """The decK sync's diff, with each update's changed fields and each change's reason."""
    diff = Diff.from_plan(plan, dry_run=dry_run)
    fields = {
        (item.entity_type, item.data["id"]): changed_fields(item.old.data, item.data)
        for item in plan.updates
        if item.old is not None
    }
    for kind, entries in diff.changes.get("updated", {}).items():
        for entry in entries:
            entry["fields"] = fields[(kind, entry["id"])]
    return diff


def _batches(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]
