"""basic-auth: authenticate consumers with HTTP Basic credentials."""

from __future__ import annotations

from kongcore.schema.fields import Boolean, String
from kongcore.schema.plugins.base import PluginDef, config

PLUGIN = PluginDef(
    name="basic-auth",
    no_consumer=True,
    config=config(
        [
            ("anonymous", String()),
            ("hide_credentials", Boolean(required=True, default=False)),
            ("realm", String(required=True, default="service")),
        ]
    ),
)
