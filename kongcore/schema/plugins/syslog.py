"""syslog: write request/response logs to the gateway host's syslog."""

from __future__ import annotations

from kongcore.schema import typedefs as T
from kongcore.schema.fields import String
from kongcore.schema.plugins.base import PluginDef, config
from kongcore.schema.plugins.file_log import lua_fields

SEVERITIES = ("debug", "info", "notice", "warning", "err", "crit", "alert", "emerg")
FACILITIES = (
    "auth",
    "authpriv",
    "cron",
    "daemon",
    "ftp",
    "kern",
    "lpr",
    "mail",
    "news",
    "syslog",
    "user",
    "uucp",
    *(f"local{n}" for n in range(8)),
)
SEVERITY_FIELDS = (
    "log_level",
    "successful_severity",
    "client_errors_severity",
    "server_errors_severity",
)

PLUGIN = PluginDef(
    name="syslog",
    protocols=T.PROTOCOLS,
    config=config(
        [
            *[
                (name, String(required=True, default="info", one_of=SEVERITIES))
                for name in SEVERITY_FIELDS
            ],
            ("custom_fields_by_lua", lua_fields()),
            ("facility", String(required=True, default="user", one_of=FACILITIES)),
        ]
    ),
)
