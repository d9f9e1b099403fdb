"""Records (ordered sets of named fields with entity checks) and foreign keys."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kongcore.schema import errors as E
from kongcore.schema.checks import Check
from kongcore.schema.fields import MISSING, UUID_RE, Field, Invalid

# A shorthand turns one legacy/sugar input key into a partial record to deep-merge.
Shorthand = Callable[[Any], dict[str, Any]]


class Foreign(Field):
    """A reference to another entity, already resolved by the caller to {"id": uuid}."""

    def __init__(
        self,
        reference: str,
        *,
        on_delete: str = "restrict",
        null_only: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.reference = reference
        self.on_delete = on_delete
        # Plugins that cannot be scoped to e.g. a consumer declare it with null_only.
        self.null_only = null_only

    def _coerce(self, value: Any) -> Any:
        if self.null_only:
            raise Invalid(E.EQ.format("null"))
        if not isinstance(value, dict):
            raise Invalid(E.RECORD)
        errors: dict[str, Any] = {k: E.UNKNOWN for k in value if k != "id"}
        ident = value.get("id")
        if ident is None:
            errors["id"] = E.REQUIRED
        elif not isinstance(ident, str):
            errors["id"] = E.STRING
        elif not UUID_RE.match(ident):
            errors["id"] = E.UUID
        if errors:
            raise Invalid(errors)
        return {"id": ident}


class Record(Field):
    """Kong's `record`: known fields in order, defaults filled, then entity checks."""

    def __init__(
        self,
        fields: Sequence[tuple[str, Field]],
        *,
        checks: Sequence[Check] = (),
        shorthands: Mapping[str, Shorthand] | None = None,
        required: bool = True,
        **kwargs: Any,
    ) -> None:
        # Kong makes nested records required unless declared otherwise, which is
        # what fills e.g. a plugin's `config.redis` with its defaults.
        super().__init__(required=required, **kwargs)
        self.fields = tuple(fields)
        self.by_name = dict(self.fields)
        self.checks = tuple(checks)
        self.shorthands = dict(shorthands or {})

    def missing_value(self) -> Any:
        # Kong expands an absent required record so that nested defaults are filled.
        if self.default is MISSING and self.required:
            return {}
        return super().missing_value()

    def _coerce(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise Invalid(E.RECORD)
        result, errors = self.validate_members(value)
        if errors:
            raise Invalid(errors, partial=result)
        return result

    def validate_members(self, value: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Validate every field and run the checks; return (result, error tree)."""
        value = self.expand(value)
        errors: dict[str, Any] = {k: E.UNKNOWN for k in value if k not in self.by_name}
        result = {name: self._member(name, field, value, errors) for name, field in self.fields}
        for check in self.checks:
            check.run(result, errors)
        return result, errors

    def _member(
        self, name: str, field: Field, value: dict[str, Any], errors: dict[str, Any]
    ) -> Any:
        raw = value.get(name, MISSING)
        if raw is MISSING:
            raw = field.auto() if field.auto is not None else field.missing_value()
        if raw is None:
            if field.required:
                errors[name] = E.REQUIRED
            return None
        try:
            return field.validate(raw)
        except Invalid as exc:
            errors[name] = exc.error
            return raw if exc.partial is MISSING else exc.partial

    def expand(self, value: dict[str, Any]) -> dict[str, Any]:
        """Apply shorthands, here and in nested records present in `value`.

        `value` is left as it was. Only the dicts a shorthand or a nested record changes are
        copied: a deep copy at every level cost a record's size times its depth, and
        validation builds new containers anyway.
        """
        result = dict(value)
        for key, shorthand in self.shorthands.items():
            if key in result:
                deep_merge(result, shorthand(result.pop(key)))
        for name, field in self.fields:
            nested = result.get(name)
            if isinstance(field, Record) and isinstance(nested, dict):
                result[name] = field.expand(nested)
        return result

    def merge(self, base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
        """PATCH semantics: records merge key by key, everything else is replaced."""
        result = copy.deepcopy(base)
        for key, value in patch.items():
            field = self.by_name.get(key)
            current = result.get(key)
            if isinstance(field, Record) and isinstance(value, dict) and isinstance(current, dict):
                result[key] = field.merge(current, value)
            else:
                result[key] = copy.deepcopy(value)
        return result

    def parse_text(self, text: str) -> Any:
        return text


def deep_merge(target: dict[str, Any], update: dict[str, Any]) -> None:
    """Merge `update` into `target` in place, descending into dicts.

    The trap: only `target` itself changes. A dict below it is copied before it is merged
    into, because it may be shared with the caller's input (see `Record.expand`).
    """
    for key, value in update.items():
        current = target.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            target[key] = nested = dict(current)
            deep_merge(nested, value)
        else:
            target[key] = value
