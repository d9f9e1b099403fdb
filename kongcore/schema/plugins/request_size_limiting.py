"""request-size-limiting: refuse request bodies above a size."""

from __future__ import annotations

from kongcore.schema.fields import Boolean, Integer, String
from kongcore.schema.plugins.base import PluginDef, config

PLUGIN = PluginDef(
    name="request-size-limiting",
    config=config(
        [
            ("allowed_payload_size", Integer(default=128)),
            (
                "size_unit",
                String(
                    required=True, default="megabytes", one_of=("megabytes", "kilobytes", "bytes")
                ),
            ),
            ("require_content_length", Boolean(required=True, default=False)),
        ]
    ),
)
