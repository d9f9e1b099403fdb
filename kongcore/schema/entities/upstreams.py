"""Upstreams: a load-balanced virtual host made of targets."""

from __future__ import annotations

from kongcore.schema import checks as C
from kongcore.schema import typedefs as T
from kongcore.schema import validators as V
from kongcore.schema.entities.healthchecks import healthchecks
from kongcore.schema.entity import EntitySchema
from kongcore.schema.fields import Boolean, Integer, String
from kongcore.schema.record import Record

HASH_ON = ("none", "consumer", "ip", "header", "cookie", "path", "query_arg", "uri_capture")
ALGORITHMS = (
    "consistent-hashing",
    "least-connections",
    "round-robin",
    "latency",
    "sticky-sessions",
)


def _upstream_name(value: str) -> str | None:
    parsed = V.parse_host(value)
    if isinstance(parsed, str):
        return f"Invalid name ('{value}'); must be a valid hostname"
    if parsed[0] != "name":
        return f"Invalid name ('{value}'); no ip addresses allowed"
    if parsed[2] is not None:
        return f"Invalid name ('{value}'); no port allowed"
    return None


def _requires(if_field: str, value: str, then_field: str) -> C.Conditional:
    return C.Conditional(if_field, C.eq(value), then_field, C.required)


def _fallback_one_of(hash_on: str, *allowed: str) -> C.Conditional:
    def check(value: object) -> str | None:
        return None if value in allowed else f"expected one of: {', '.join(allowed)}"

    return C.Conditional("hash_on", C.eq(hash_on), "hash_fallback", check)


def _fallback_not(hash_on: str) -> C.Conditional:
    return _fallback_one_of(hash_on, *[h for h in HASH_ON if h != hash_on])


_CHECKS: list[C.Check] = [
    _requires("hash_on", "header", "hash_on_header"),
    _requires("hash_fallback", "header", "hash_fallback_header"),
    _requires("hash_on", "cookie", "hash_on_cookie"),
    _requires("hash_fallback", "cookie", "hash_on_cookie"),
    _requires("hash_on", "query_arg", "hash_on_query_arg"),
    _requires("hash_fallback", "query_arg", "hash_fallback_query_arg"),
    _requires("hash_on", "uri_capture", "hash_on_uri_capture"),
    _requires("hash_fallback", "uri_capture", "hash_fallback_uri_capture"),
    _fallback_one_of("none", "none"),
    _fallback_one_of("cookie", "none"),
    _fallback_not("consumer"),
    _fallback_not("ip"),
    _fallback_not("path"),
    C.Distinct(("hash_on_header", "hash_fallback_header")),
    C.Distinct(("hash_on_query_arg", "hash_fallback_query_arg")),
    C.Distinct(("hash_on_uri_capture", "hash_fallback_uri_capture")),
]

RECORD = Record(
    [
        ("id", T.auto_id()),
        ("created_at", T.auto_timestamp()),
        ("updated_at", T.auto_timestamp()),
        ("name", String(required=True, validators=(_upstream_name,))),
        ("algorithm", String(default="round-robin", one_of=ALGORITHMS)),
        ("hash_on", String(default="none", one_of=HASH_ON)),
        ("hash_fallback", String(default="none", one_of=HASH_ON)),
        ("hash_on_header", T.header_name()),
        ("hash_fallback_header", T.header_name()),
        ("hash_on_cookie", String()),
        ("hash_on_cookie_path", T.path(default="/")),
        ("hash_on_query_arg", String()),
        ("hash_fallback_query_arg", String()),
        ("hash_on_uri_capture", String()),
        ("hash_fallback_uri_capture", String()),
        ("slots", Integer(default=10000, between=(10, 2**16))),
        ("healthchecks", healthchecks()),
        ("tags", T.tags()),
        ("host_header", T.host()),
        ("client_certificate", T.foreign("certificates")),
        ("use_srv_name", Boolean(default=False)),
    ],
    checks=_CHECKS,
)

schema = EntitySchema("upstreams", RECORD, endpoint_key="name", unique_fields=("name",))
