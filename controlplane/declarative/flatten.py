"""From decK's nested document to a flat list of entities with their references still raw.

A route nested under a service becomes a route whose ``service`` is that service; a group
listed under a consumer becomes a consumer-group membership. decK's sugar is applied here
(``_info.defaults``, ``_plugin_configs``, ``select_tags``, 1.1 regex paths) so that what the
planner sees is plain Kong entities, each remembering where in the file it came from.
"""

import copy
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from controlplane.declarative import shapes
from controlplane.declarative.errors import Problem, Problems
from controlplane.declarative.limits import (
    EXPANSION_ALLOWANCE,
    EXPANSION_FACTOR,
    count_values,
    expansion_bound,
)
from controlplane.declarative.options import FileOptions, read_options
from kongcore.schema import ENTITY_TYPES, get_schema

# Kong 3.0 reads a pre-3.0 path as a regex unless it is made only of these characters.
_PLAIN_PATH = re.compile(r"^[a-zA-Z0-9.\-_~/%]*$")
_DROPPED = ("created_at", "updated_at")


@dataclass(eq=False)
class FileEntity:
    """One entity of the file: its fields as written and where it is."""

    entity_type: str
    where: str  # services[name=billing].routes[name=r1]
    path: str  # services[3].routes[0]
    body: dict[str, Any]
    parent: "FileEntity | None" = None
    parent_field: str | None = None
    entity_id: str | None = None  # assigned by the planner


@dataclass
class FlatConfig:
    options: FileOptions
    entities: dict[str, list[FileEntity]] = field(default_factory=dict)

    def count(self) -> int:
        return sum(len(items) for items in self.entities.values())


@dataclass(frozen=True)
class _Slot:
    """Where an entry sits: its collection's label and index path, and its parent if nested."""

    where: str
    path: str
    index: int
    repetition: "_Repetition"
    parent: FileEntity | None = None
    parent_field: str | None = None


@dataclass
class _Repetition:
    """What decK's sugar adds to the file, bounded as YAML aliases are.

    Defaults, shared plugin configs and select_tags are written once and copied into many
    entities, so a large one multiplies validation like an alias does.
    """

    bound: int
    default_sizes: dict[str, dict[str, int]]
    added: int = 0
    refused: bool = False

    @classmethod
    def of(cls, document: dict[str, Any], options: FileOptions) -> "_Repetition":
        if not (options.defaults or options.plugin_configs or options.select_tags):
            return cls(bound=0, default_sizes={})  # nothing to repeat: nothing to count
        sizes = {
            kind: {name: count_values(value) for name, value in fields.items()}
            for kind, fields in options.defaults.items()
        }
        return cls(expansion_bound(count_values(document)), sizes)

    def allows(self, entity: FileEntity, values: int, problems: Problems) -> bool:
        """Charge ``values`` added to ``entity``; False (reported once) past the bound."""
        self.added += values
        if self.added <= self.bound:
            return True
        if not self.refused:
            message = (
                f"decK's _info.defaults, _plugin_configs and select_tags add more than "
                f"{self.bound:,} values to the file by here; they may add at most "
                f"{EXPANSION_FACTOR} times the values the file writes, or "
                f"{EXPANSION_ALLOWANCE:,}, whichever is more"
            )
            problems.add(Problem(entity.where, None, message, entity.entity_type, entity.path))
            self.refused = True
        return False


def flatten(document: dict[str, Any], problems: Problems) -> FlatConfig:
    flat = FlatConfig(read_options(document, problems), {kind: [] for kind in ENTITY_TYPES})
    repetition = _Repetition.of(document, flat.options)
    for key in shapes.TOP_LEVEL:
        entries = _entries(document.get(key), key, problems)
        for index, entry in enumerate(entries):
            _add(flat, key, entry, _Slot(key, key, index, repetition), problems)
    return flat


def _entries(value: Any, where: str, problems: Problems) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.add(Problem(where, None, "expected an array"))
        return []
    return value


def _add(flat: FlatConfig, kind: str, entry: Any, slot: _Slot, problems: Problems) -> None:
    body = _body(kind, entry, slot)
    where = f"{slot.where}[{_ident(kind, body, slot.index)}]"
    path = f"{slot.path}[{slot.index}]"
    if body is None:
        problems.add(Problem(where, None, "expected a record", kind, path))
        return
    own = {k: v for k, v in body.items() if k not in _DROPPED and k not in _child_keys(kind)}
    entity = FileEntity(kind, where, path, own, slot.parent, slot.parent_field)
    _apply_sugar(entity, flat.options, slot.repetition, problems)
    flat.entities[kind].append(entity)
    for key, value in body.items():
        _add_children(flat, entity, key, value, slot.repetition, problems)


def _body(kind: str, entry: Any, slot: _Slot) -> dict[str, Any] | None:
    if kind == shapes.MEMBERSHIP and slot.parent is not None:
        side = "consumer" if slot.parent_field == "consumer_group" else "consumer_group"
        return {side: entry} if isinstance(entry, dict | str) else None
    if kind == "snis" and isinstance(entry, str):
        return {"name": entry}  # Kong's certificate shorthand lists SNIs by name
    return dict(entry) if isinstance(entry, dict) else None


def _ident(kind: str, body: dict[str, Any] | None, index: int) -> str:
    if body is None:
        return str(index)
    if kind == shapes.MEMBERSHIP:
        body = next((v for v in body.values() if isinstance(v, dict)), body)
        naming = "name" if "name" in body else "username"
    else:
        naming = shapes.NAMING_FIELDS.get(kind, "")
        if kind == "consumers" and not body.get("username"):
            naming = "custom_id"
    value = body.get(naming)
    if isinstance(value, str) and value:
        return f"{naming}={value}"
    return str(index)


@cache
def _child_keys(kind: str) -> frozenset[str]:
    keys = set(shapes.CHILDREN.get(kind, {}))
    return frozenset(
        keys | {child for parent, child in shapes.UNSUPPORTED_CHILDREN if parent == kind}
    )


def _add_children(
    flat: FlatConfig,
    entity: FileEntity,
    key: str,
    value: Any,
    repetition: _Repetition,
    problems: Problems,
) -> None:
    kind = entity.entity_type
    reason = shapes.UNSUPPORTED_CHILDREN.get((kind, key))
    if reason is not None:
        if value:
            problems.add(Problem(entity.where, key, reason, kind, entity.path))
        return
    child = shapes.CHILDREN.get(kind, {}).get(key)
    if child is None:
        return
    child_kind, parent_field = child
    where, path = f"{entity.where}.{key}", f"{entity.path}.{key}"
    for index, entry in enumerate(_entries(value, where, problems)):
        slot = _Slot(where, path, index, repetition, entity, parent_field)
        _add(flat, child_kind, entry, slot, problems)


def _apply_sugar(
    entity: FileEntity,
    options: FileOptions,
    repetition: _Repetition,
    problems: Problems,
) -> None:
    body = entity.body
    _apply_defaults(entity, options, repetition, problems)
    if entity.entity_type == "plugins" and "_config" in body:
        _apply_plugin_config(entity, options, repetition, problems)
    if entity.entity_type == "routes" and options.format_version != "3.0":
        _migrate_paths(body)
    if options.select_tags and "tags" in get_schema(entity.entity_type).field_names:
        _add_select_tags(entity, options.select_tags, repetition, problems)


def _add_select_tags(
    entity: FileEntity, select_tags: list[str], repetition: _Repetition, problems: Problems
) -> None:
    tags = entity.body.get("tags") or []
    if not isinstance(tags, list):
        return  # validation names the bad value
    # A set, not the list: `tag not in tags` for each select tag was tags × select_tags.
    # Only strings: an unhashable entry is the file's mistake, which validation reports.
    present = {tag for tag in tags if isinstance(tag, str)}
    missing = [tag for tag in select_tags if tag not in present]
    if repetition.allows(entity, len(missing), problems):
        entity.body["tags"] = tags + missing


def _apply_defaults(
    entity: FileEntity, options: FileOptions, repetition: _Repetition, problems: Problems
) -> None:
    sizes = repetition.default_sizes.get(entity.entity_type, {})
    for name, value in options.defaults.get(entity.entity_type, {}).items():
        if name in entity.body:
            continue
        if not repetition.allows(entity, sizes.get(name, 1), problems):
            return
        entity.body[name] = copy.deepcopy(value)


def _apply_plugin_config(
    entity: FileEntity, options: FileOptions, repetition: _Repetition, problems: Problems
) -> None:
    """decK's ``_config``: a named config from ``_plugin_configs``, under the plugin's own."""
    name = entity.body.pop("_config")
    shared = options.plugin_configs.get(name) if isinstance(name, str) else None
    if shared is None:
        message = f"plugin config '{name}' is not defined in _plugin_configs"
        problems.add(Problem(entity.where, "_config", message, "plugins", entity.path))
        return
    if not repetition.allows(entity, count_values(shared), problems):
        return
    own = entity.body.get("config")
    config = copy.deepcopy(shared)
    if isinstance(own, dict):
        config.update(own)
    entity.body["config"] = config


def _migrate_paths(body: dict[str, Any]) -> None:
    """Format 1.1 paths that are regexes get 3.0's ``~`` prefix, as Kong migrates them."""
    paths = body.get("paths")
    if isinstance(paths, list):
        body["paths"] = [
            f"~{path}" if isinstance(path, str) and not _PLAIN_PATH.match(path) else path
            for path in paths
        ]
