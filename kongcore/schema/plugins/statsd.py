"""statsd: send request metrics to a StatsD server."""

from __future__ import annotations

import re
from typing import Any

from kongcore.schema import checks as C
from kongcore.schema import errors as E
from kongcore.schema import typedefs as T
from kongcore.schema.fields import Array, Boolean, Integer, Number, String
from kongcore.schema.plugins.base import PluginDef, config
from kongcore.schema.plugins.queue import queue_record
from kongcore.schema.record import Record

METRIC_NAMES = (
    "kong_latency",
    "latency",
    "request_count",
    "request_per_user",
    "request_size",
    "response_size",
    "status_count",
    "status_count_per_user",
    "unique_users",
    "upstream_latency",
    "status_count_per_workspace",
    "status_count_per_user_per_route",
    "shdict_usage",
)
STAT_TYPES = ("counter", "gauge", "histogram", "meter", "set", "timer")
CONSUMER_IDENTIFIERS = ("consumer_id", "custom_id", "username")
SERVICE_IDENTIFIERS = ("service_id", "service_name", "service_host", "service_name_or_host")
WORKSPACE_IDENTIFIERS = ("workspace_id", "workspace_name")
TAG_STYLES = ("dogstatsd", "influxdb", "librato", "signalfx")
_STATUS_RANGE_RE = re.compile(r"^[0-9]+-[0-9]+\Z")


def _metric(name: str, stat_type: str) -> dict[str, Any]:
    # Counters and gauges need a sample rate (see the record's conditional).
    sampled = {"sample_rate": 1} if stat_type in ("counter", "gauge") else {}
    return {"name": name, "stat_type": stat_type, **sampled}


DEFAULT_METRICS = [
    _metric("request_count", "counter"),
    _metric("latency", "timer"),
    _metric("request_size", "counter"),
    _metric("status_count", "counter"),
    _metric("response_size", "counter"),
    _metric("unique_users", "set"),
    _metric("request_per_user", "counter"),
    _metric("upstream_latency", "timer"),
    _metric("kong_latency", "timer"),
    _metric("status_count_per_user", "counter"),
    _metric("status_count_per_workspace", "counter"),
    _metric("status_count_per_user_per_route", "counter"),
    _metric("shdict_usage", "gauge"),
]


def sample_rate_needed() -> C.Conditional:
    """Counters and gauges are sampled, so they must say at which rate."""
    return C.Conditional("stat_type", C.one_of("counter", "gauge"), "sample_rate", C.required)


def _status_range(value: str) -> str | None:
    return None if _STATUS_RANGE_RE.match(value) else E.MATCH.format(value)


def _metric_record() -> Record:
    return Record(
        [
            ("name", String(required=True, one_of=METRIC_NAMES)),
            ("stat_type", String(required=True, one_of=STAT_TYPES)),
            ("sample_rate", Number(gt=0)),
            ("consumer_identifier", String(one_of=CONSUMER_IDENTIFIERS)),
            ("service_identifier", String(one_of=SERVICE_IDENTIFIERS)),
            ("workspace_identifier", String(one_of=WORKSPACE_IDENTIFIERS)),
        ],
        checks=[sample_rate_needed()],
    )


PLUGIN = PluginDef(
    name="statsd",
    protocols=T.PROTOCOLS,
    config=config(
        [
            ("host", T.host(default="localhost")),
            ("port", T.port(default=8125)),
            ("prefix", String(default="kong")),
            ("metrics", Array(_metric_record(), default=DEFAULT_METRICS)),
            ("allow_status_codes", Array(String(validators=(_status_range,)))),
            ("udp_packet_size", Number(default=0, between=(0, 65507))),
            ("use_tcp", Boolean(default=False)),
            ("hostname_in_prefix", Boolean(default=False)),
            (
                "consumer_identifier_default",
                String(required=True, default="custom_id", one_of=CONSUMER_IDENTIFIERS),
            ),
            (
                "service_identifier_default",
                String(required=True, default="service_name_or_host", one_of=SERVICE_IDENTIFIERS),
            ),
            (
                "workspace_identifier_default",
                String(required=True, default="workspace_id", one_of=WORKSPACE_IDENTIFIERS),
            ),
            # Deprecated since 3.3 (the queue replaced them); kept, unused, until 4.0.
            ("retry_count", Integer()),
            ("queue_size", Integer()),
            ("flush_timeout", Number()),
            ("tag_style", String(one_of=TAG_STYLES)),
            ("queue", queue_record()),
        ]
    ),
)
