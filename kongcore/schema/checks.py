"""Kong's entity checks: cross-field rules run after every field was validated.

Field names may be dotted ("config.redis.host") because plugin checks reach into config.
Errors land in the same tree as field errors: under the field, or in "@entity".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from kongcore.schema import errors as E

Predicate = Callable[[Any], bool]
# Returns None when the value satisfies the rule, else the field's error.
ThenCheck = Callable[[Any], str | None]


class Check(Protocol):
    def run(self, entity: dict[str, Any], errors: dict[str, Any]) -> None: ...


def get_path(tree: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(tree, dict):
            return None
        tree = tree.get(part)
    return tree


def set_path(errors: dict[str, Any], path: str, message: Any) -> None:
    *parents, leaf = path.split(".")
    node = errors
    for part in parents:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            return  # the parent already failed as a whole; keep that error
        node = child
    node.setdefault(leaf, message)


def add_entity_error(errors: dict[str, Any], message: str) -> None:
    errors.setdefault(E.ENTITY, []).append(message)


def is_nonempty(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def _has_errors(errors: dict[str, Any], names: tuple[str, ...]) -> bool:
    return any(_error_at(errors, name) for name in names)


def _error_at(errors: dict[str, Any], path: str) -> bool:
    """True if `path` or one of its parents already failed."""
    node: Any = errors
    for part in path.split("."):
        node = node.get(part)
        if node is None:
            return False
        if not isinstance(node, dict):
            return True
    return True


@dataclass(frozen=True)
class AtLeastOneOf:
    fields: tuple[str, ...]

    def run(self, entity: dict[str, Any], errors: dict[str, Any]) -> None:
        if not any(is_nonempty(get_path(entity, f)) for f in self.fields):
            add_entity_error(errors, E.AT_LEAST_ONE_OF.format(E.quoted_list(self.fields)))


@dataclass(frozen=True)
class OnlyOneOf:
    """Exactly one of the fields is set (Kong's `only_one_of`)."""

    fields: tuple[str, ...]

    def run(self, entity: dict[str, Any], errors: dict[str, Any]) -> None:
        count = sum(is_nonempty(get_path(entity, f)) for f in self.fields)
        if count != 1:
            add_entity_error(errors, E.ONLY_ONE_OF.format(E.quoted_list(self.fields)))


@dataclass(frozen=True)
class MutuallyRequired:
    fields: tuple[str, ...]

    def run(self, entity: dict[str, Any], errors: dict[str, Any]) -> None:
        count = sum(is_nonempty(get_path(entity, f)) for f in self.fields)
        if 0 < count < len(self.fields):
            add_entity_error(errors, E.MUTUALLY_REQUIRED.format(E.quoted_list(self.fields)))


@dataclass(frozen=True)
class MutuallyExclusive:
    fields: tuple[str, ...]

    def run(self, entity: dict[str, Any], errors: dict[str, Any]) -> None:
        if sum(is_nonempty(get_path(entity, f)) for f in self.fields) > 1:
            add_entity_error(errors, E.MUTUALLY_EXCLUSIVE.format(E.quoted_list(self.fields)))


@dataclass(frozen=True)
class Distinct:
    fields: tuple[str, ...]

    def run(self, entity: dict[str, Any], errors: dict[str, Any]) -> None:
        values = [get_path(entity, f) for f in self.fields]
        present = [repr(v) for v in values if is_nonempty(v)]
        if len(present) != len(set(present)):
            add_entity_error(errors, E.DISTINCT.format(E.quoted_list(self.fields)))


@dataclass(frozen=True)
class Conditional:
    """If `if_field` matches, `then_field` must pass `then_check` (Kong's `conditional`)."""

    if_field: str
    if_match: Predicate
    then_field: str
    then_check: ThenCheck
    then_err: str | None = None

    def run(self, entity: dict[str, Any], errors: dict[str, Any]) -> None:
        if _has_errors(errors, (self.if_field, self.then_field)):
            return
        if_value = get_path(entity, self.if_field)
        if if_value is None or not self.if_match(if_value):
            return
        message = self.then_check(get_path(entity, self.then_field))
        if message is None:
            return
        set_path(errors, self.then_field, message)
        entity_message = self.then_err or E.CONDITIONAL.format(self.if_field)
        add_entity_error(errors, entity_message.replace("%s", self.if_field))


@dataclass(frozen=True)
class ConditionalAtLeastOneOf:
    """If/else variant of at_least_one_of; `*_err` contain `{}` for the quoted list."""

    if_field: str
    if_match: Predicate
    then_fields: tuple[str, ...]
    then_err: str = E.AT_LEAST_ONE_OF
    else_match: Predicate | None = None
    else_fields: tuple[str, ...] = ()
    else_err: str = E.AT_LEAST_ONE_OF

    def run(self, entity: dict[str, Any], errors: dict[str, Any]) -> None:
        if_value = get_path(entity, self.if_field)
        if if_value is None or _has_errors(errors, (self.if_field,)):
            return
        if self.if_match(if_value):
            self._require(entity, errors, self.then_fields, self.then_err)
        elif self.else_match is not None and self.else_match(if_value):
            self._require(entity, errors, self.else_fields, self.else_err)

    @staticmethod
    def _require(
        entity: dict[str, Any], errors: dict[str, Any], fields: tuple[str, ...], err: str
    ) -> None:
        if not any(is_nonempty(get_path(entity, f)) for f in fields):
            add_entity_error(errors, err.format(E.quoted_list(fields)))


@dataclass(frozen=True)
class Custom:
    """Arbitrary rule over `fields`; skipped while any of them has an error.

    `fn` returns None when fine, a string for "@entity", or a dict of field errors.
    """

    fields: tuple[str, ...]
    fn: Callable[[dict[str, Any]], str | dict[str, Any] | None]

    def run(self, entity: dict[str, Any], errors: dict[str, Any]) -> None:
        if _has_errors(errors, self.fields):
            return
        result = self.fn(entity)
        if isinstance(result, str):
            add_entity_error(errors, result)
        elif result:
            for path, message in result.items():
                set_path(errors, path, message)


# Building blocks for Conditional predicates and then-checks.


def eq(expected: Any) -> Predicate:
    return lambda value: bool(value == expected)


def one_of(*options: Any) -> Predicate:
    return lambda value: value in options


def not_one_of(*options: Any) -> Predicate:
    return lambda value: value not in options


def contains(item: Any) -> Predicate:
    return lambda value: isinstance(value, list) and item in value


def all_in(*options: Any) -> Predicate:
    """Every element of an array value is one of `options`."""
    return lambda value: isinstance(value, list) and all(v in options for v in value)


def required(value: Any) -> str | None:
    return E.REQUIRED if value is None else None


def must_be_null(value: Any) -> str | None:
    return None if value is None else E.EQ.format("null")


def must_equal(expected: Any) -> ThenCheck:
    """Kong's `then_match = { eq = ... }`: a null passes, as the field is not required."""
    shown = str(expected).lower() if isinstance(expected, bool) else str(expected)

    def check(value: Any) -> str | None:
        return None if value is None or value == expected else E.EQ.format(shown)

    return check


def must_be_empty(value: Any) -> str | None:
    return None if not value else E.LEN_EQ.format(0)
