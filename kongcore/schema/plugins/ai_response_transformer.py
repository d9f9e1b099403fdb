"""ai-response-transformer: have an LLM rewrite the upstream's response."""

from __future__ import annotations

from kongcore.schema.fields import Boolean
from kongcore.schema.plugins.ai_request_transformer import TRANSFORMER_CHECKS, transformer_fields
from kongcore.schema.plugins.base import PluginDef, config

PLUGIN = PluginDef(
    name="ai-response-transformer",
    config=config(
        transformer_fields(
            ("parse_llm_response_json_instructions", Boolean(required=True, default=False))
        )
    ),
    checks=TRANSFORMER_CHECKS,
)
