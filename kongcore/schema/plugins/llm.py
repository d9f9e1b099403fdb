"""The `llm` record shared by ai-proxy and the AI transformers (Kong's kong.llm schema).

Kong keeps it outside the plugins' directories (kong/llm/schemas); it describes which
provider and model to call, how to authenticate, and what to log.
"""

from __future__ import annotations

from typing import Any

from kongcore.schema import checks as C
from kongcore.schema import typedefs as T
from kongcore.schema.fields import Boolean, Integer, Number, String
from kongcore.schema.record import Record

PROVIDERS = (
    "openai",
    "azure",
    "anthropic",
    "cohere",
    "mistral",
    "llama2",
    "gemini",
    "bedrock",
    "huggingface",
)
ROUTE_TYPES = ("llm/v1/chat", "llm/v1/completions", "preserve")
# Providers whose drivers cannot count tokens for a route type.
_NO_STATISTICS = {"llm/v1/completions": ("anthropic",)}


def _optional(fields: list[tuple[str, Any]], checks: tuple[C.Check, ...] = ()) -> Record:
    return Record(fields, checks=checks, required=False)


def _auth() -> Record:
    return _optional(
        [
            ("header_name", String()),
            ("header_value", String()),
            ("param_name", String()),
            ("param_value", String()),
            ("param_location", String(one_of=("query", "body"))),
            ("gcp_use_service_account", Boolean(default=False)),
            ("gcp_service_account_json", String()),
            ("aws_access_key_id", String()),
            ("aws_secret_access_key", String()),
            ("allow_override", Boolean(default=False)),
        ]
    )


def _model_options() -> Record:
    gemini = _optional(
        [("api_endpoint", String()), ("project_id", String()), ("location_id", String())],
        checks=(C.MutuallyRequired(("api_endpoint", "project_id", "location_id")),),
    )
    return _optional(
        [
            ("max_tokens", Integer(default=256)),
            ("input_cost", Number(gt=0)),
            ("output_cost", Number(gt=0)),
            ("temperature", Number(between=(0, 5))),
            ("top_p", Number(between=(0, 1))),
            ("top_k", Integer(between=(0, 500))),
            ("anthropic_version", String()),
            ("azure_instance", String()),
            ("azure_api_version", String(default="2023-05-15")),
            ("azure_deployment_id", String()),
            ("llama2_format", String(one_of=("raw", "openai", "ollama"))),
            ("mistral_format", String(one_of=("openai", "ollama"))),
            ("upstream_url", T.url()),
            ("upstream_path", String()),
            ("gemini", gemini),
            ("bedrock", _optional([("aws_region", String())])),
            (
                "huggingface",
                _optional([("use_cache", Boolean()), ("wait_for_model", Boolean())]),
            ),
        ]
    )


def _provider_needs(providers: tuple[str, ...], option: str, why: str) -> C.Check:
    """A provider that cannot work without one model option (Kong's message names it)."""
    return C.ConditionalAtLeastOneOf(
        "model.provider",
        C.one_of(*providers),
        (f"model.options.{option}",),
        then_err=f"must set {{}} for {why}",
    )


def _statistics_supported(llm: dict[str, Any]) -> str | None:
    logging, model = llm.get("logging") or {}, llm.get("model") or {}
    provider, route_type = model.get("provider"), llm.get("route_type")
    if logging.get("log_statistics") and provider in _NO_STATISTICS.get(route_type or "", ()):
        return f"{provider} does not support statistics when route_type is {route_type}"
    return None


LLM_CHECKS: tuple[C.Check, ...] = (
    C.Conditional(
        "model.provider",
        C.one_of("bedrock", "gemini"),
        "auth.allow_override",
        C.must_equal(False),
        then_err="bedrock and gemini only support auth.allow_override = false",
    ),
    C.MutuallyRequired(("auth.header_name", "auth.header_value")),
    C.MutuallyRequired(("auth.param_name", "auth.param_value", "auth.param_location")),
    _provider_needs(("llama2",), "llama2_format", "llama2 provider"),
    _provider_needs(("mistral",), "mistral_format", "mistral provider"),
    _provider_needs(("anthropic",), "anthropic_version", "anthropic provider"),
    _provider_needs(("azure",), "azure_instance", "azure provider"),
    _provider_needs(("azure",), "azure_api_version", "azure provider"),
    _provider_needs(("azure",), "azure_deployment_id", "azure provider"),
    _provider_needs(("llama2",), "upstream_url", "self-hosted providers/models"),
    C.Custom(("route_type", "model", "logging"), _statistics_supported),
)


def llm_fields() -> list[tuple[str, Any]]:
    """The record's fields; ai-proxy appends its own after them."""
    model = Record(
        [
            ("provider", String(required=True, one_of=PROVIDERS)),
            ("name", String()),
            ("options", _model_options()),
        ]
    )
    logging = Record(
        [
            ("log_statistics", Boolean(required=True, default=False)),
            ("log_payloads", Boolean(required=True, default=False)),
        ]
    )
    return [
        ("route_type", String(required=True, one_of=ROUTE_TYPES)),
        ("auth", _auth()),
        ("model", model),
        ("logging", logging),
    ]


def llm_record() -> Record:
    return Record(llm_fields(), checks=LLM_CHECKS)
