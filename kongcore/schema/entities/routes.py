"""Routes: matching rules (traditional router flavour) that point at a service."""

from __future__ import annotations

from typing import Any

from kongcore.schema import checks as C
from kongcore.schema import typedefs as T
from kongcore.schema import validators as V
from kongcore.schema.entity import EntitySchema
from kongcore.schema.errors import quoted_list
from kongcore.schema.fields import Array, Boolean, Integer, Set, String
from kongcore.schema.record import Record

_SUBSETS = (
    ("http", "https"),
    ("tcp", "tls", "udp"),
    ("tls_passthrough",),
    ("grpc", "grpcs"),
    ("ws", "wss"),
)
_SNI_PROTOCOLS = ("grpcs", "https", "tls", "tls_passthrough", "wss")
_STREAM = ("tcp", "tls", "tls_passthrough", "udp")


def _exclusive_subsets(protocols: list[str]) -> str | None:
    touched = [s for s in _SUBSETS if any(p in s for p in protocols)]
    if len(touched) <= 1:
        return None
    rendered = ", ".join(f"({quoted_list(s)})" for s in touched)
    return f"these sets are mutually exclusive: {rendered}"


def _no_host_header(name: str) -> str | None:
    if name.lower() == "host":
        return "cannot contain 'host' header, which must be specified in the 'hosts' attribute"
    return V.header_name(name)


def _forbidden(entity: dict[str, Any], fields: tuple[str, ...], when: str) -> dict[str, Any]:
    # Kong's per-protocol subschemas replace these fields with "must be null" + custom err.
    return {
        f: f"cannot set '{f}' when 'protocols' is {when}"
        for f in fields
        if entity.get(f) is not None
    }


def _subschema_fields(entity: dict[str, Any]) -> dict[str, Any] | None:
    """Field-level restrictions of the subschema picked by the first protocol."""
    protocols = entity.get("protocols") or []
    first = protocols[0] if protocols else None
    if first in ("http", "https"):
        errors = _forbidden(entity, ("sources", "destinations"), "'http' or 'https'")
    elif first in _STREAM:
        when = "'tcp', 'tls', 'tls_passthrough' or 'udp'"
        errors = _forbidden(entity, ("methods", "hosts", "paths", "headers"), when)
    elif first in ("grpc", "grpcs"):
        errors = _forbidden(entity, ("methods", "sources", "destinations"), "'grpc' or 'grpcs'")
        if entity.get("strip_path") is True:
            errors["strip_path"] = "cannot set 'strip_path' when 'protocols' is 'grpc' or 'grpcs'"
    else:
        errors = {}
    return errors or None


_HTTP_FIELDS = ("methods", "hosts", "headers", "paths")
_CHECKS: list[C.Check] = [
    C.Conditional(
        "protocols",
        C.all_in("http", "grpc", "tcp", "udp", "ws"),
        "snis",
        C.must_be_empty,
        then_err="'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls', "
        "'tls_passthrough', or 'wss'",
    ),
    C.Custom(("protocols",), _subschema_fields),
    C.ConditionalAtLeastOneOf(
        "protocols",
        C.contains("https"),
        (*_HTTP_FIELDS, "snis"),
        "must set one of {} when 'protocols' is 'https'",
        C.contains("http"),
        _HTTP_FIELDS,
        "must set one of {} when 'protocols' is 'http'",
    ),
    C.ConditionalAtLeastOneOf(
        "protocols",
        C.contains("grpcs"),
        ("hosts", "headers", "paths", "snis"),
        "must set one of {} when 'protocols' is 'grpcs'",
        C.contains("grpc"),
        ("hosts", "headers", "paths"),
        "must set one of {} when 'protocols' is 'grpc'",
    ),
    C.ConditionalAtLeastOneOf(
        "protocols",
        lambda p: any(x in ("tcp", "tls", "udp") for x in p),
        ("sources", "destinations", "snis"),
        "must set one of {} when 'protocols' is 'tcp', 'tls' or 'udp'",
    ),
    C.ConditionalAtLeastOneOf(
        "protocols",
        C.contains("tls_passthrough"),
        ("snis",),
        "must set snis when 'protocols' is 'tls_passthrough'",
    ),
]

RECORD = Record(
    [
        ("id", T.auto_id()),
        ("created_at", T.auto_timestamp()),
        ("updated_at", T.auto_timestamp()),
        ("name", T.utf8_name()),
        (
            "protocols",
            Set(
                T.protocol(),
                len_min=1,
                required=True,
                default=["http", "https"],
                validators=(_exclusive_subsets,),
            ),
        ),
        ("methods", Set(T.http_method())),
        ("hosts", Array(String(validators=(V.route_host,)))),
        ("paths", Array(String(validators=(V.router_path,)))),
        ("headers", T.headers_map(String(validators=(_no_host_header,)))),
        (
            "https_redirect_status_code",
            Integer(one_of=(426, 301, 302, 307, 308), default=426, required=True),
        ),
        ("regex_priority", Integer(default=0)),
        ("strip_path", Boolean(required=True, default=True)),
        ("path_handling", String(default="v0", one_of=("v0", "v1"))),
        ("preserve_host", Boolean(required=True, default=False)),
        ("request_buffering", Boolean(required=True, default=True)),
        ("response_buffering", Boolean(required=True, default=True)),
        ("snis", Set(T.sni())),
        ("sources", T.ip_port_set()),
        ("destinations", T.ip_port_set()),
        ("tags", T.tags()),
        ("service", T.foreign("services")),
    ],
    checks=_CHECKS,
)


class RouteSchema(EntitySchema):
    def prepare(self, data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
        # The gRPC subschema defaults strip_path to false (true is refused there).
        protocols = data.get("protocols")
        grpc = isinstance(protocols, list) and protocols[:1] in (["grpc"], ["grpcs"])
        if existing is None and grpc and "strip_path" not in data:
            data["strip_path"] = False
        return data


schema = RouteSchema("routes", RECORD, endpoint_key="name", unique_fields=("name",))
