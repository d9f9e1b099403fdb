"""ip-restriction: allow or deny clients by IP address or CIDR range."""

from __future__ import annotations

from kongcore.schema import checks as C
from kongcore.schema import typedefs as T
from kongcore.schema.fields import Array, Number, String
from kongcore.schema.plugins.base import PluginDef, config

PLUGIN = PluginDef(
    name="ip-restriction",
    protocols=T.PROTOCOLS,
    default_protocols=("grpc", "grpcs", "http", "https", "tcp", "tls"),
    config=config(
        [
            ("allow", Array(T.ip_or_cidr())),
            ("deny", Array(T.ip_or_cidr())),
            ("status", Number()),
            ("message", String()),
        ]
    ),
    checks=(C.AtLeastOneOf(("config.allow", "config.deny")),),
)
