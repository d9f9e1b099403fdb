"""azure-functions: invoke an Azure Function instead of proxying upstream."""

from __future__ import annotations

from kongcore.schema import typedefs as T
from kongcore.schema.fields import Boolean, Number, String
from kongcore.schema.plugins.base import PluginDef, config

PLUGIN = PluginDef(
    name="azure-functions",
    protocols=T.PROTOCOLS,
    config=config(
        [
            ("timeout", Number(default=600000)),
            ("keepalive", Number(default=60000)),
            ("https", Boolean(default=True)),
            ("https_verify", Boolean(default=False)),
            ("apikey", String()),
            ("clientid", String()),
            ("appname", String(required=True)),
            ("hostdomain", String(required=True, default="azurewebsites.net")),
            ("routeprefix", String(default="api")),
            ("functionname", String(required=True)),
        ]
    ),
)
