"""Services: the upstream API a route proxies to."""

from __future__ import annotations

from typing import Any

from kongcore.schema import checks as C
from kongcore.schema import typedefs as T
from kongcore.schema.entity import EntitySchema
from kongcore.schema.errors import STRING, SchemaViolation
from kongcore.schema.fields import Array, Boolean, Integer
from kongcore.schema.record import Record
from kongcore.schema.urls import service_url_fields

_TLS_PROTOCOLS = ("https", "tls", "grpcs", "wss")
_NO_PATH_PROTOCOLS = ("tcp", "tls", "tls_passthrough", "udp", "grpc", "grpcs")


def _nonzero_timeout() -> Integer:
    return Integer(between=(1, T.MAX_TIMEOUT), default=60000)


def _tls_only(field: str) -> C.Conditional:
    return C.Conditional("protocol", C.not_one_of(*_TLS_PROTOCOLS), field, C.must_be_null)


RECORD = Record(
    [
        ("id", T.auto_id()),
        ("created_at", T.auto_timestamp()),
        ("updated_at", T.auto_timestamp()),
        ("name", T.utf8_name()),
        ("retries", Integer(default=5, between=(0, 32767))),
        ("protocol", T.protocol(required=True, default="http")),
        ("host", T.host(required=True)),
        ("port", T.port(required=True, default=80)),
        ("path", T.path()),
        ("connect_timeout", _nonzero_timeout()),
        ("write_timeout", _nonzero_timeout()),
        ("read_timeout", _nonzero_timeout()),
        ("tags", T.tags()),
        ("client_certificate", T.foreign("certificates")),
        ("tls_verify", Boolean()),
        ("tls_verify_depth", Integer(between=(0, 64))),
        ("ca_certificates", Array(T.uuid())),
        ("enabled", Boolean(required=True, default=True)),
    ],
    checks=[
        C.Conditional("protocol", C.one_of(*_NO_PATH_PROTOCOLS), "path", C.must_be_null),
        _tls_only("client_certificate"),
        _tls_only("tls_verify"),
        _tls_only("tls_verify_depth"),
        _tls_only("ca_certificates"),
    ],
)


class ServiceSchema(EntitySchema):
    def prepare(self, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
        # `url` is sugar for protocol/host/port/path and is never stored.
        if "url" not in data:
            return data
        url = data.pop("url")
        if not isinstance(url, str):
            raise SchemaViolation({"url": STRING})
        data.update(service_url_fields(url))
        return data


schema = ServiceSchema("services", RECORD, endpoint_key="name", unique_fields=("name",))
