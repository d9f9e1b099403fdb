"""ldap-auth: authenticate requests against an LDAP server with Basic credentials."""

from __future__ import annotations

from kongcore.schema import checks as C
from kongcore.schema import typedefs as T
from kongcore.schema.fields import Boolean, Number, String
from kongcore.schema.plugins.base import PluginDef, config

PLUGIN = PluginDef(
    name="ldap-auth",
    no_consumer=True,
    config=config(
        [
            ("ldap_host", T.host(required=True)),
            ("ldap_port", T.port(required=True, default=389)),
            ("ldaps", Boolean(required=True, default=False)),
            ("start_tls", Boolean(required=True, default=False)),
            ("verify_ldap_host", Boolean(required=True, default=False)),
            ("base_dn", String(required=True)),
            ("attribute", String(required=True)),
            ("cache_ttl", Number(required=True, default=60)),
            ("hide_credentials", Boolean(required=True, default=False)),
            ("timeout", Number(default=10000)),
            ("keepalive", Number(default=60000)),
            ("anonymous", String()),
            ("header_type", String(default="ldap")),
            ("realm", String()),
        ],
        checks=[
            C.Conditional(
                "ldaps",
                C.eq(True),
                "start_tls",
                C.must_equal(False),
                then_err="'ldaps' and 'start_tls' cannot be enabled simultaneously",
            )
        ],
    ),
)
