"""request-transformer: add, append, rename, replace or remove parts of the request."""

from __future__ import annotations

from kongcore.schema import typedefs as T
from kongcore.schema.fields import String
from kongcore.schema.plugins.base import PluginDef, config
from kongcore.schema.plugins.transformer import colon_pairs, section, strings

_TARGETS = ("body", "headers", "querystring")


PLUGIN = PluginDef(
    name="request-transformer",
    protocols=T.PROTOCOLS,
    config=config(
        [
            ("http_method", T.http_method()),
            ("remove", section(*[(t, strings()) for t in _TARGETS])),
            ("rename", section(*[(t, colon_pairs()) for t in _TARGETS])),
            ("replace", section(*[(t, colon_pairs()) for t in _TARGETS], ("uri", String()))),
            ("add", section(*[(t, colon_pairs()) for t in _TARGETS])),
            ("append", section(*[(t, colon_pairs()) for t in _TARGETS])),
        ]
    ),
)
