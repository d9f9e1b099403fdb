"""Plugins: a named plugin's config, optionally scoped to a route/service/consumer/group."""

from __future__ import annotations

from functools import cache
from typing import Any

from kongcore.schema import typedefs as T
from kongcore.schema.entity import EntitySchema
from kongcore.schema.errors import SchemaViolation
from kongcore.schema.fields import Any_, Array, Boolean, Field, Map, String
from kongcore.schema.plugins import get_plugin
from kongcore.schema.plugins.base import PluginDef
from kongcore.schema.record import Record

NOT_ENABLED = "plugin '{}' not enabled; add it to the 'plugins' configuration property"


def _ordering() -> Record:
    # Enterprise's dynamic ordering, accepted because decK files carry it.
    phases = Map(String(one_of=("access",)), Array(String()))
    return Record([("before", phases), ("after", phases)], required=False)


def _scope(reference: str, forbidden: bool) -> Field:
    return T.foreign(reference, on_delete="cascade", null_only=forbidden)


def _fields(plugin: PluginDef | None) -> list[tuple[str, Field]]:
    config: Field = plugin.config if plugin else Any_()
    protocols = T.protocols(plugin.protocols, plugin.default_protocols) if plugin else Any_()
    return [
        ("id", T.auto_id()),
        ("name", String(required=True)),
        ("instance_name", T.utf8_name()),
        ("created_at", T.auto_timestamp()),
        ("updated_at", T.auto_timestamp()),
        ("route", _scope("routes", bool(plugin and plugin.no_route))),
        ("service", _scope("services", bool(plugin and plugin.no_service))),
        ("consumer", _scope("consumers", bool(plugin and plugin.no_consumer))),
        ("consumer_group", _scope("consumer_groups", bool(plugin and plugin.no_consumer_group))),
        ("config", config),
        ("protocols", protocols),
        ("enabled", Boolean(required=True, default=True)),
        ("tags", T.tags()),
        ("ordering", _ordering()),
    ]


@cache
def plugin_record(name: str | None) -> Record:
    plugin = get_plugin(name) if name else None
    return Record(_fields(plugin), checks=plugin.checks if plugin else ())


class PluginSchema(EntitySchema):
    def record_for(self, data: dict[str, Any]) -> Record:
        name = data.get("name")
        return plugin_record(name if isinstance(name, str) else None)

    def prepare(self, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
        name = data.get("name", (existing or {}).get("name"))
        if isinstance(name, str) and get_plugin(name) is None:
            raise SchemaViolation({"name": NOT_ENABLED.format(name)})
        return data


_GENERIC = plugin_record(None)

schema = PluginSchema(
    "plugins",
    _GENERIC,
    endpoint_key="instance_name",
    unique_fields=("instance_name",),
    unique_together=(("name", "route", "service", "consumer", "consumer_group"),),
)
