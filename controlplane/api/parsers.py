"""Request body parsing, with the body size limit checked before anything is read."""

import json
from collections.abc import Mapping
from typing import IO, Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


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
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"Cannot parse JSON body: {exc}") from None
