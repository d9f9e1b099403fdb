"""YAML as decK reads it, fast enough for a 30 MB file.

decK reads YAML 1.1 (go-yaml) and converts it to JSON: map keys become strings, dates stay
strings, ``yes``/``no`` are booleans. PyYAML's libyaml parser produces events quickly, but
composing them into a node graph and constructing values in Python costs several times the
parse; here values are built straight from the event stream instead. Plain scalars that can
only be strings skip the resolver, and repeated ones hit a cache. An alias shares its anchor's
value rather than copying it; what aliases add to the file is bounded (``limits``).
"""

import math
from collections.abc import Callable
from typing import Any

import yaml

from controlplane.declarative.limits import EXPANSION_ALLOWANCE, EXPANSION_FACTOR, expansion_bound

_Parser: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TAG = "tag:yaml.org,2002:"
# First characters of plain scalars YAML 1.1 may read as something other than a string.
_MAYBE_TYPED = frozenset("yYnNtTfFoO-+0123456789.<~=")
# However large the file, no more values than this in all, aliases written out.
MAX_EXPANDED_VALUES = 20_000_000


class YAMLProblem(Exception):
    """The YAML cannot be read as a decK file; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


class AliasBomb(YAMLProblem):
    """The file's aliases expand it past the bound; ``line`` is where it was crossed."""


class _Loader(_Parser):
    """The libyaml event parser with YAML 1.1's implicit types, minus timestamps."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.resolved: dict[str, str] = {}

    def plain_tag(self, value: str) -> str:
        if not value:
            return _TAG + "null"
        if value[0] not in _MAYBE_TYPED:
            return _TAG + "str"
        tag = self.resolved.get(value)
        if tag is None:
            tag = self.resolve(yaml.ScalarNode, value, (True, False))
            if len(self.resolved) < 100_000:
                self.resolved[value] = tag
        return str(tag)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TAG + "timestamp"]
    for first, resolvers in _Parser.yaml_implicit_resolvers.items()
}


def load_yaml(text: str) -> Any:
    """The one YAML document in ``text`` as JSON-shaped values; raises YAMLProblem."""
    loader = _Loader(text)
    try:
        return _Builder(loader).document()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise YAMLProblem(str(exc.problem), line, column) from None
    except yaml.YAMLError as exc:
        raise YAMLProblem(str(exc)) from None
    finally:
        loader.dispose()


class _Builder:
    """Values from events. Anchored values are built once and shared by their aliases."""

    def __init__(self, loader: _Loader) -> None:
        self.loader = loader
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.expanded = 0  # values in the document with every alias written out
        self.written = 0  # values the file writes itself

    def document(self) -> Any:
        self.loader.get_event()  # stream start
        if self.loader.check_event(yaml.StreamEndEvent):
            return None
        self.loader.get_event()  # document start
        value = self.value(self.loader.get_event())
        self.loader.get_event()  # document end
        if not self.loader.check_event(yaml.StreamEndEvent):
            event = self.loader.peek_event()
            mark = event.start_mark
            raise YAMLProblem("a decK file holds one YAML document", mark.line + 1, mark.column + 1)
        return value

    def value(self, event: Any) -> Any:
        if isinstance(event, yaml.AliasEvent):
            return self._alias(event)
        before = self.expanded
        if isinstance(event, yaml.ScalarEvent):
            value = self._scalar(event)
        elif isinstance(event, yaml.SequenceStartEvent):
            value = self._sequence()
        else:
            value = self._mapping()
        self.written += 1
        self.expanded += 1
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, self.expanded - before)
        return value

    def _alias(self, event: Any) -> Any:
        known = self.anchors.get(event.anchor)
        if known is None:
            mark = event.start_mark
            raise YAMLProblem(f"unknown alias '{event.anchor}'", mark.line + 1, mark.column + 1)
        self.expanded += known[1]
        self._check_expansion(event)
        return known[0]

    def _sequence(self) -> list[Any]:
        items = []
        while not self.loader.check_event(yaml.SequenceEndEvent):
            items.append(self.value(self.loader.get_event()))
        self.loader.get_event()
        return items

    def _mapping(self) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        merged: list[dict[str, Any]] = []
        while not self.loader.check_event(yaml.MappingEndEvent):
            key_event = self.loader.get_event()
            if _is_merge(key_event):
                merged.extend(_merge_sources(self.value(self.loader.get_event()), key_event))
                continue
            key = self.value(key_event)
            mapping[key if isinstance(key, str) else _key_text(key)] = self.value(
                self.loader.get_event()
            )
        self.loader.get_event()
        return _merge(merged, mapping) if merged else mapping

    def _scalar(self, event: Any) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            if not event.implicit[0]:
                return event.value  # quoted: always a string
            tag = self.loader.plain_tag(event.value)
        convert = _CONVERT.get(tag)
        if convert is None:
            mark = event.start_mark
            raise YAMLProblem(f"unsupported YAML tag {tag}", mark.line + 1, mark.column + 1)
        return convert(event.value)

    def _check_expansion(self, event: Any) -> None:
        """Refuse at the alias that takes the expansion past the bound, naming it.

        The bound counts what was written before the alias, not the whole file: checking as
        we go keeps the work bounded too (merge keys copy what they merge).
        """
        added = self.expanded - self.written
        if added <= expansion_bound(self.written) and self.expanded <= MAX_EXPANDED_VALUES:
            return
        mark = event.start_mark
        raise AliasBomb(
            f"alias '{event.anchor}' brings the file to {self.expanded:,} values from the "
            f"{self.written:,} it writes; aliases may add at most {EXPANSION_FACTOR} times the "
            f"values a file writes, or {EXPANSION_ALLOWANCE:,} values, whichever is more",
            mark.line + 1,
            mark.column + 1,
        )


def _is_merge(event: Any) -> bool:
    return (
        isinstance(event, yaml.ScalarEvent)
        and event.value == "<<"
        and (event.tag == _TAG + "merge" or (event.tag is None and event.implicit[0]))
    )


def _merge_sources(value: Any, event: Any) -> list[dict[str, Any]]:
    sources = value if isinstance(value, list) else [value]
    if not all(isinstance(source, dict) for source in sources):
        mark = event.start_mark
        raise YAMLProblem("a merge key (<<) needs a map or a list of maps", mark.line + 1)
    return sources


def _merge(sources: list[dict[str, Any]], own: dict[str, Any]) -> dict[str, Any]:
    """YAML's merge: the map's own keys win, then earlier sources over later ones."""
    result: dict[str, Any] = {}
    for source in sources:
        for key, value in source.items():
            result.setdefault(key, value)
    result.update(own)
    return result


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return "null" if key is None else str(key)


def _to_bool(value: str) -> bool:
    return value.lower() in ("yes", "true", "on", "y")


def _to_int(value: str) -> int:
    text = value.replace("_", "")
    sign = -1 if text.startswith("-") else 1
    text = text.lstrip("+-")
    if text.startswith("0b"):
        return sign * int(text[2:], 2)
    if text.startswith("0x"):
        return sign * int(text[2:], 16)
    if ":" in text:
        return sign * _sexagesimal(text, int)
    if len(text) > 1 and text.startswith("0"):
        return sign * int(text, 8)  # YAML 1.1 octal
    return sign * int(text)


def _to_float(value: str) -> float:
    text = value.replace("_", "").lower()
    sign = -1.0 if text.startswith("-") else 1.0
    text = text.lstrip("+-")
    if text == ".inf":
        return sign * math.inf
    if text == ".nan":
        return math.nan
    if ":" in text:
        return sign * _sexagesimal(text, float)
    return sign * float(text)


def _sexagesimal(text: str, kind: Callable[[str], Any]) -> Any:
    total = kind("0")
    for part in text.split(":"):
        total = total * 60 + kind(part)
    return total


_CONVERT: dict[str, Callable[[str], Any]] = {
    _TAG + "str": str,
    _TAG + "null": lambda value: None,
    _TAG + "bool": _to_bool,
    _TAG + "int": _to_int,
    _TAG + "float": _to_float,
    _TAG + "value": str,
}
