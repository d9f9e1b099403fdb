"""redirect: answer every request with a redirect to a fixed location."""

from __future__ import annotations

from kongcore.schema import typedefs as T
from kongcore.schema.fields import Boolean, Integer
from kongcore.schema.plugins.base import PluginDef, config

PLUGIN = PluginDef(
    name="redirect",
    config=config(
        [
            ("status_code", Integer(required=True, default=301, between=(100, 599))),
            ("location", T.url(required=True)),
            ("keep_incoming_path", Boolean(default=False)),
        ]
    ),
)
