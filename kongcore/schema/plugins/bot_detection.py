"""bot-detection: block requests whose User-Agent looks like a bot."""

from __future__ import annotations

import re

from kongcore.schema.fields import Array, String
from kongcore.schema.plugins.base import PluginDef, config


def _regex(value: str) -> str | None:
    try:
        re.compile(value)
    except re.error:
        return f"not a valid regex: {value}"
    return None


def _patterns() -> Array:
    return Array(String(validators=(_regex,)), default=[])


PLUGIN = PluginDef(
    name="bot-detection",
    no_consumer=True,
    config=config([("allow", _patterns()), ("deny", _patterns())]),
)
