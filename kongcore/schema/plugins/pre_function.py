"""pre-function (and post-function): run Lua snippets in each request phase.

The snippets are stored as given. Kong also compiles them with `loadstring`; a control
plane runs no Lua, so a syntax error is only reported by the gateway that loads it.
"""

from __future__ import annotations

from kongcore.schema import checks as C
from kongcore.schema import typedefs as T
from kongcore.schema.fields import Array, String
from kongcore.schema.plugins.base import PluginDef, config

PHASES = (
    "certificate",
    "rewrite",
    "access",
    "header_filter",
    "body_filter",
    "log",
    "ws_handshake",
    "ws_client_frame",
    "ws_upstream_frame",
    "ws_close",
)

# Kong lists the phases in this order in the check (two websocket ones swapped).
_CHECKED = (*PHASES[:7], "ws_upstream_frame", "ws_client_frame", "ws_close")


def serverless_plugin(name: str) -> PluginDef:
    """Both plugins share one schema, differing only by name (and run order)."""
    return PluginDef(
        name=name,
        protocols=T.PROTOCOLS,
        no_consumer=True,
        config=config([(phase, Array(String(), required=True, default=[])) for phase in PHASES]),
        checks=(C.AtLeastOneOf(tuple(f"config.{phase}" for phase in _CHECKED)),),
    )


PLUGIN = serverless_plugin("pre-function")
