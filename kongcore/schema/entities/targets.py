"""Targets: one host:port behind an upstream, with a load-balancing weight."""

from __future__ import annotations

from typing import Any

from kongcore.schema import typedefs as T
from kongcore.schema import validators as V
from kongcore.schema.entity import EntitySchema
from kongcore.schema.fields import Integer, Number, String
from kongcore.schema.record import Record

DEFAULT_PORT = 8000


def _target(value: str) -> str | None:
    if isinstance(V.parse_host(value), str):
        return f"Invalid target ('{value}'); not a valid hostname or ip address"
    return None


def normalize_target(value: str) -> str:
    """ "host[:port]" -> "host:port" with Kong's default port; IPv6 gets brackets."""
    parsed = V.parse_host(value)
    if isinstance(parsed, str):
        return value
    kind, host, port = parsed
    host = f"[{host}]" if kind == "ipv6" else host
    return f"{host}:{port if port is not None else DEFAULT_PORT}"


RECORD = Record(
    [
        ("id", T.auto_id()),
        # Kong stores target timestamps with millisecond precision.
        ("created_at", Number(timestamp=True, auto=T.auto_timestamp().auto)),
        ("updated_at", Number(timestamp=True, auto=T.auto_timestamp().auto)),
        ("upstream", T.foreign("upstreams", on_delete="cascade", required=True)),
        ("target", String(required=True, validators=(_target,))),
        ("weight", Integer(default=100, between=(0, 65535))),
        ("tags", T.tags()),
    ]
)


class TargetSchema(EntitySchema):
    def finalize(self, entity: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
        entity["target"] = normalize_target(entity["target"])
        return entity


schema = TargetSchema(
    "targets",
    RECORD,
    endpoint_key="target",
    unique_together=(("upstream", "target"),),
)
