"""acme: obtain and renew certificates from an ACME CA such as Let's Encrypt."""

from __future__ import annotations

import re
from typing import Any

from kongcore.schema import checks as C
from kongcore.schema import typedefs as T
from kongcore.schema import validators as V
from kongcore.schema.fields import Array, Boolean, Integer, Number, String
from kongcore.schema.plugins.base import PluginDef, config
from kongcore.schema.plugins.redis import redis_record
from kongcore.schema.record import Record, Shorthand

LETSENCRYPT = (
    "https://acme-v02.api.letsencrypt.org",
    "https://acme-staging-v02.api.letsencrypt.org",
)
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+$")


def _email(value: str) -> str | None:
    return None if _EMAIL_RE.match(value) else f"invalid value: {value}"


# Key prefixes the plugin itself writes into Redis; a namespace may not start with one.
RESERVED_PREFIXES = ("kong_acme:renew_config:", "kong_acme:renew_last_run", "kong_acme:cert_key:")


def _namespace(value: str) -> str | None:
    for prefix in RESERVED_PREFIXES:
        if value and value.startswith(prefix):
            return f"namespace can't be prefixed with reserved word: {prefix}"
    return None


def _moved(path: tuple[str, ...]) -> Shorthand:
    def expand(value: Any) -> dict[str, Any]:
        tree: dict[str, Any] = {path[-1]: value}
        for key in reversed(path[:-1]):
            tree = {key: tree}
        return tree

    return expand


def _redis_store() -> Record:
    """The shared redis record plus `extra_options`, and the pre-3.6 key names."""
    base = redis_record()
    extra = Record(
        [("namespace", String(required=True, default="", len_min=0, validators=(_namespace,)))]
    )
    # scan_count moves to a field OSS's extra_options lacks, so Kong refuses it as
    # unknown there; kept as Kong has it.
    legacy = {
        "auth": _moved(("password",)),
        "ssl_server_name": _moved(("server_name",)),
        "namespace": _moved(("extra_options", "namespace")),
        "scan_count": _moved(("extra_options", "scan_count")),
    }
    return Record([*base.fields, ("extra_options", extra)], shorthands=legacy)


def _remote_store(*extra: tuple[str, Any]) -> Record:
    return Record(
        [
            ("host", T.host()),
            ("port", T.port()),
            ("kv_path", String()),
            ("timeout", Number(default=2000)),
            ("https", Boolean(default=False)),
            ("token", String()),
            *extra,
        ]
    )


def _storage_config() -> Record:
    vault = _remote_store(
        ("tls_verify", Boolean(default=True)),
        ("tls_server_name", String()),
        ("auth_method", String(default="token", one_of=("token", "kubernetes"))),
        ("auth_path", String()),
        ("auth_role", String()),
        ("jwt_path", String()),
    )
    return Record(
        [
            ("shm", Record([("shm_name", String(default="kong"))])),
            ("kong", Record([])),
            ("redis", _redis_store()),
            ("consul", _remote_store()),
            ("vault", vault),
        ]
    )


def _account_key() -> Record:
    return Record([("key_id", String(required=True)), ("key_set", String())], required=False)


PLUGIN = PluginDef(
    name="acme",
    no_consumer=True,
    no_route=True,
    no_service=True,
    config=config(
        [
            ("account_email", String(required=True, validators=(_email,))),
            ("account_key", _account_key()),
            ("api_uri", T.url(default="https://acme-v02.api.letsencrypt.org/directory")),
            ("tos_accepted", Boolean(default=False)),
            ("eab_kid", String()),
            ("eab_hmac_key", String()),
            ("cert_type", String(default="rsa", one_of=("rsa", "ecc"))),
            ("rsa_key_size", Integer(default=4096, one_of=(2048, 3072, 4096))),
            ("renew_threshold_days", Number(default=14)),
            ("domains", Array(String(validators=(V.route_host,)))),
            ("allow_any_domain", Boolean(default=False)),
            ("fail_backoff_minutes", Number(default=5)),
            ("storage", String(default="shm", one_of=("kong", "shm", "redis", "consul", "vault"))),
            ("storage_config", _storage_config()),
            ("preferred_chain", String()),
            ("enable_ipv4_common_name", Boolean(default=True)),
        ]
    ),
    checks=(
        C.Conditional(
            "config.api_uri",
            C.one_of(*LETSENCRYPT),
            "config.tos_accepted",
            lambda value: None if value is True else "value must be true",
            then_err="terms of service must be accepted, see https://letsencrypt.org/repository/",
        ),
    ),
)
