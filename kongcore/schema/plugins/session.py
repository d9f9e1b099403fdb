"""session: cookie-based sessions for authenticated consumers."""

from __future__ import annotations

import base64
import secrets
from typing import Any

from kongcore.schema import typedefs as T
from kongcore.schema.fields import Boolean, Number, Set, String
from kongcore.schema.plugins.base import PluginDef, config
from kongcore.schema.record import Shorthand

HEADERS = (
    "id",
    "audience",
    "subject",
    "timeout",
    "idling-timeout",
    "rolling-timeout",
    "absolute-timeout",
)


def _random_secret() -> str:
    """32 random bytes in base64, with the non-alphanumeric characters swapped out.

    Kong draws its default once per node; here each plugin gets its own, so that every
    gateway of a control plane signs that plugin's cookies with the same secret.
    """
    text = base64.b64encode(secrets.token_bytes(32)).decode()
    swaps = {
        "/": "0123456789",
        "+": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "=": "abcdefghijklmnopqrstuvwxyz",
    }
    return "".join(secrets.choice(swaps[c]) if c in swaps else c for c in text)


def _rename(target: str, when_null: Any = None) -> Shorthand:
    def expand(value: Any) -> dict[str, Any]:
        return {target: when_null if value is None else value}

    return expand


def _same_site(value: Any) -> dict[str, Any]:
    return {"cookie_same_site": "Lax" if value == "off" else value}


# Options renamed by the 3.0 rewrite of the plugin, still accepted on input.
SHORTHANDS: dict[str, Shorthand] = {
    "cookie_lifetime": _rename("rolling_timeout"),
    "cookie_idletime": _rename("idling_timeout", when_null=0),
    "cookie_renew": lambda value: {},
    "cookie_discard": _rename("stale_ttl"),
    "cookie_samesite": _same_site,
    "cookie_httponly": _rename("cookie_http_only"),
    "cookie_persistent": _rename("remember"),
}


def _headers() -> Set:
    return Set(String(one_of=HEADERS))


PLUGIN = PluginDef(
    name="session",
    protocols=T.PROTOCOLS,
    no_consumer=True,
    config=config(
        [
            ("secret", String(auto=_random_secret)),
            ("storage", String(default="cookie", one_of=("cookie", "kong"))),
            ("audience", String(default="default")),
            ("idling_timeout", Number(default=900)),
            ("rolling_timeout", Number(default=3600)),
            ("absolute_timeout", Number(default=86400)),
            ("stale_ttl", Number(default=10)),
            ("cookie_name", String(default="session")),
            ("cookie_path", String(default="/")),
            ("cookie_domain", String()),
            (
                "cookie_same_site",
                String(default="Strict", one_of=("Strict", "Lax", "None", "Default")),
            ),
            ("cookie_http_only", Boolean(default=True)),
            ("cookie_secure", Boolean(default=True)),
            ("remember", Boolean(default=False)),
            ("remember_cookie_name", String(default="remember")),
            ("remember_rolling_timeout", Number(default=604800)),
            ("remember_absolute_timeout", Number(default=2592000)),
            ("response_headers", _headers()),
            ("request_headers", _headers()),
            ("read_body_for_logout", Boolean(default=False)),
            (
                "logout_methods",
                Set(String(one_of=("GET", "POST", "DELETE")), default=["POST", "DELETE"]),
            ),
            ("logout_query_arg", String(default="session_logout")),
            ("logout_post_arg", String(default="session_logout")),
            ("hash_subject", Boolean(default=False)),
            ("store_metadata", Boolean(default=False)),
        ],
        shorthands=SHORTHANDS,
    ),
)
