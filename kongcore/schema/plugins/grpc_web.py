"""grpc-web: let browsers call gRPC services over gRPC-Web."""

from __future__ import annotations

from kongcore.schema import typedefs as T
from kongcore.schema.fields import Boolean, String
from kongcore.schema.plugins.base import PluginDef, config

PLUGIN = PluginDef(
    name="grpc-web",
    protocols=T.PROTOCOLS,
    config=config(
        [
            ("proto", String()),
            ("pass_stripped_path", Boolean()),
            ("allow_origin_header", String(default="*")),
        ]
    ),
)
