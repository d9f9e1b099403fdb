"""tcp-log: send request/response logs to a TCP server, optionally over TLS."""

from __future__ import annotations

from kongcore.schema import typedefs as T
from kongcore.schema.fields import Boolean, Number, String
from kongcore.schema.plugins.base import PluginDef, config
from kongcore.schema.plugins.file_log import lua_fields

PLUGIN = PluginDef(
    name="tcp-log",
    protocols=T.PROTOCOLS,
    config=config(
        [
            ("host", T.host(required=True)),
            ("port", T.port(required=True)),
            ("timeout", Number(default=10000)),
            ("keepalive", Number(default=60000)),
            ("tls", Boolean(required=True, default=False)),
            ("tls_sni", String()),
            ("custom_fields_by_lua", lua_fields()),
        ]
    ),
)
