"""Bundled plugin schemas, one module per plugin, looked up by plugin name."""

from __future__ import annotations

from kongcore.schema.plugins import (
    acl,
    basic_auth,
    correlation_id,
    cors,
    jwt,
    key_auth,
    rate_limiting,
    request_transformer,
)
from kongcore.schema.plugins.base import PluginDef

_MODULES = (
    acl,
    basic_auth,
    correlation_id,
    cors,
    jwt,
    key_auth,
    rate_limiting,
    request_transformer,
)

PLUGINS: dict[str, PluginDef] = {module.PLUGIN.name: module.PLUGIN for module in _MODULES}


def plugin_names() -> list[str]:
    """Names of every bundled plugin, sorted."""
    return sorted(PLUGINS)


def get_plugin(name: str) -> PluginDef | None:
    return PLUGINS.get(name)
