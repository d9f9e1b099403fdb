"""request-termination: answer every request with a fixed status and body."""

from __future__ import annotations

from typing import Any

from kongcore.schema import typedefs as T
from kongcore.schema.fields import Boolean, Integer, String
from kongcore.schema.plugins.base import PluginDef, config
from kongcore.schema.record import Record


def _consistent(conf: dict[str, Any]) -> str | None:
    has_body = conf.get("content_type") is not None or conf.get("body") is not None
    if conf.get("message") is not None and has_body:
        return "message cannot be used with content_type or body"
    if conf.get("content_type") is not None and conf.get("body") is None:
        return "content_type requires a body"
    if conf.get("echo") and has_body:
        return "echo cannot be used with content_type and body"
    return None


def _config() -> Record:
    record = config(
        [
            ("status_code", Integer(required=True, default=503, between=(100, 599))),
            ("message", String()),
            ("content_type", String()),
            ("body", String()),
            ("echo", Boolean(required=True, default=False)),
            ("trigger", T.header_name()),
        ]
    )
    record.validators = (_consistent,)
    return record


PLUGIN = PluginDef(name="request-termination", config=_config())
