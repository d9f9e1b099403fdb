"""Turning a decK file (YAML or JSON text, or an already-parsed object) into a document.

YAML is read the way decK reads it (YAML 1.1 via go-yaml, then JSON): map keys become
strings and dates stay strings, so a value means the same thing whichever format it came in.
decK's ``${{ env "DECK_..." }}`` templates are rendered by decK on the operator's machine; the
server cannot know those variables, so a file that still holds one is refused, naming where.
"""

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import yaml

from controlplane.declarative.errors import InvalidDeclarativeConfig, Problem, Problems

ENV_TEMPLATE = re.compile(r"\$\{\{\s*env\s+\"([^\"]*)\"\s*\}\}")
_PLACEHOLDER = "__konnectlite_env_template_{}__"
_PLACEHOLDER_RE = re.compile(r"__konnectlite_env_template_(\d+)__")

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
# First characters of plain scalars that YAML 1.1 might read as something other than a
# string (bool, int, float, null, merge, value); every other plain scalar is a string.
_MAYBE_TYPED = frozenset("yYnNtTfFoO-+0123456789.<~=")
# A file whose aliases expand to more nodes than this is refused ("billion laughs").
MAX_EXPANDED_NODES = 20_000_000


class DeckYAMLLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Safe YAML 1.1 with string map keys and no timestamp type, as decK sees YAML.

    Resolving and constructing are PyYAML's slow, pure-Python half; a 30 MB file spends most
    of its time there. Plain scalars that cannot be anything but strings skip the resolver,
    repeated ones hit a cache, and ``build`` turns nodes into values without the generic
    constructor's bookkeeping.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._resolved: dict[str, str] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not yaml.ScalarNode or not implicit[0]:
            return super().resolve(kind, value, implicit)
        if not value:
            return _NULL
        if value[0] not in _MAYBE_TYPED:
            return _STR
        tag = self._resolved.get(value)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(self._resolved) < 100_000:
                self._resolved[value] = tag
        return tag


DeckYAMLLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


class _Builder:
    """Nodes to JSON-shaped values; aliased collections are built once and shared."""

    def __init__(self, loader: DeckYAMLLoader) -> None:
        self.loader = loader
        self.built: dict[int, tuple[Any, int]] = {}
        self.expanded = 0

    def build(self, node: Any) -> Any:
        if isinstance(node, yaml.ScalarNode):
            self.expanded += 1
            return node.value if node.tag == _STR else self.loader.construct_object(node)
        known = self.built.get(id(node))
        if known is not None:
            self._spend(known[1])
            return known[0]
        before = self.expanded
        value = self._collection(node)
        self.built[id(node)] = (value, self.expanded - before)
        self._spend(1)
        return value

    def _collection(self, node: Any) -> Any:
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item) for item in node.value]
        if any(key.tag == "tag:yaml.org,2002:merge" for key, _ in node.value):
            self.loader.flatten_mapping(node)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.build(key_node)
            mapping[key if isinstance(key, str) else _key_text(key)] = self.build(value_node)
        return mapping

    def _spend(self, nodes: int) -> None:
        self.expanded += nodes
        if self.expanded > MAX_EXPANDED_NODES:
            raise _unreadable("the file's YAML aliases expand to too much data")


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return "null" if key is None else str(key)


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
        raise _unreadable(f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})")


def _parse(text: str) -> dict[str, Any]:
    if not text.strip():
        raise _unreadable("the file is empty")
    document: Any
    if text.lstrip().startswith("{"):
        try:
            document = json.loads(text)
        except ValueError as exc:
            raise _unreadable(f"could not parse JSON: {exc}") from None
    else:
        document = _parse_yaml(text)
    if not isinstance(document, dict):
        raise _unreadable("expected a map of entity collections at the top of the file")
    return document


def _parse_yaml(text: str) -> Any:
    loader = DeckYAMLLoader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _Builder(loader).build(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise _unreadable(f"could not parse YAML{where}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise _unreadable(f"could not parse YAML: {exc}") from None
    finally:
        loader.dispose()


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
