"""udp-log: send request/response logs to a UDP server."""

from __future__ import annotations

from kongcore.schema import typedefs as T
from kongcore.schema.fields import Number
from kongcore.schema.plugins.base import PluginDef, config
from kongcore.schema.plugins.file_log import lua_fields

PLUGIN = PluginDef(
    name="udp-log",
    protocols=T.PROTOCOLS,
    config=config(
        [
            ("host", T.host(required=True)),
            ("port", T.port(required=True)),
            ("timeout", Number(default=10000)),
            ("custom_fields_by_lua", lua_fields()),
        ]
    ),
)
