"""pre-function (and post-function): run Lua snippets in each request phase.

Kong compiles each snippet with LuaJIT's `loadstring` when the plugin is written, so a
syntax error is refused then rather than at the gateway. We do the same with the LuaJIT
that lupa bundles: compiling only, the code is never run here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from lupa import luajit21

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

# A Lua state serves one thread at a time; requests validate on several threads.
_states = threading.local()


def lua_syntax_error(code: str) -> str | None:
    """LuaJIT's own message when `code` does not compile, else None."""
    runtime = getattr(_states, "runtime", None)
    if runtime is None:
        runtime = luajit21.LuaRuntime(register_eval=False, register_builtins=False)
        _states.runtime = runtime
    compiled = runtime.globals().loadstring(code)
    if isinstance(compiled, tuple) and compiled[0] is None:
        return str(compiled[1])
    return None


def _compiles(plugin_name: str) -> Callable[[str], str | None]:
    def check(code: str) -> str | None:
        error = lua_syntax_error(code)
        return None if error is None else f"error parsing {plugin_name}: {error}"

    return check


def serverless_plugin(name: str) -> PluginDef:
    """Both plugins share one schema, differing only by name (and run order)."""
    return PluginDef(
        name=name,
        protocols=T.PROTOCOLS,
        no_consumer=True,
        config=config(
            [
                (phase, Array(String(validators=(_compiles(name),)), required=True, default=[]))
                for phase in PHASES
            ]
        ),
        checks=(C.AtLeastOneOf(tuple(f"config.{phase}" for phase in _CHECKED)),),
    )


PLUGIN = serverless_plugin("pre-function")
