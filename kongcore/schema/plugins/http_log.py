"""http-log: send request/response logs to an HTTP endpoint in batches."""

from __future__ import annotations

from kongcore.schema import typedefs as T
from kongcore.schema import validators as V
from kongcore.schema.fields import Map, Number, String
from kongcore.schema.plugins.base import PluginDef, config
from kongcore.schema.plugins.file_log import lua_fields
from kongcore.schema.plugins.queue import legacy_queue_shorthands, queue_record


def _not_host(value: str) -> str | None:
    if value.lower() == "host":
        return "cannot contain 'Host' header"
    return V.header_name(value)


PLUGIN = PluginDef(
    name="http-log",
    protocols=T.PROTOCOLS,
    config=config(
        [
            ("http_endpoint", T.url(required=True)),
            ("method", String(default="POST", one_of=("POST", "PUT", "PATCH"))),
            (
                "content_type",
                String(
                    default="application/json",
                    one_of=("application/json", "application/json; charset=utf-8"),
                ),
            ),
            ("timeout", Number(default=10000)),
            ("keepalive", Number(default=60000)),
            ("headers", Map(String(validators=(_not_host,)), String())),
            ("queue", queue_record()),
            ("custom_fields_by_lua", lua_fields()),
        ],
        shorthands=legacy_queue_shorthands(),
    ),
)
