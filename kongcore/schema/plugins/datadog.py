"""datadog: send request metrics to a DogStatsD agent."""

from __future__ import annotations

import re
from typing import Any

from kongcore.schema import errors as E
from kongcore.schema import typedefs as T
from kongcore.schema.fields import Array, Integer, Number, String
from kongcore.schema.plugins.base import PluginDef, config
from kongcore.schema.plugins.queue import queue_record
from kongcore.schema.plugins.statsd import CONSUMER_IDENTIFIERS, sample_rate_needed
from kongcore.schema.record import Record

STAT_NAMES = (
    "kong_latency",
    "latency",
    "request_count",
    "request_size",
    "response_size",
    "upstream_latency",
)
STAT_TYPES = ("counter", "gauge", "histogram", "meter", "set", "timer", "distribution")
_TAG_RE = re.compile(r"^.*[^:]\Z", re.S)


def _metric(name: str, stat_type: str) -> dict[str, Any]:
    sampled = {"sample_rate": 1} if stat_type == "counter" else {}
    return {
        "name": name,
        "stat_type": stat_type,
        **sampled,
        "tags": ["app:kong"],
        "consumer_identifier": "custom_id",
    }


DEFAULT_METRICS = [
    _metric("request_count", "counter"),
    *[
        _metric(name, "timer")
        for name in (
            "latency",
            "request_size",
            "response_size",
            "upstream_latency",
            "kong_latency",
        )
    ],
]


def _tag(value: str) -> str | None:
    """A tag may not end with ':' (an empty value)."""
    return None if _TAG_RE.match(value) else E.MATCH.format(value)


def _metric_record() -> Record:
    return Record(
        [
            ("name", String(required=True, one_of=STAT_NAMES)),
            ("stat_type", String(required=True, one_of=STAT_TYPES)),
            ("tags", Array(String(validators=(_tag,)))),
            ("sample_rate", Number(between=(0, 1))),
            ("consumer_identifier", String(one_of=CONSUMER_IDENTIFIERS)),
        ],
        checks=[sample_rate_needed()],
    )


PLUGIN = PluginDef(
    name="datadog",
    protocols=T.PROTOCOLS,
    config=config(
        [
            ("host", T.host(default="localhost")),
            ("port", T.port(default=8125)),
            ("prefix", String(default="kong")),
            ("service_name_tag", String(default="name")),
            ("status_tag", String(default="status")),
            ("consumer_tag", String(default="consumer")),
            # Deprecated since 3.3 (the queue replaced them); kept, unused, until 4.0.
            ("retry_count", Integer()),
            ("queue_size", Integer()),
            ("flush_timeout", Number()),
            ("queue", queue_record()),
            ("metrics", Array(_metric_record(), required=True, default=DEFAULT_METRICS)),
        ]
    ),
)
