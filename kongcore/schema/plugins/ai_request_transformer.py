"""ai-request-transformer: have an LLM rewrite the request body before proxying."""

from __future__ import annotations

from typing import Any

from kongcore.schema import checks as C
from kongcore.schema import typedefs as T
from kongcore.schema.fields import Boolean, Integer, String
from kongcore.schema.plugins.ai_prompt_decorator import max_request_body_size
from kongcore.schema.plugins.base import PluginDef, config
from kongcore.schema.plugins.llm import llm_record

# The transformers only talk to chat models.
TRANSFORMER_CHECKS: tuple[C.Check, ...] = (
    C.Conditional(
        "config.llm.route_type",
        C.not_one_of("llm/v1/chat"),
        "config.llm.route_type",
        C.must_equal("llm/v1/chat"),
        "'config.llm.route_type' must be 'llm/v1/chat' for AI transformer plugins",
    ),
    C.MutuallyRequired(("config.http_proxy_host", "config.http_proxy_port")),
    C.MutuallyRequired(("config.https_proxy_host", "config.https_proxy_port")),
)


def transformer_fields(*extra: tuple[str, Any]) -> list[tuple[str, Any]]:
    """Both transformers' fields; the response one adds a flag after the pattern."""
    return [
        ("prompt", String(required=True)),
        ("transformation_extract_pattern", String()),
        *extra,
        ("http_timeout", Integer(required=True, default=60000)),
        ("https_verify", Boolean(required=True, default=True)),
        ("max_request_body_size", max_request_body_size()),
        ("http_proxy_host", T.host()),
        ("http_proxy_port", T.port()),
        ("https_proxy_host", T.host()),
        ("https_proxy_port", T.port()),
        ("llm", llm_record()),
    ]


PLUGIN = PluginDef(
    name="ai-request-transformer",
    no_consumer=True,
    config=config(transformer_fields()),
    checks=TRANSFORMER_CHECKS,
)
