"""proxy-cache: cache upstream responses in shared memory."""

from __future__ import annotations

from kongcore.schema import typedefs as T
from kongcore.schema.fields import Array, Boolean, Integer, String
from kongcore.schema.plugins.base import PluginDef, config
from kongcore.schema.record import Record

METHODS = ("HEAD", "GET", "POST", "PATCH", "PUT")


def _response_headers() -> Record:
    flags = ("age", "X-Cache-Status", "X-Cache-Key")
    return Record([(flag, Boolean(required=True, default=True)) for flag in flags])


PLUGIN = PluginDef(
    name="proxy-cache",
    protocols=T.PROTOCOLS,
    config=config(
        [
            (
                "response_code",
                Array(
                    Integer(between=(100, 900)), default=[200, 301, 404], len_min=1, required=True
                ),
            ),
            (
                "request_method",
                Array(String(one_of=METHODS), default=["GET", "HEAD"], required=True),
            ),
            (
                "content_type",
                Array(String(), default=["text/plain", "application/json"], required=True),
            ),
            ("cache_ttl", Integer(default=300, gt=0)),
            ("strategy", String(one_of=("memory",), required=True)),
            ("cache_control", Boolean(default=False, required=True)),
            ("ignore_uri_case", Boolean(default=False)),
            ("storage_ttl", Integer()),
            (
                "memory",
                Record([("dictionary_name", String(required=True, default="kong_db_cache"))]),
            ),
            ("vary_query_params", Array(String())),
            ("vary_headers", Array(String())),
            ("response_headers", _response_headers()),
        ]
    ),
)
