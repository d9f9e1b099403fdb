"""Ready-made field definitions shared by entities and plugins (Kong's typedefs)."""

from __future__ import annotations

import time
import uuid as _uuid
from typing import Any

from kongcore.schema import validators as V
from kongcore.schema.checks import AtLeastOneOf
from kongcore.schema.fields import Array, Field, Integer, Map, Set, String
from kongcore.schema.record import Foreign, Record

PROTOCOLS = (
    "grpc",
    "grpcs",
    "http",
    "https",
    "tcp",
    "tls",
    "tls_passthrough",
    "udp",
    "ws",
    "wss",
)
HTTP_PROTOCOLS = ("grpc", "grpcs", "http", "https")
MAX_TIMEOUT = 2**31 - 2


def _now() -> int:
    return int(time.time())


def _new_id() -> str:
    return str(_uuid.uuid4())


def uuid(**kwargs: Any) -> String:
    return String(uuid=True, **kwargs)


def auto_id() -> String:
    return String(uuid=True, auto=_new_id)


def auto_timestamp() -> Integer:
    return Integer(timestamp=True, auto=_now)


def name(**kwargs: Any) -> String:
    return String(validators=(V.name,), **kwargs)


def utf8_name(**kwargs: Any) -> String:
    return String(validators=(V.utf8_name,), **kwargs)


def tags() -> Set:
    return Set(String(validators=(V.tag,)))


def protocol(**kwargs: Any) -> String:
    return String(one_of=PROTOCOLS, **kwargs)


def protocols(
    allowed: tuple[str, ...] = PROTOCOLS, default: tuple[str, ...] = HTTP_PROTOCOLS
) -> Set:
    """A plugin's `protocols`: required, defaulting to the HTTP family."""
    return Set(String(one_of=allowed), required=True, default=list(default))


def _upper_word(value: str) -> str | None:
    return None if value.isalpha() and value.isupper() else f"invalid value: {value}"


def http_method(**kwargs: Any) -> String:
    return String(validators=(_upper_word,), **kwargs)


def host(**kwargs: Any) -> String:
    return String(validators=(V.host,), **kwargs)


def port(**kwargs: Any) -> Integer:
    return Integer(between=(0, 65535), **kwargs)


def path(**kwargs: Any) -> String:
    return String(starts_with="/", validators=(V.path,), **kwargs)


def timeout(**kwargs: Any) -> Integer:
    return Integer(between=(0, MAX_TIMEOUT), **kwargs)


def header_name(**kwargs: Any) -> String:
    return String(validators=(V.header_name,), **kwargs)


def ip_or_cidr(**kwargs: Any) -> String:
    return String(validators=(V.ip_or_cidr,), **kwargs)


def sni(**kwargs: Any) -> String:
    return String(validators=(V.sni,), **kwargs)


def url(**kwargs: Any) -> String:
    from kongcore.schema.urls import validate_url

    return String(validators=(validate_url,), **kwargs)


def headers_map(keys: Field | None = None) -> Map:
    return Map(keys or header_name(), Array(String()))


def ip_port_set() -> Set:
    """Route `sources` / `destinations`: records of ip and/or port."""
    record = Record(
        [("ip", ip_or_cidr()), ("port", port())],
        checks=[AtLeastOneOf(("ip", "port"))],
    )
    return Set(record)


def foreign(reference: str, on_delete: str = "restrict", **kwargs: Any) -> Foreign:
    return Foreign(reference, on_delete=on_delete, **kwargs)
