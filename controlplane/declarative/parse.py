"""Turning a decK file (YAML or JSON text, or an already-parsed object) into a document.

YAML is read the way decK reads it (``deck_yaml``), so a value means the same thing whichever
format it came in.
decK's ``${{ env "DECK_..." }}`` templates are rendered by decK on the operator's machine; the
server cannot know those variables, so a file that still holds one is refused, naming where.
"""

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from controlplane.declarative.deck_yaml import AliasBomb, YAMLProblem, load_yaml
from controlplane.declarative.errors import InvalidDeclarativeConfig, Problem, Problems

ENV_TEMPLATE = re.compile(r"\$\{\{\s*env\s+\"([^\"]*)\"\s*\}\}")
_PLACEHOLDER = "__konnectlite_env_template_{}__"
_PLACEHOLDER_RE = re.compile(r"__konnectlite_env_template_(\d+)__")
TOO_DEEP = "the file nests values too deeply"


def load_document(source: str | bytes | Mapping[str, Any]) -> dict[str, Any]:
    """The file as a JSON-shaped dict; raises InvalidDeclarativeConfig when it cannot be read."""
    if isinstance(source, Mapping):
        return dict(source)
    text = _as_text(source)
    text, templates = _mask_templates(text)
    document = _parse(text)
    if templates:
        _refuse_templates(document, templates)
    return document


def _as_text(source: str | bytes) -> str:
    if isinstance(source, str):
        return source.lstrip("\ufeff")
    try:
        return source.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise _unreadable(
            f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None


def _parse(text: str) -> dict[str, Any]:
    if not text.strip():
        raise _unreadable("the file is empty")
    document: Any
    try:
        document = _parse_json(text) if text.lstrip().startswith("{") else _parse_yaml(text)
    except RecursionError:
        raise _unreadable(TOO_DEEP) from None
    if not isinstance(document, dict):
        raise _unreadable("expected a map of entity collections at the top of the file")
    return document


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise _unreadable(f"could not parse JSON: {exc}") from None


def _parse_yaml(text: str) -> Any:
    try:
        return load_yaml(text)
    except AliasBomb as exc:
        # Valid YAML, refused for its size: "could not parse" would send the reader astray.
        where = f"at line {exc.line}, column {exc.column}"
        raise _unreadable(f"YAML aliases expand the file too much {where}: {exc.message}") from None
    except YAMLProblem as exc:
        where = f" at line {exc.line}, column {exc.column}" if exc.line is not None else ""
        raise _unreadable(f"could not parse YAML{where}: {exc.message}") from None


def unreadable(message: str) -> InvalidDeclarativeConfig:
    """The error for a file that cannot be read at all."""
    return _unreadable(message)


def _unreadable(message: str) -> InvalidDeclarativeConfig:
    return InvalidDeclarativeConfig([Problem("file", None, message)])


def _mask_templates(text: str) -> tuple[str, list[str]]:
    """Replace each template by a plain placeholder so the file parses, and remember them."""
    templates: list[str] = []

    def mask(match: re.Match[str]) -> str:
        templates.append(match.group(0))
        return _PLACEHOLDER.format(len(templates) - 1)

    return ENV_TEMPLATE.sub(mask, text), templates


def _refuse_templates(document: dict[str, Any], templates: list[str]) -> None:
    problems = Problems()
    for path, index in _placeholders(document, ""):
        problems.add(
            Problem(
                path,
                None,
                f"holds decK's environment template {templates[index]}, which only decK can "
                "render: run `deck file render` on the file first",
            )
        )
    problems.check()


def _placeholders(value: Any, path: str) -> Iterator[tuple[str, int]]:
    if isinstance(value, str):
        for match in _PLACEHOLDER_RE.finditer(value):
            yield path, int(match.group(1))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _placeholders(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _placeholders(item, f"{path}[{index}]")
