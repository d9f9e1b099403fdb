"""response-transformer: add, append, rename, replace or remove headers and JSON keys."""

from __future__ import annotations

from kongcore.schema.fields import Array, String
from kongcore.schema.plugins.base import PluginDef, config
from kongcore.schema.plugins.transformer import colon_pairs, section, strings
from kongcore.schema.record import Record


def _json_types() -> Array:
    return Array(String(one_of=("boolean", "number", "string")), required=True, default=[])


def _writes() -> Record:
    return section(
        ("json", colon_pairs()), ("json_types", _json_types()), ("headers", colon_pairs())
    )


PLUGIN = PluginDef(
    name="response-transformer",
    config=config(
        [
            ("remove", section(("json", strings()), ("headers", strings()))),
            ("rename", section(("headers", colon_pairs()), ("json", colon_pairs()))),
            ("replace", _writes()),
            ("add", _writes()),
            ("append", _writes()),
        ]
    ),
)
