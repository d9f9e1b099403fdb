"""ai-prompt-decorator: prepend or append fixed messages to LLM chat requests."""

from __future__ import annotations

from kongcore.schema import checks as C
from kongcore.schema.fields import Array, Integer, String
from kongcore.schema.plugins.base import PluginDef, config
from kongcore.schema.record import Record

LLM_FORMATS = ("openai", "bedrock", "gemini")


def llm_format() -> String:
    """The request/response dialect the AI plugins parse (shared by the AI plugins)."""
    return String(default="openai", one_of=LLM_FORMATS)


def max_request_body_size() -> Integer:
    return Integer(default=8 * 1024, gt=0)


def _messages() -> Array:
    message = Record(
        [
            (
                "role",
                String(required=True, default="system", one_of=("system", "assistant", "user")),
            ),
            ("content", String(required=True, len_min=1, len_max=500)),
        ],
        required=False,
    )
    return Array(message, len_max=15)


PLUGIN = PluginDef(
    name="ai-prompt-decorator",
    config=config(
        [
            (
                "prompts",
                Record([("prepend", _messages()), ("append", _messages())], required=False),
            ),
            ("max_request_body_size", max_request_body_size()),
            ("llm_format", llm_format()),
        ]
    ),
    checks=(C.AtLeastOneOf(("config.prompts.prepend", "config.prompts.append")),),
)
