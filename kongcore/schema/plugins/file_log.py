"""file-log: append request/response logs as JSON lines to a file."""

from __future__ import annotations

import re

from kongcore.schema import typedefs as T
from kongcore.schema.fields import Boolean, Map, String
from kongcore.schema.plugins.base import PluginDef, config

_FILENAME_RE = re.compile(r"^[^*&%`]+$")


def _filename(value: str) -> str | None:
    return None if _FILENAME_RE.match(value) else "not a valid filename"


def lua_fields() -> Map:
    """`custom_fields_by_lua`: log field name -> Lua snippet (stored, never run here)."""
    return Map(String(), String(len_min=1))


PLUGIN = PluginDef(
    name="file-log",
    protocols=T.PROTOCOLS,
    config=config(
        [
            ("path", String(required=True, validators=(_filename,))),
            ("reopen", Boolean(required=True, default=False)),
            ("custom_fields_by_lua", lua_fields()),
        ]
    ),
)
