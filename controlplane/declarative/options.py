"""The file's envelope: ``_format_version``, ``_info``, ``_plugin_configs``, ``_konnect``.

Also where keys that are not entity collections are judged: decK metadata is read, known
Enterprise collections are refused with the reason, anything else is an unknown key.
"""

from dataclasses import dataclass, field
from typing import Any

from controlplane.declarative import shapes
from controlplane.declarative.errors import Problem, Problems


@dataclass
class FileOptions:
    format_version: str = "3.0"
    select_tags: list[str] = field(default_factory=list)
    # entity type -> fields filled in where an entity leaves them out (decK's _info.defaults)
    defaults: dict[str, dict[str, Any]] = field(default_factory=dict)
    plugin_configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    # the file's basic-auth passwords are already hashed (decK's skip_hash_for_basic_auth)
    passwords_hashed: bool = False
    control_plane_name: str | None = None


def read_options(document: dict[str, Any], problems: Problems) -> FileOptions:
    """Read the envelope keys, reporting unknown, unsupported and malformed ones."""
    options = FileOptions()
    for key in document:
        _judge_key(key, document[key], problems)
    options.format_version = _format_version(document.get("_format_version"), problems)
    _read_info(document.get("_info"), options, problems)
    options.plugin_configs = _plugin_configs(document.get("_plugin_configs"), problems)
    options.control_plane_name = _konnect_name(document.get("_konnect"), problems)
    transform = document.get("_transform", True)
    if not isinstance(transform, bool):
        problems.add(Problem("_transform", None, "expected a boolean"))
    elif not transform:
        options.passwords_hashed = True
    return options


def _judge_key(key: str, value: Any, problems: Problems) -> None:
    if key in shapes.TOP_LEVEL or key in shapes.META_KEYS:
        if key == "_workspace" and value not in (None, "", "default"):
            problems.add(
                Problem(key, None, f"'{value}': {shapes.UNSUPPORTED_TOP_LEVEL['workspaces']}")
            )
        return
    reason = shapes.UNSUPPORTED_TOP_LEVEL.get(key)
    if reason is not None:
        if value:  # decK writes empty collections; an empty one asks for nothing
            problems.add(Problem(key, None, reason))
        return
    problems.add(Problem(key, None, "unknown top-level key"))


def _format_version(value: Any, problems: Problems) -> str:
    if value is None:
        return "3.0"  # decK accepts files without one and reads them as current
    if str(value) not in shapes.FORMAT_VERSIONS:
        problems.add(
            Problem(
                "_format_version",
                None,
                f"unsupported format version '{value}'; expected one of: "
                + ", ".join(shapes.FORMAT_VERSIONS),
            )
        )
        return "3.0"
    return str(value)


def _read_info(info: Any, options: FileOptions, problems: Problems) -> None:
    if info is None:
        return
    if not isinstance(info, dict):
        problems.add(Problem("_info", None, "expected a record"))
        return
    for key in info:
        if key not in shapes.INFO_KEYS:
            problems.add(Problem("_info", key, "unknown field"))
    options.select_tags = _string_list(info.get("select_tags"), "_info", "select_tags", problems)
    options.defaults = _defaults(info.get("defaults"), problems)
    if info.get("consumer_group_policy_overrides"):
        problems.add(
            Problem(
                "_info",
                "consumer_group_policy_overrides",
                f"consumer-group policy overrides: {shapes.ENTERPRISE}",
            )
        )
    options.passwords_hashed = info.get("skip_hash_for_basic_auth") is True
    lookup = info.get("default_lookup_tags")
    if lookup is not None and not isinstance(lookup, dict):
        problems.add(Problem("_info", "default_lookup_tags", "expected a record"))


def _string_list(value: Any, where: str, name: str, problems: Problems) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problems.add(Problem(where, name, "expected an array of non-empty strings"))
        return []
    return list(dict.fromkeys(value))


def _defaults(value: Any, problems: Problems) -> dict[str, dict[str, Any]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.add(Problem("_info", "defaults", "expected a record"))
        return {}
    defaults: dict[str, dict[str, Any]] = {}
    for section, fields in value.items():
        entity_type = shapes.DEFAULTS_SECTIONS.get(section)
        if entity_type is None:
            problems.add(Problem("_info", f"defaults.{section}", "unknown field"))
        elif not isinstance(fields, dict):
            problems.add(Problem("_info", f"defaults.{section}", "expected a record"))
        else:
            defaults[entity_type] = fields
    return defaults


def _plugin_configs(value: Any, problems: Problems) -> dict[str, dict[str, Any]]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        problems.add(Problem("_plugin_configs", None, "expected a map of plugin configs"))
        return {}
    return value


def _konnect_name(value: Any, problems: Problems) -> str | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        problems.add(Problem("_konnect", None, "expected a record"))
        return None
    name = value.get("control_plane_name") or value.get("runtime_group_name")
    return name if isinstance(name, str) and name else None
