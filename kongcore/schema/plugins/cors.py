"""cors: answer preflight requests and add CORS headers."""

from __future__ import annotations

from kongcore.schema.fields import Array, Boolean, Number, String
from kongcore.schema.plugins.base import PluginDef, config
from kongcore.schema.validators import compile_error

METHODS = ("GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS", "TRACE", "CONNECT")


def _asterisk_or_regex(value: str) -> str | None:
    if value == "*" or compile_error(value) is None:
        return None
    return f"'{value}' is not a valid regex"


PLUGIN = PluginDef(
    name="cors",
    no_consumer=True,
    config=config(
        [
            ("origins", Array(String(validators=(_asterisk_or_regex,)))),
            ("headers", Array(String())),
            ("exposed_headers", Array(String())),
            ("methods", Array(String(one_of=METHODS), default=list(METHODS))),
            ("max_age", Number()),
            ("credentials", Boolean(required=True, default=False)),
            ("private_network", Boolean(required=True, default=False)),
            ("preflight_continue", Boolean(required=True, default=False)),
            ("allow_origin_absent", Boolean(required=True, default=True)),
        ]
    ),
)
