"""Certificates: a PEM cert/key pair, optionally with an alternative (e.g. ECDSA) pair."""

from __future__ import annotations

from typing import Any

from kongcore.schema import checks as C
from kongcore.schema import crypto
from kongcore.schema import typedefs as T
from kongcore.schema.entity import EntitySchema
from kongcore.schema.fields import String
from kongcore.schema.record import Record

SAME_TYPE = (
    "certificate and alternative certificate need to have different type "
    "(e.g. RSA and ECDSA), the provided certificates were both of the same type"
)


def _pair_matches(cert: str, key: str, message: str) -> Any:
    def check(entity: dict[str, Any]) -> str | None:
        if entity.get(cert) is None or entity.get(key) is None:
            return None
        return None if crypto.certificate_matches_key(entity[cert], entity[key]) else message

    return check


def _different_types(entity: dict[str, Any]) -> str | None:
    cert, alt = entity.get("cert"), entity.get("cert_alt")
    if cert is None or alt is None or crypto.is_reference(cert) or crypto.is_reference(alt):
        return None
    return SAME_TYPE if crypto.key_type(cert) == crypto.key_type(alt) else None


def certificate_field(**kwargs: Any) -> String:
    return String(validators=(crypto.certificate_error,), **kwargs)


def key_field(**kwargs: Any) -> String:
    return String(validators=(crypto.key_error,), **kwargs)


RECORD = Record(
    [
        ("id", T.auto_id()),
        ("created_at", T.auto_timestamp()),
        ("updated_at", T.auto_timestamp()),
        ("cert", certificate_field(required=True)),
        ("key", key_field(required=True)),
        ("cert_alt", certificate_field()),
        ("key_alt", key_field()),
        ("tags", T.tags()),
    ],
    checks=[
        C.MutuallyRequired(("cert_alt", "key_alt")),
        C.Custom(("cert", "key"), _pair_matches("cert", "key", "certificate does not match key")),
        C.Custom(
            ("cert_alt", "key_alt"),
            _pair_matches("cert_alt", "key_alt", "alternative certificate does not match key"),
        ),
        C.Custom(("cert", "cert_alt"), _different_types),
    ],
)

schema = EntitySchema("certificates", RECORD)
