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
    "ai_prompt_decorator",
    "ai_prompt_guard",
    "ai_prompt_template",
    "ai_proxy",
    "ai_request_transformer",
    "ai_response_transformer",
    "aws_lambda",
    "azure_functions",
    "basic_auth",
    "bot_detection",
    "correlation_id",
    "cors",
    "datadog",
    "file_log",
    "grpc_gateway",
    "grpc_web",
    "hmac_auth",
    "http_log",
    "ip_restriction",
    "jwt",
    "key_auth",
    "ldap_auth",
    "loggly",
    "oauth2",
    "opentelemetry",
    "post_function",
    "pre_function",
    "prometheus",
    "proxy_cache",
    "rate_limiting",
    "redirect",
    "request_size_limiting",
    "request_termination",
    "request_transformer",
    "response_ratelimiting",
    "response_transformer",
    "session",
    "standard_webhooks",
    "statsd",
    "syslog",
    "tcp_log",
    "udp_log",
    "zipkin",
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
