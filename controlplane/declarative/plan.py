"""Planning a sync: what must be created, updated and deleted to make the config the file.

Entity types are planned in dependency order. For each type the file's entities get their
references resolved and are validated against the Kong schema, then matched to existing
entities: by id if the file gives one, else by a unique field (name, username, a plugin's
name and scope...), else by content. A matched entity keeps its id and ``created_at``; it is
updated only if something other than timestamps differs. Existing entities of the type that
the file manages and did not match are deleted, with whatever cascades from them.
Everything is checked before anything is written: the plan either holds no problems or is
refused whole.
"""

import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from controlplane.declarative import shapes
from controlplane.declarative.errors import Problem, Problems
from controlplane.declarative.flatten import FileEntity, FlatConfig
from controlplane.declarative.references import UNRESOLVED, Registry, describe
from controlplane.declarative.state import CurrentConfig, StoredEntity
from controlplane.declarative.unchanged import same_as_stored
from controlplane.services.changelog import now_ts
from controlplane.services.store import is_uuid, unique_keys, unique_violation
from kongcore import hashing
from kongcore.schema import ENTITY_TYPES, EntitySchema, SchemaViolation, get_schema
from kongcore.schema.entities.basicauth_credentials import hash_password

Progress = Callable[[str, int, int], None]

TIMESTAMPS = ("created_at", "updated_at")
# Types without a unique field that still have a natural identity decK matches them by.
NATURAL_KEYS = {"certificates": ("cert", "key"), "ca_certificates": ("cert",)}
PROGRESS_EVERY = 1000


@dataclass(eq=False)
class Planned:
    """One change of the plan: the entity as it will be, and as it was."""

    entity_type: str
    data: dict[str, Any]
    old: StoredEntity | None = None
    source: FileEntity | None = None
    reason: str | None = None  # why an entity is deleted


@dataclass
class Plan:
    base_version: int
    creates: list[Planned] = field(default_factory=list)
    updates: list[Planned] = field(default_factory=list)
    deletes: list[Planned] = field(default_factory=list)  # children before their parents
    unchanged: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.creates or self.updates or self.deletes)


@dataclass(eq=False)
class _Staged:
    """A file entity on its way through the plan: resolved, then validated and matched."""

    entity: FileEntity
    body: dict[str, Any]
    given_id: str | None
    data: dict[str, Any] | None = None
    existing: StoredEntity | None = None
    settled: bool = False  # matched (unchanged) or refused: no validation or matching left


def plan_sync(
    flat: FlatConfig,
    current: CurrentConfig,
    problems: Problems,
    progress: Progress | None = None,
) -> Plan:
    """Plan the sync of ``flat`` onto ``current``; raises InvalidDeclarativeConfig on problems."""
    return _Planner(flat, current, problems, progress).run()


class _Planner:
    def __init__(
        self,
        flat: FlatConfig,
        current: CurrentConfig,
        problems: Problems,
        progress: Progress | None,
    ) -> None:
        self.flat = flat
        self.current = current
        self.problems = problems
        self.progress = progress
        self.registry = Registry(current)
        self.plan = Plan(current.version)
        self.changed: dict[str, list[tuple[FileEntity, dict[str, Any]]]] = {}
        self.unchanged_ids: dict[str, set[str]] = {}
        self.together: dict[str, dict[Any, str]] = {}
        self.now = now_ts()
        # Joined once: each refused claim quotes them, and a file may list thousands.
        self.select_tags_text = ", ".join(flat.options.select_tags)
        self.done = 0
        self.total = flat.count()

    def run(self) -> Plan:
        for kind in ENTITY_TYPES:
            staged = [self._stage(entity) for entity in self.flat.entities.get(kind, [])]
            if kind == shapes.MEMBERSHIP:
                staged = _without_repeats(staged)
            self._refuse_duplicate_ids(staged)
            self._keep_unchanged(kind, staged)
            open_items = [item for item in staged if not item.settled]
            for item in open_items:
                item.data = self._validate(item.entity, item.body)
            self._match(kind, open_items)
            for item in staged:
                self._classify(item)
            self._mark_deletions(kind)
        self._check_unique()
        self.problems.check()
        self.plan.deletes.reverse()
        return self.plan

    # -- staging: references, ids, validation ---------------------------------------------

    def _stage(self, entity: FileEntity) -> _Staged:
        self._tick()
        body = dict(entity.body)
        given_id = self._given_id(entity, body)
        entity.entity_id = given_id or str(uuid.uuid4())
        self._resolve_references(entity, body)
        return _Staged(entity, body, given_id)

    def _tick(self) -> None:
        self.done += 1
        if self.progress is not None and (
            self.done % PROGRESS_EVERY == 0 or self.done == self.total
        ):
            self.progress("validate", self.done, self.total)

    def _given_id(self, entity: FileEntity, body: dict[str, Any]) -> str | None:
        raw = body.pop("id", None)
        if raw is None:
            return None
        if not is_uuid(raw):
            self._problem(entity, "id", "expected a valid UUID")
            return None
        return str(uuid.UUID(raw))

    def _resolve_references(self, entity: FileEntity, body: dict[str, Any]) -> None:
        for name, foreign in get_schema(entity.entity_type).foreign_keys.items():
            raw = body.get(name)
            if entity.parent is not None and name == entity.parent_field:
                self._check_parent(entity, name, foreign.reference, raw)
                body[name] = {"id": entity.parent.entity_id}
            elif raw is not None:
                target = self.registry.lookup(foreign.reference, raw)
                if target is None:
                    self._problem(entity, name, _dangling(raw, foreign.reference))
                body[name] = {"id": target} if target else dict(UNRESOLVED)

    def _check_parent(self, entity: FileEntity, name: str, reference: str, raw: Any) -> None:
        assert entity.parent is not None
        if raw is not None and self.registry.lookup(reference, raw) != entity.parent.entity_id:
            shown = describe(raw, reference)
            message = f"names {shown}, not the entity this entry is nested under"
            self._problem(entity, name, message)

    def _validate(self, entity: FileEntity, body: dict[str, Any]) -> dict[str, Any] | None:
        schema = get_schema(entity.entity_type)
        body["id"] = entity.entity_id
        for stamp in TIMESTAMPS:
            if stamp in schema.field_names:
                body[stamp] = self.now
        plugin = body.get("name")
        if entity.entity_type == "plugins" and plugin in shapes.ENTERPRISE_PLUGINS:
            self._problem(entity, "name", shapes.ENTERPRISE_PLUGIN.format(plugin))
            return None
        try:
            return schema.validate(body)
        except SchemaViolation as exc:
            self.problems.add_tree(
                entity.where, exc.fields, entity_type=entity.entity_type, path=entity.path
            )
            return None

    # -- matching to existing entities --------------------------------------------------------

    def _refuse_duplicate_ids(self, staged: list[_Staged]) -> None:
        seen: set[str] = set()
        for item in staged:
            if item.given_id is not None and item.given_id in seen:
                self._problem(item.entity, "id", f"{item.given_id} is used by another entry")
                item.settled = True
            elif item.given_id is not None:
                seen.add(item.given_id)

    def _keep_unchanged(self, kind: str, staged: list[_Staged]) -> None:
        """Settle entries that equal what is stored, without validating them."""
        schema = get_schema(kind)
        for item in staged:
            if item.settled:
                continue
            existing = self._candidate(schema, item)
            if existing is None or not self._claimable(kind, existing):
                continue
            record = schema.record_for(existing.data)
            if self._managed(existing) and same_as_stored(record, item.body, existing.data):
                self._claim(item, existing)
                item.data = existing.data
                item.settled = True

    def _candidate(self, schema: EntitySchema, item: _Staged) -> StoredEntity | None:
        if item.given_id is not None:
            return self.current.get(schema.name, item.given_id)
        return self._unique_match(schema, item.body)

    def _match(self, kind: str, items: list[_Staged]) -> None:
        for item in items:
            existing = self.current.get(kind, item.given_id) if item.given_id else None
            if existing is not None and self._claimable(kind, existing):
                self._claim(item, existing)
        open_items = [s for s in items if s.existing is None and s.given_id is None and s.data]
        if open_items:
            self._match_by_unique_fields(kind, open_items)
            unmatched = [s for s in open_items if s.existing is None and s.data is not None]
            self._match_by_content(kind, unmatched)

    def _match_by_unique_fields(self, kind: str, items: list[_Staged]) -> None:
        schema = get_schema(kind)
        for item in items:
            assert item.data is not None
            existing = self._unique_match(schema, item.data)
            if existing is not None:
                self._claim(item, existing)

    def _unique_match(self, schema: EntitySchema, data: dict[str, Any]) -> StoredEntity | None:
        kind = schema.name
        for name in schema.unique_fields:
            if data.get(name) is not None:
                found = self.current.find_by_field(kind, name, data[name])
                if found is not None and self._claimable(kind, found):
                    return found
        for group in schema.unique_together:
            entity_id = self._together_index(schema).get(_together_key(group, data))
            found = self.current.get(kind, entity_id) if entity_id else None
            if found is not None and self._claimable(kind, found):
                return found
        return None

    def _match_by_content(self, kind: str, items: list[_Staged]) -> None:
        if not items or not self.current.of_type(kind):
            return
        # Deques: many identical rows (targets, unnamed routes) made list.pop(0) quadratic.
        candidates: dict[bytes, deque[StoredEntity]] = {}
        for row in self.current.of_type(kind).values():
            if self._claimable(kind, row):
                candidates.setdefault(_content_key(kind, row.data), deque()).append(row)
        for item in items:
            assert item.data is not None
            rows = candidates.get(_content_key(kind, item.data))
            while rows:
                row = rows.popleft()
                if self._claimable(kind, row):
                    self._claim(item, row)
                    break

    def _claimable(self, kind: str, row: StoredEntity) -> bool:
        return row.entity_id not in self.registry.claimed.get(kind, set())

    def _claim(self, item: _Staged, existing: StoredEntity) -> None:
        kind = item.entity.entity_type
        if not self._managed(existing):
            tags = self.select_tags_text
            message = (
                f"matches the existing {kind} entity {existing.entity_id}, which this file does "
                f"not manage: it does not have all of the select_tags ({tags})"
            )
            self._problem(item.entity, None, message)
            item.data = None
            return
        self.registry.claimed.setdefault(kind, set()).add(existing.entity_id)
        item.existing = existing
        item.entity.entity_id = existing.entity_id

    # -- classifying -------------------------------------------------------------------------

    def _classify(self, item: _Staged) -> None:
        entity, data = item.entity, item.data
        self.registry.register(entity)
        if data is None:
            return
        kind = entity.entity_type
        if item.existing is not None:
            data = self._settle(entity, data, item.existing)
        if data is (item.existing.data if item.existing else None):
            self.plan.unchanged += 1
            self.unchanged_ids.setdefault(kind, set()).add(entity.entity_id or "")
            return
        if item.existing is None:
            self.plan.creates.append(Planned(kind, self._new(entity, data), None, entity))
        else:
            self.plan.updates.append(Planned(kind, data, item.existing, entity))
        self.changed.setdefault(kind, []).append((entity, data))

    def _new(self, entity: FileEntity, data: dict[str, Any]) -> dict[str, Any]:
        if entity.entity_type == "basicauth_credentials" and self.flat.options.passwords_hashed:
            data["password"] = entity.body.get("password", data["password"])
        return data

    def _settle(
        self, entity: FileEntity, data: dict[str, Any], existing: StoredEntity
    ) -> dict[str, Any]:
        """The entity as it will be stored: existing identity, and the old data if unchanged."""
        old = existing.data
        if data is old:
            return old
        data["id"] = old["id"]
        for name in TIMESTAMPS:
            if name in data:
                data[name] = old.get(name)
        if entity.entity_type == "basicauth_credentials":
            self._keep_password(entity, data, old)
        if data == old:
            return old
        if "updated_at" in data:
            data["updated_at"] = self.now
        return data

    def _keep_password(self, entity: FileEntity, data: dict[str, Any], old: dict[str, Any]) -> None:
        """A file carries either the password or its stored hash (a dump); both mean no change."""
        given = entity.body.get("password")
        if not isinstance(given, str):
            return
        stored = old.get("password")
        if given == stored or hash_password(given, data["consumer"]["id"]) == stored:
            data["password"] = stored
        elif self.flat.options.passwords_hashed:
            data["password"] = given

    # -- deletions -------------------------------------------------------------------------

    def _mark_deletions(self, kind: str) -> None:
        claimed = self.registry.claimed.get(kind, set())
        for entity_id, row in self.current.of_type(kind).items():
            if entity_id in claimed:
                continue
            if self._managed(row):
                self._delete(row, "not in the file")
                continue
            gone = self._deleted_reference(row)
            if gone is not None:
                self._cascade(row, *gone)

    def _managed(self, row: StoredEntity) -> bool:
        """Whether the file's select_tags cover ``row`` (without select_tags, all is managed)."""
        select_tags = self.flat.options.select_tags
        if not select_tags:
            return True
        schema = get_schema(row.entity_type)
        if "tags" in schema.field_names:
            tags = set(row.data.get("tags") or ())  # a set: this runs for every stored row
            return all(tag in tags for tag in select_tags)
        # Memberships have no tags: they belong to the file that manages either side.
        for name, foreign in schema.foreign_keys.items():
            target = self.current.get(foreign.reference, (row.data.get(name) or {}).get("id", ""))
            if target is not None and self._managed(target):
                return True
        return False

    def _deleted_reference(self, row: StoredEntity) -> tuple[str, str, str] | None:
        for name, foreign in get_schema(row.entity_type).foreign_keys.items():
            target_id = (row.data.get(name) or {}).get("id")
            if target_id in self.registry.deleted.get(foreign.reference, set()):
                return name, foreign.reference, foreign.on_delete
        return None

    def _cascade(self, row: StoredEntity, name: str, reference: str, on_delete: str) -> None:
        target_id = row.data[name]["id"]
        if on_delete == "cascade":
            self._delete(row, f"its {name} {target_id} is deleted")
            return
        where = f"{reference}[id={target_id}]"
        message = (
            f"is not in the file, so the sync would delete it, but the {row.entity_type} entity "
            f"{row.entity_id}, which this file does not manage, references it"
        )
        self.problems.add(Problem(where, None, message, reference))

    def _delete(self, row: StoredEntity, reason: str) -> None:
        self.registry.deleted.setdefault(row.entity_type, set()).add(row.entity_id)
        self.plan.deletes.append(Planned(row.entity_type, row.data, row, None, reason))

    # -- uniqueness over the resulting config ------------------------------------------------

    def _check_unique(self) -> None:
        """Only new and changed entities can break uniqueness; check them against the rest."""
        for kind, changed in self.changed.items():
            schema = get_schema(kind)
            if not (schema.unique_fields or schema.unique_together):
                continue
            pending: dict[str, FileEntity] = {}
            for entity, data in changed:
                for key, fields in unique_keys(schema, data).items():
                    other = pending.setdefault(key, entity)
                    owner = (
                        other.where if other is not entity else self._owner(schema, data, fields)
                    )
                    if owner is not None:
                        message = f"{unique_violation(fields).message}: {owner} has it too"
                        self._problem(entity, _field_of(fields), message)

    def _owner(
        self, schema: EntitySchema, data: dict[str, Any], fields: dict[str, Any]
    ) -> str | None:
        """Who else keeps these unique values after the sync: a kept or unchanged entity."""
        kind = schema.name
        if len(fields) == 1 and next(iter(fields)) in schema.unique_fields:
            ((name, value),) = fields.items()
            row = self.current.find_by_field(kind, name, value)
        else:
            entity_id = self._together_index(schema).get(_together_key(tuple(fields), fields))
            row = self.current.get(kind, entity_id) if entity_id else None
        if row is None or row.entity_id == data["id"]:
            return None
        if self.registry.is_kept(kind, row.entity_id):
            return f"the existing {kind} entity {row.entity_id}"
        if row.entity_id in self.unchanged_ids.get(kind, set()):
            return self.registry.file_by_id[kind][row.entity_id].where
        return None  # deleted, or changed: its new values are among the pending ones

    def _together_index(self, schema: EntitySchema) -> dict[Any, str]:
        index = self.together.get(schema.name)
        if index is None:
            index = _together_index(self.current, schema)
            self.together[schema.name] = index
        return index

    def _problem(self, entity: FileEntity, name: str | None, message: str) -> None:
        self.problems.add(Problem(entity.where, name, message, entity.entity_type, entity.path))


def _without_repeats(staged: list[_Staged]) -> list[_Staged]:
    """A membership listed under both its group and its consumer is one membership."""
    seen: dict[str, FileEntity] = {}
    kept = []
    for item in staged:
        pair = hashing.canonical_json({k: v for k, v in item.body.items() if k != "id"})
        first = seen.setdefault(pair.decode(), item.entity)
        if first is item.entity:
            kept.append(item)
        else:
            item.entity.entity_id = first.entity_id
    return kept


def _dangling(raw: Any, reference: str) -> str:
    return (
        f"the foreign key '{describe(raw, reference)}' does not reference an existing '{reference}' "
        "entity, in the file or in the control plane"
    )


def _field_of(fields: dict[str, Any]) -> str | None:
    return next(iter(fields)) if len(fields) == 1 else None


def _ref_value(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) and set(value) == {"id"} else value


def _together_key(group: tuple[str, ...], data: dict[str, Any]) -> bytes:
    return hashing.canonical_json({name: _ref_value(data.get(name)) for name in group})


def _together_index(current: CurrentConfig, schema: EntitySchema) -> dict[Any, str]:
    """Existing entities by each of their unique-together keys (a plugin's name and scope)."""
    index: dict[Any, str] = {}
    for group in schema.unique_together:
        for entity_id, row in current.of_type(schema.name).items():
            index.setdefault(_together_key(group, row.data), entity_id)
    return index


def _content_key(kind: str, data: dict[str, Any]) -> bytes:
    names = NATURAL_KEYS.get(kind)
    if names is not None:
        return hashing.canonical_json({name: data.get(name) for name in names})
    return hashing.canonical_json({k: v for k, v in data.items() if k not in ("id", *TIMESTAMPS)})
