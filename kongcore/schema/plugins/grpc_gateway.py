"""grpc-gateway: transcode REST/JSON requests into gRPC calls."""

from __future__ import annotations

from kongcore.schema import typedefs as T
from kongcore.schema.fields import String
from kongcore.schema.plugins.base import PluginDef, config

PLUGIN = PluginDef(
    name="grpc-gateway",
    protocols=T.PROTOCOLS,
    config=config([("proto", String())]),
)
