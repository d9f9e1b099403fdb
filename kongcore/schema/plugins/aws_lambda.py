"""aws-lambda: invoke an AWS Lambda function instead of proxying upstream."""

from __future__ import annotations

import re
from typing import Any

from kongcore.schema import checks as C
from kongcore.schema import typedefs as T
from kongcore.schema.fields import Boolean, Integer, Number, String
from kongcore.schema.plugins.base import PluginDef, config

_SCHEME_RE = re.compile(r"^([^:]+)://")


def _proxy_is_http(plugin: dict[str, Any]) -> str | None:
    """The plugin reaches AWS through a plain HTTP forward proxy only."""
    proxy_url = C.get_path(plugin, "config.proxy_url")
    if isinstance(proxy_url, str):
        scheme = _SCHEME_RE.match(proxy_url)
        if scheme and scheme.group(1) != "http":
            return "proxy_url scheme must be http"
    return None


def _flag(default: bool) -> Boolean:
    return Boolean(default=default)


PLUGIN = PluginDef(
    name="aws-lambda",
    config=config(
        [
            ("timeout", Number(required=True, default=60000)),
            ("keepalive", Number(required=True, default=60000)),
            ("aws_key", String()),
            ("aws_secret", String()),
            ("aws_assume_role_arn", String()),
            ("aws_role_session_name", String(default="kong")),
            ("aws_sts_endpoint_url", T.url()),
            ("aws_region", T.host()),
            ("function_name", String()),
            ("qualifier", String()),
            (
                "invocation_type",
                String(
                    required=True,
                    default="RequestResponse",
                    one_of=("RequestResponse", "Event", "DryRun"),
                ),
            ),
            ("log_type", String(required=True, default="Tail", one_of=("Tail", "None"))),
            ("host", T.host()),
            ("port", T.port(default=443)),
            ("disable_https", _flag(False)),
            ("unhandled_status", Integer(between=(100, 999))),
            ("forward_request_method", _flag(False)),
            ("forward_request_uri", _flag(False)),
            ("forward_request_headers", _flag(False)),
            ("forward_request_body", _flag(False)),
            ("is_proxy_integration", _flag(False)),
            ("awsgateway_compatible", _flag(False)),
            ("proxy_url", T.url()),
            ("skip_large_bodies", _flag(True)),
            ("base64_encode_body", _flag(True)),
            (
                "aws_imds_protocol_version",
                String(required=True, default="v1", one_of=("v1", "v2")),
            ),
            (
                "empty_arrays_mode",
                String(required=True, default="legacy", one_of=("legacy", "correct")),
            ),
        ]
    ),
    checks=(
        C.MutuallyRequired(("config.aws_key", "config.aws_secret")),
        C.Custom(("config.proxy_url",), _proxy_is_http),
    ),
)
