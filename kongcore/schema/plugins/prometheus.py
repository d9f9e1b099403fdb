"""prometheus: expose gateway metrics in Prometheus format."""

from __future__ import annotations

from kongcore.schema import typedefs as T
from kongcore.schema.fields import Boolean
from kongcore.schema.plugins.base import PluginDef, config

_FLAGS = (
    "per_consumer",
    "status_code_metrics",
    "ai_metrics",
    "latency_metrics",
    "bandwidth_metrics",
    "upstream_health_metrics",
    "wasm_metrics",
)

PLUGIN = PluginDef(
    name="prometheus",
    protocols=T.PROTOCOLS,
    config=config([(flag, Boolean(default=False)) for flag in _FLAGS]),
)
