"""ai-proxy: turn a route into a proxy to an LLM provider, translating the formats."""

from __future__ import annotations

from kongcore.schema import checks as C
from kongcore.schema.fields import Boolean, String
from kongcore.schema.plugins.ai_prompt_decorator import llm_format, max_request_body_size
from kongcore.schema.plugins.base import PluginDef, config
from kongcore.schema.plugins.llm import LLM_CHECKS, llm_fields


def _native_format(llm_format: str, check: C.ThenCheck, field: str, err: str) -> C.Conditional:
    return C.Conditional("config.llm_format", C.eq(llm_format), f"config.{field}", check, err)


PLUGIN = PluginDef(
    name="ai-proxy",
    config=config(
        [
            *llm_fields(),
            (
                "response_streaming",
                String(default="allow", one_of=("allow", "deny", "always")),
            ),
            ("max_request_body_size", max_request_body_size()),
            ("model_name_header", Boolean(default=True)),
            ("llm_format", llm_format()),
        ],
        checks=LLM_CHECKS,
    ),
    checks=(
        C.Conditional(
            "config.llm_format",
            C.one_of("bedrock", "gemini"),
            "config.route_type",
            C.must_equal("llm/v1/chat"),
            "native provider options in llm_format can only be used with the "
            "'llm/v1/chat' route_type",
        ),
        _native_format(
            "bedrock",
            C.must_equal("bedrock"),
            "model.provider",
            "native llm_format 'bedrock' can only be used with the 'bedrock' model.provider",
        ),
        _native_format(
            "gemini",
            C.must_equal("gemini"),
            "model.provider",
            "native llm_format 'gemini' can only be used with the 'gemini' model.provider",
        ),
    ),
)
