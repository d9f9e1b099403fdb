"""bot-detection: block requests whose User-Agent looks like a bot."""

from __future__ import annotations

from kongcore.schema.fields import Array, String
from kongcore.schema.plugins.base import PluginDef, config
from kongcore.schema.validators import compile_error


def _regex(value: str) -> str | None:
    return f"not a valid regex: {value}" if compile_error(value) else None


def _patterns() -> Array:
    return Array(String(validators=(_regex,)), default=[])


PLUGIN = PluginDef(
    name="bot-detection",
    no_consumer=True,
    config=config([("allow", _patterns()), ("deny", _patterns())]),
)
