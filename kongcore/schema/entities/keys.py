"""Keys: a JWK (JSON string) or a PEM key pair, optionally in a key set."""

from __future__ import annotations

import json
from typing import Any

from kongcore.schema import checks as C
from kongcore.schema import crypto
from kongcore.schema import typedefs as T
from kongcore.schema.entity import EntitySchema
from kongcore.schema.fields import String
from kongcore.schema.record import Record


def _jwk(entity: dict[str, Any]) -> dict[str, Any] | None:
    raw = entity.get("jwk")
    if raw is None or crypto.is_reference(raw):
        return None
    try:
        jwk = json.loads(raw)
    except ValueError:
        return {"jwk": "could not parse JWK: not valid JSON"}
    if not isinstance(jwk, dict) or not isinstance(jwk.get("kty"), str):
        return {"jwk": "could not load JWK, likely not a valid key"}
    if "kid" in jwk and jwk["kid"] != entity.get("kid"):
        return {"kid": "kid in jwk.kid must be equal to keys.kid"}
    return None


def _pem(entity: dict[str, Any]) -> dict[str, Any] | None:
    pem = entity.get("pem")
    if not isinstance(pem, dict):
        return None
    errors: dict[str, Any] = {}
    if pem.get("private_key") is not None:
        message = crypto.key_error(pem["private_key"])
        if message:
            errors["pem.private_key"] = message
    if pem.get("public_key") is not None:
        message = crypto.public_key_error(pem["public_key"])
        if message:
            errors["pem.public_key"] = message
    return errors or None


_PEM = Record(
    [("private_key", String()), ("public_key", String())],
    required=False,
    checks=[C.AtLeastOneOf(("private_key", "public_key"))],
)

RECORD = Record(
    [
        ("id", T.auto_id()),
        ("set", T.foreign("key_sets", on_delete="cascade")),
        ("name", String()),
        ("kid", String(required=True)),
        ("jwk", String()),
        ("pem", _PEM),
        ("tags", T.tags()),
        ("created_at", T.auto_timestamp()),
        ("updated_at", T.auto_timestamp()),
    ],
    checks=[
        C.OnlyOneOf(("jwk", "pem")),
        C.Custom(("jwk", "kid"), _jwk),
        C.Custom(("pem",), _pem),
    ],
)

schema = EntitySchema(
    "keys",
    RECORD,
    endpoint_key="name",
    unique_fields=("name",),
    unique_together=(("set", "kid"),),
)
