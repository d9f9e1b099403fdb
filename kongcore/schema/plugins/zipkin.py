"""zipkin: trace requests and report spans to a Zipkin collector."""

from __future__ import annotations

from typing import Any

from kongcore.schema import typedefs as T
from kongcore.schema.fields import Array, Boolean, Integer, Number, String
from kongcore.schema.plugins.base import PluginDef, config
from kongcore.schema.plugins.propagation import FORMATS, propagation_record
from kongcore.schema.plugins.queue import queue_record
from kongcore.schema.record import Record

# Tags the plugin sets itself; a static tag may not overwrite them.
PROTECTED_TAGS = (
    "error",
    "http.method",
    "http.path",
    "http.status_code",
    "kong.balancer.state",
    "kong.balancer.try",
    "kong.consumer",
    "kong.credential",
    "kong.node.id",
    "kong.route",
    "kong.service",
    "lc",
    "peer.hostname",
)


def _unique_tag_names(tags: list[Any]) -> str | None:
    seen: set[str] = set()
    for tag in tags:
        name = tag.get("name") if isinstance(tag, dict) else None
        if name in seen:
            return f"repeated tags are not allowed: {name}"
        if isinstance(name, str):
            seen.add(name)
    return None


_STATIC_TAG = Record(
    [
        ("name", String(required=True, not_one_of=PROTECTED_TAGS)),
        ("value", String(required=True)),
    ]
)

PLUGIN = PluginDef(
    name="zipkin",
    protocols=T.PROTOCOLS,
    config=config(
        [
            ("local_service_name", String(required=True, default="kong")),
            ("http_endpoint", T.url()),
            ("sample_ratio", Number(default=0.001, between=(0, 1))),
            ("default_service_name", String()),
            ("include_credential", Boolean(required=True, default=True)),
            ("traceid_byte_count", Integer(required=True, default=16, one_of=(8, 16))),
            # Deprecated by `propagation` (3.7), still honoured until 4.0.
            (
                "header_type",
                String(required=True, default="preserve", one_of=("preserve", "ignore", *FORMATS)),
            ),
            ("default_header_type", String(required=True, default="b3", one_of=FORMATS)),
            ("tags_header", String(required=True, default="Zipkin-Tags")),
            ("static_tags", Array(_STATIC_TAG, validators=(_unique_tag_names,))),
            (
                "http_span_name",
                String(required=True, default="method", one_of=("method", "method_path")),
            ),
            ("connect_timeout", T.timeout(default=2000)),
            ("send_timeout", T.timeout(default=5000)),
            ("read_timeout", T.timeout(default=5000)),
            ("http_response_header_for_traceid", String()),
            (
                "phase_duration_flavor",
                String(required=True, default="annotations", one_of=("annotations", "tags")),
            ),
            ("queue", queue_record()),
            ("propagation", propagation_record("b3")),
        ]
    ),
)
