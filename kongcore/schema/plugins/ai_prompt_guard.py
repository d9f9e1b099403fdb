"""ai-prompt-guard: allow or deny LLM chat requests by regex over their messages."""

from __future__ import annotations

from kongcore.schema import checks as C
from kongcore.schema.fields import Array, Boolean, String
from kongcore.schema.plugins.ai_prompt_decorator import llm_format, max_request_body_size
from kongcore.schema.plugins.base import PluginDef, config


def _patterns() -> Array:
    return Array(String(len_min=1, len_max=500), len_max=10)


PLUGIN = PluginDef(
    name="ai-prompt-guard",
    config=config(
        [
            ("allow_patterns", _patterns()),
            ("deny_patterns", _patterns()),
            ("allow_all_conversation_history", Boolean(required=True, default=False)),
            ("max_request_body_size", max_request_body_size()),
            ("match_all_roles", Boolean(required=True, default=False)),
            ("llm_format", llm_format()),
        ]
    ),
    checks=(
        C.AtLeastOneOf(("config.allow_patterns", "config.deny_patterns")),
        C.Conditional(
            "config.match_all_roles",
            C.eq(True),
            "config.allow_all_conversation_history",
            C.must_equal(False),
        ),
    ),
)
