"""Scalar and collection field types: type checks, Kong's validators and defaults.

A field validates one non-null JSON value and returns it normalized (sets deduplicated,
integral floats turned into ints). Failures raise `Invalid` carrying Kong's error: a
string for scalars, a nested dict for records.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from kongcore.schema import errors as E


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()

# A custom validator returns None when the value is fine, or Kong's message.
Validator = Callable[[Any], str | None]

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z", re.I)


class Invalid(Exception):
    """Raised by a field with Kong's error payload for that field."""

    def __init__(self, error: Any, partial: Any = MISSING) -> None:
        super().__init__(error)
        self.error = error
        # A record that failed still reports its defaults-filled shape, so that
        # entity checks above it see the same values Kong would.
        self.partial = partial


class Field:
    """Base of all field types; subclasses implement `_coerce` and `_constrain`."""

    def __init__(
        self,
        *,
        required: bool = False,
        default: Any = MISSING,
        one_of: Sequence[Any] | None = None,
        not_one_of: Sequence[Any] | None = None,
        validators: Sequence[Validator] = (),
        auto: Callable[[], Any] | None = None,
    ) -> None:
        self.required = required
        self.default = default
        self.one_of = tuple(one_of) if one_of is not None else None
        self.not_one_of = tuple(not_one_of) if not_one_of is not None else None
        self.validators = tuple(validators)
        # `auto` fills id/created_at style fields the caller did not supply.
        self.auto = auto

    def missing_value(self) -> Any:
        """What an absent field becomes (Kong's handle_missing_field): default, else null."""
        if self.default is not MISSING:
            return copy.deepcopy(self.default)
        return None

    def validate(self, value: Any) -> Any:
        """Type-check and constrain a non-null value; return it normalized."""
        value = self._coerce(value)
        if self.one_of is not None and value not in self.one_of:
            raise Invalid(E.ONE_OF.format(", ".join(str(o) for o in self.one_of)))
        if self.not_one_of is not None and value in self.not_one_of:
            raise Invalid(E.NOT_ONE_OF.format(", ".join(str(o) for o in self.not_one_of)))
        self._constrain(value)
        if isinstance(value, str) and value.startswith("{vault://"):
            return value  # a secret reference; the gateway resolves and checks it
        for check in self.validators:
            message = check(value)
            if message:
                raise Invalid(message)
        return value

    def _coerce(self, value: Any) -> Any:
        return value

    def _constrain(self, value: Any) -> None:
        return None

    def parse_text(self, text: str) -> Any:
        """Turn one form-encoded string into this field's JSON type (best effort)."""
        return text


class Boolean(Field):
    def _coerce(self, value: Any) -> Any:
        if not isinstance(value, bool):
            raise Invalid(E.BOOLEAN)
        return value

    def parse_text(self, text: str) -> Any:
        # Kong's form decoder only understands these two spellings.
        return {"true": True, "false": False}.get(text, text)


class Number(Field):
    """Kong's `number`; `Integer` narrows it. Bounds are inclusive like Kong's `between`."""

    message = E.NUMBER

    def __init__(
        self,
        *,
        between: tuple[float, float] | None = None,
        gt: float | None = None,
        timestamp: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.between = between
        self.gt = gt
        self.timestamp = timestamp

    def _coerce(self, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Invalid(self.message)
        if isinstance(value, float) and not math.isfinite(value):
            raise Invalid(self.message)
        return value

    def _constrain(self, value: Any) -> None:
        if self.gt is not None and not value > self.gt:
            raise Invalid(E.GT.format(_num(self.gt)))
        if self.timestamp and value <= 0:
            raise Invalid(E.TIMESTAMP)
        if self.between is not None:
            low, high = self.between
            if value < low or value > high:
                raise Invalid(E.BETWEEN.format(_num(low), _num(high)))

    def parse_text(self, text: str) -> Any:
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() and "." not in text else number


class Integer(Number):
    message = E.INTEGER

    def _coerce(self, value: Any) -> Any:
        value = super()._coerce(value)
        if isinstance(value, float):
            if not value.is_integer():
                raise Invalid(E.INTEGER)
            return int(value)
        return value

    def parse_text(self, text: str) -> Any:
        try:
            return int(text)
        except ValueError:
            return super().parse_text(text)


class String(Field):
    """Kong strings: non-empty unless `len_min=0`, with optional pattern checks."""

    def __init__(
        self,
        *,
        len_min: int = 1,
        len_max: int | None = None,
        starts_with: str | None = None,
        uuid: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.len_min = len_min
        self.len_max = len_max
        self.starts_with = starts_with
        self.uuid = uuid

    def _coerce(self, value: Any) -> Any:
        if not isinstance(value, str):
            raise Invalid(E.STRING)
        return value

    def _constrain(self, value: Any) -> None:
        if self.uuid and not UUID_RE.match(value):
            raise Invalid(E.UUID)
        _check_length(len(value), self.len_min, self.len_max)
        if self.starts_with is not None and not value.startswith(self.starts_with):
            raise Invalid(E.STARTS_WITH.format(self.starts_with))


class Array(Field):
    """An ordered list; `Set` deduplicates. Element errors surface as the field's error."""

    message = E.ARRAY

    def __init__(
        self,
        elements: Field,
        *,
        len_min: int | None = None,
        len_max: int | None = None,
        contains: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.elements = elements
        self.len_min = len_min
        self.len_max = len_max
        self.contains = contains

    def _coerce(self, value: Any) -> Any:
        if value == {}:
            return []  # an empty JSON object is an empty Lua table, which Kong accepts
        if not isinstance(value, list | tuple):
            raise Invalid(self.message)
        result = []
        for item in value:
            if item is None:
                raise Invalid(E.REQUIRED)
            result.append(self.elements.validate(item))
        return result

    def _constrain(self, value: Any) -> None:
        _check_length(len(value), self.len_min, self.len_max)
        if self.contains is not None and self.contains not in value:
            raise Invalid(E.CONTAINS.format(self.contains))

    def parse_text(self, text: str) -> Any:
        return [self.elements.parse_text(text)]


class Set(Array):
    message = E.SET

    def _coerce(self, value: Any) -> Any:
        # A hashed lookup, not `item in list`: 95,000 tags took a minute with the list.
        seen: set[Hashable] = set()
        unique: list[Any] = []
        for item in super()._coerce(value):
            key = identity(item)
            if key not in seen:
                seen.add(key)
                unique.append(item)
        return unique


def identity(value: Any) -> Hashable:
    """A hashable stand-in for a JSON value, equal exactly when the values are equal (==).

    Set elements may be records (a route's `sources`), which are unhashable dicts.
    """
    if isinstance(value, dict):
        return (dict, frozenset((key, identity(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return (list, tuple(identity(item) for item in value))
    return value


class Map(Field):
    """A JSON object with validated keys and values (Kong's `map`)."""

    def __init__(
        self, keys: Field, values: Field, *, len_min: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.keys = keys
        self.values = values
        self.len_min = len_min

    def _coerce(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise Invalid(E.MAP)
        result = {}
        for key, item in value.items():
            if item is None:
                raise Invalid(E.REQUIRED)
            result[self.keys.validate(key)] = self.values.validate(item)
        return result

    def _constrain(self, value: Any) -> None:
        _check_length(len(value), self.len_min, None)


class Any_(Field):
    """Accepts any JSON value unchanged (Kong's `json` / untyped config values)."""


def _check_length(length: int, low: int | None, high: int | None) -> None:
    if low is not None and length < low:
        raise Invalid(E.LEN_MIN.format(low))
    if high is not None and length > high:
        raise Invalid(E.LEN_MAX.format(high))


def _num(value: float) -> str:
    # Kong formats bounds with %d, so 2^31-2 prints without a decimal point.
    return str(int(value)) if float(value).is_integer() else str(value)
