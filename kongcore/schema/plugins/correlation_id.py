"""correlation-id: tag each request with a unique id header."""

from __future__ import annotations

from kongcore.schema.fields import Boolean, String
from kongcore.schema.plugins.base import PluginDef, config

PLUGIN = PluginDef(
    name="correlation-id",
    config=config(
        [
            ("header_name", String(default="Kong-Request-ID")),
            (
                "generator",
                String(
                    default="uuid#counter",
                    required=True,
                    one_of=("uuid", "uuid#counter", "tracker"),
                ),
            ),
            ("echo_downstream", Boolean(required=True, default=False)),
        ]
    ),
)
