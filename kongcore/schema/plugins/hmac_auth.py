"""hmac-auth: authenticate consumers by HMAC request signatures."""

from __future__ import annotations

from kongcore.schema.fields import Array, Boolean, Number, String
from kongcore.schema.plugins.base import PluginDef, config

ALGORITHMS = ("hmac-sha1", "hmac-sha256", "hmac-sha384", "hmac-sha512")

PLUGIN = PluginDef(
    name="hmac-auth",
    no_consumer=True,
    config=config(
        [
            ("hide_credentials", Boolean(required=True, default=False)),
            ("clock_skew", Number(default=300, gt=0)),
            ("anonymous", String()),
            ("validate_request_body", Boolean(required=True, default=False)),
            ("enforce_headers", Array(String(), default=[])),
            ("algorithms", Array(String(one_of=ALGORITHMS), default=list(ALGORITHMS))),
            ("realm", String()),
        ]
    ),
)
