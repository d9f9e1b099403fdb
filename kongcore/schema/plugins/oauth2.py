"""oauth2: an OAuth 2.0 authorization server with its four grant flows."""

from __future__ import annotations

import uuid
from typing import Any

from kongcore.schema import checks as C
from kongcore.schema.fields import Array, Boolean, Number, String
from kongcore.schema.plugins.base import PluginDef, config
from kongcore.schema.record import Record

FLOWS = (
    "enable_authorization_code",
    "enable_implicit_grant",
    "enable_client_credentials",
    "enable_password_grant",
)


def _some_flow_enabled(conf: dict[str, Any]) -> str | None:
    if any(conf.get(flow) for flow in FLOWS):
        return None
    return f"at least one of these fields must be true: {', '.join(FLOWS)}"


def _provision_key() -> str:
    # Kong generates the key when absent, like an id (typedefs `auto` strings).
    return uuid.uuid4().hex


def _flag() -> Boolean:
    return Boolean(required=True, default=False)


def _config() -> Record:
    record = config(
        [
            ("scopes", Array(String())),
            ("mandatory_scope", _flag()),
            ("provision_key", String(required=True, auto=_provision_key)),
            ("token_expiration", Number(required=True, default=7200)),
            *[(flow, _flag()) for flow in FLOWS],
            ("hide_credentials", _flag()),
            ("accept_http_if_already_terminated", _flag()),
            ("anonymous", String()),
            ("global_credentials", _flag()),
            ("auth_header_name", String(default="authorization")),
            # typedefs.ttl: seconds, at most about three years.
            ("refresh_token_ttl", Number(required=True, default=1209600, between=(0, 100000000))),
            ("reuse_refresh_token", _flag()),
            ("pkce", String(default="lax", one_of=("none", "lax", "strict"))),
            ("realm", String()),
        ],
        checks=[C.Conditional("mandatory_scope", C.eq(True), "scopes", C.required)],
    )
    record.validators = (_some_flow_enabled,)
    return record


PLUGIN = PluginDef(name="oauth2", no_consumer=True, config=_config())
