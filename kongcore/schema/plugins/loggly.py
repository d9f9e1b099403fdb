"""loggly: send request/response logs to Loggly over UDP."""

from __future__ import annotations

from kongcore.schema import typedefs as T
from kongcore.schema.fields import Number, Set, String
from kongcore.schema.plugins.base import PluginDef, config
from kongcore.schema.plugins.file_log import lua_fields
from kongcore.schema.plugins.syslog import SEVERITIES, SEVERITY_FIELDS

PLUGIN = PluginDef(
    name="loggly",
    protocols=T.PROTOCOLS,
    config=config(
        [
            ("host", T.host(default="logs-01.loggly.com")),
            ("port", T.port(default=514)),
            ("key", String(required=True)),
            ("tags", Set(String(), default=["kong"])),
            # Unlike syslog's, loggly's severities are optional.
            *[(name, String(default="info", one_of=SEVERITIES)) for name in SEVERITY_FIELDS],
            ("timeout", Number(default=10000)),
            ("custom_fields_by_lua", lua_fields()),
        ]
    ),
)
