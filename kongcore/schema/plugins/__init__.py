"""Bundled plugin schemas, one module per plugin, looked up by plugin name.

Enterprise-only plugins (rate-limiting-advanced, openid-connect, ...) are absent on
purpose: like an OSS gateway, we answer them with "plugin 'x' not enabled".
"""

from __future__ import annotations

from importlib import import_module

from kongcore.schema.plugins.base import PluginDef

# One module per plugin, named after it (dashes become underscores).
_MODULES = (
    "acl",
    "acme",
    "basic_auth",
    "bot_detection",
    "correlation_id",
    "cors",
    "file_log",
    "hmac_auth",
    "http_log",
    "ip_restriction",
    "jwt",
    "key_auth",
    "prometheus",
    "proxy_cache",
    "rate_limiting",
    "request_size_limiting",
    "request_termination",
    "request_transformer",
    "response_transformer",
)


def _load(module: str) -> PluginDef:
    plugin: PluginDef = import_module(f"{__name__}.{module}").PLUGIN
    return plugin


PLUGINS: dict[str, PluginDef] = {plugin.name: plugin for plugin in map(_load, _MODULES)}


def plugin_names() -> list[str]:
    """Names of every bundled plugin, sorted."""
    return sorted(PLUGINS)


def get_plugin(name: str) -> PluginDef | None:
    return PLUGINS.get(name)
