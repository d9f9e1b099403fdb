"""JWT credentials: the key (iss claim) and secret or public key a consumer signs with."""

from __future__ import annotations

from typing import Any

from kongcore.schema import checks as C
from kongcore.schema import crypto
from kongcore.schema import typedefs as T
from kongcore.schema.entities.credentials import owner, random_secret
from kongcore.schema.entity import EntitySchema
from kongcore.schema.fields import String
from kongcore.schema.record import Record

ALGORITHMS = (
    "HS256", "HS384", "HS512",
    "RS256", "RS384", "RS512",
    "ES256", "ES384", "ES512",
    "PS256", "PS384", "PS512",
    "EdDSA",
)  # fmt: skip
ASYMMETRIC = tuple(a for a in ALGORITHMS if not a.startswith("HS"))


def _public_key(entity: dict[str, Any]) -> dict[str, Any] | None:
    key = entity.get("rsa_public_key")
    if key is None or crypto.public_key_error(key) is None:
        return None
    return {"rsa_public_key": "invalid key"}


RECORD = Record(
    [
        ("id", T.auto_id()),
        ("created_at", T.auto_timestamp()),
        ("consumer", owner()),
        ("key", String(required=True, auto=random_secret)),
        ("secret", String(auto=random_secret)),
        ("rsa_public_key", String()),
        ("algorithm", String(default="HS256", one_of=ALGORITHMS)),
        ("tags", T.tags()),
    ],
    checks=[
        C.Conditional("algorithm", C.one_of(*ASYMMETRIC), "rsa_public_key", C.required),
        C.Custom(("rsa_public_key",), _public_key),
    ],
)

schema = EntitySchema("jwt_secrets", RECORD, endpoint_key="key", unique_fields=("key",))
