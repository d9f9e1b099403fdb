"""opentelemetry: export traces and logs over OTLP/HTTP."""

from __future__ import annotations

from typing import Any

from kongcore.schema import checks as C
from kongcore.schema import typedefs as T
from kongcore.schema.fields import Integer, Map, Number, String
from kongcore.schema.plugins.base import PluginDef, config
from kongcore.schema.plugins.propagation import propagation_record
from kongcore.schema.plugins.queue import queue_record

# The same names as zipkin's, in the order this plugin's schema lists them.
HEADER_TYPES = (
    "preserve",
    "ignore",
    "b3",
    "b3-single",
    "w3c",
    "jaeger",
    "ot",
    "aws",
    "gcp",
    "datadog",
    "instana",
)


def _endpoint(value: Any) -> dict[str, Any]:
    """`endpoint` (before 3.7) named what is now `traces_endpoint`."""
    return {"traces_endpoint": value}


def _queue() -> Any:
    queue = queue_record()
    queue.default = {"max_batch_size": 200}
    return queue


PLUGIN = PluginDef(
    name="opentelemetry",
    config=config(
        [
            ("traces_endpoint", T.url()),
            ("logs_endpoint", T.url()),
            ("headers", Map(T.header_name(), String())),
            ("resource_attributes", Map(String(), String())),
            ("queue", _queue()),
            # Deprecated by `queue` (3.3); kept, unused, until 4.0.
            ("batch_span_count", Integer()),
            ("batch_flush_delay", Integer()),
            ("connect_timeout", T.timeout(default=1000)),
            ("send_timeout", T.timeout(default=5000)),
            ("read_timeout", T.timeout(default=5000)),
            ("http_response_header_for_traceid", String()),
            ("header_type", String(default="preserve", one_of=HEADER_TYPES)),
            ("sampling_rate", Number(between=(0, 1))),
            ("propagation", propagation_record("w3c")),
        ],
        checks=[C.AtLeastOneOf(("traces_endpoint", "logs_endpoint"))],
        shorthands={"endpoint": _endpoint},
    ),
)
