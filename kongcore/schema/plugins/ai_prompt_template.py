"""ai-prompt-template: named prompt templates that clients fill with parameters."""

from __future__ import annotations

from kongcore.schema.fields import Array, Boolean, String
from kongcore.schema.plugins.ai_prompt_decorator import max_request_body_size
from kongcore.schema.plugins.base import PluginDef, config
from kongcore.schema.record import Record

_TEMPLATE = Record([("name", String(required=True)), ("template", String(required=True))])

PLUGIN = PluginDef(
    name="ai-prompt-template",
    config=config(
        [
            ("templates", Array(_TEMPLATE, required=True)),
            ("allow_untemplated_requests", Boolean(required=True, default=True)),
            ("log_original_request", Boolean(required=True, default=False)),
            ("max_request_body_size", max_request_body_size()),
        ]
    ),
)
