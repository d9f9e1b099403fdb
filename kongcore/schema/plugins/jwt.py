"""jwt: verify HS/RS/ES-signed JSON Web Tokens against consumers' jwt_secrets."""

from __future__ import annotations

from typing import Any

from kongcore.schema import checks as C
from kongcore.schema.errors import CONTAINS
from kongcore.schema.fields import Boolean, Number, Set, String
from kongcore.schema.plugins.base import PluginDef, config


def _contains_exp(value: Any) -> str | None:
    return None if isinstance(value, list) and "exp" in value else CONTAINS.format("exp")


PLUGIN = PluginDef(
    name="jwt",
    no_consumer=True,
    config=config(
        [
            ("uri_param_names", Set(String(), default=["jwt"])),
            ("cookie_names", Set(String(), default=[])),
            ("key_claim_name", String(default="iss")),
            ("secret_is_base64", Boolean(required=True, default=False)),
            ("claims_to_verify", Set(String(one_of=("exp", "nbf")))),
            ("anonymous", String()),
            ("run_on_preflight", Boolean(required=True, default=True)),
            ("maximum_expiration", Number(default=0, between=(0, 31536000))),
            ("header_names", Set(String(), default=["authorization"])),
            ("realm", String()),
        ]
    ),
    checks=(
        C.Conditional(
            "config.maximum_expiration",
            lambda value: value > 0,
            "config.claims_to_verify",
            _contains_exp,
        ),
    ),
)
