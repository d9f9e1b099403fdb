"""The upstream `healthchecks` record with Kong's full default tree."""

from __future__ import annotations

from kongcore.schema import typedefs as T
from kongcore.schema.fields import Array, Boolean, Integer, Number, String
from kongcore.schema.record import Record

ACTIVE_HEALTHY = [200, 302]
ACTIVE_UNHEALTHY = [429, 404, 500, 501, 502, 503, 504, 505]
PASSIVE_HEALTHY = [200, 201, 202, 203, 204, 205, 206, 207, 208, 226] + list(range(300, 309))
PASSIVE_UNHEALTHY = [429, 500, 503]


def _statuses(default: list[int]) -> Array:
    return Array(Integer(between=(100, 999)), default=default)


def _seconds(default: float) -> Number:
    return Number(between=(0, 65535), default=default)


def _counter() -> Integer:
    return Integer(between=(0, 255), default=0)


def _healthy(statuses: list[int], interval: bool) -> Record:
    fields = [("interval", _seconds(0))] if interval else []
    return Record([*fields, ("http_statuses", _statuses(statuses)), ("successes", _counter())])


def _unhealthy(statuses: list[int], interval: bool) -> Record:
    fields = [("interval", _seconds(0))] if interval else []
    return Record(
        [
            *fields,
            ("http_statuses", _statuses(statuses)),
            ("tcp_failures", _counter()),
            ("timeouts", _counter()),
            ("http_failures", _counter()),
        ]
    )


def _check_type() -> String:
    return String(one_of=("tcp", "http", "https", "grpc", "grpcs"), default="http")


def healthchecks() -> Record:
    active = Record(
        [
            ("type", _check_type()),
            ("timeout", _seconds(1)),
            ("concurrency", Integer(between=(1, 2**31), default=10)),
            ("http_path", T.path(default="/")),
            ("https_sni", T.sni()),
            ("https_verify_certificate", Boolean(default=True)),
            ("headers", T.headers_map(String())),
            ("healthy", _healthy(ACTIVE_HEALTHY, interval=True)),
            ("unhealthy", _unhealthy(ACTIVE_UNHEALTHY, interval=True)),
        ]
    )
    passive = Record(
        [
            ("type", _check_type()),
            ("healthy", _healthy(PASSIVE_HEALTHY, interval=False)),
            ("unhealthy", _unhealthy(PASSIVE_UNHEALTHY, interval=False)),
        ]
    )
    threshold = Number(between=(0, 100), default=0)
    return Record([("active", active), ("passive", passive), ("threshold", threshold)])
