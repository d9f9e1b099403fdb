"""The `redis` sub-record shared by rate-limiting style plugins (Kong 3.6+ layout)."""

from __future__ import annotations

from typing import Any

from kongcore.schema import typedefs as T
from kongcore.schema.fields import Boolean, Integer, String
from kongcore.schema.record import Record, Shorthand

_LEGACY = (
    "host",
    "port",
    "password",
    "username",
    "ssl",
    "ssl_verify",
    "server_name",
    "timeout",
    "database",
)


def redis_record() -> Record:
    return Record(
        [
            ("host", T.host()),
            ("port", T.port(default=6379)),
            ("timeout", T.timeout(default=2000)),
            ("username", String()),
            ("password", String(len_min=0)),
            ("database", Integer(default=0)),
            ("ssl", Boolean(default=False)),
            ("ssl_verify", Boolean(default=False)),
            ("server_name", T.sni()),
        ]
    )


def _into_redis(key: str) -> Shorthand:
    def expand(value: Any) -> dict[str, Any]:
        return {"redis": {key: value}}

    return expand


def redis_shorthands() -> dict[str, Shorthand]:
    """Pre-3.6 flat `redis_host`-style keys, still accepted on input, never output."""
    return {f"redis_{key}": _into_redis(key) for key in _LEGACY}
