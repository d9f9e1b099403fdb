"""Request body parsing, with the body size limit checked before anything is read."""

import json
import math
from collections.abc import Mapping
from typing import IO, Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


def _finite_float(text: str) -> float:
    # 1e400 parses as infinity, which no database column or JSON renderer accepts.
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text}")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class KongJSONParser(parsers.JSONParser):
    """JSON bodies; an empty body is an empty object, as Kong's Admin API treats it."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        raw = stream.read() if stream is not None else b""
        if not raw.strip():
            return {}
        try:
            return json.loads(raw, parse_float=_finite_float, parse_constant=_no_constant)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"Cannot parse JSON body: {exc}") from None
        except RecursionError:
            raise ParseError("Cannot parse JSON body: nested too deeply") from None
