"""key-auth: authenticate consumers by an API key in a header, query or body."""

from __future__ import annotations

from kongcore.schema import typedefs as T
from kongcore.schema.fields import Array, Boolean, String
from kongcore.schema.plugins.base import PluginDef, config

PLUGIN = PluginDef(
    name="key-auth",
    no_consumer=True,
    config=config(
        [
            ("key_names", Array(T.header_name(), required=True, default=["apikey"])),
            ("hide_credentials", Boolean(required=True, default=False)),
            ("anonymous", String()),
            ("key_in_header", Boolean(required=True, default=True)),
            ("key_in_query", Boolean(required=True, default=True)),
            ("key_in_body", Boolean(required=True, default=False)),
            ("run_on_preflight", Boolean(required=True, default=True)),
            ("realm", String()),
        ]
    ),
)
