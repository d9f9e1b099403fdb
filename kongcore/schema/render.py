"""Schemas rendered as Kong's Admin API shows them at ``GET /schemas/...``.

decK and other Admin API clients read these to fill defaults, so field order and
attribute names follow Kong: ``{"fields": [{"name": {"type": "string", ...}}, ...]}``.
Custom validators are code and are not rendered, as Kong does not render its Lua ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from kongcore.schema import checks as C
from kongcore.schema import typedefs as T
from kongcore.schema.entity import EntitySchema
from kongcore.schema.fields import (
    MISSING,
    Any_,
    Array,
    Boolean,
    Field,
    Integer,
    Map,
    Number,
    Set,
    String,
)
from kongcore.schema.plugins.base import PluginDef
from kongcore.schema.record import Foreign, Record

JSON = dict[str, Any]

# Most specific class first: Set is an Array, Integer a Number.
_TYPES: tuple[tuple[type[Field], str], ...] = (
    (Foreign, "foreign"),
    (Record, "record"),
    (Set, "set"),
    (Array, "array"),
    (Map, "map"),
    (Integer, "integer"),
    (Number, "number"),
    (String, "string"),
    (Boolean, "boolean"),
    (Any_, "json"),
)

# The scopes a plugin may forbid, in the order Kong's plugin schemas declare them.
_SCOPES = (
    ("no_consumer", "consumer", "consumers"),
    ("no_service", "service", "services"),
    ("no_route", "route", "routes"),
    ("no_consumer_group", "consumer_group", "consumer_groups"),
)


def render_entity(schema: EntitySchema) -> JSON:
    """``GET /schemas/{entity}``: the entity's fields (unique ones marked) and checks."""
    unique = set(schema.unique_fields)
    fields = [
        {name: render_field(field, unique=name in unique)} for name, field in schema.record.fields
    ]
    return _with_checks({"fields": fields}, schema.record.checks)


def render_plugin(plugin: PluginDef) -> JSON:
    """``GET /schemas/plugins/{name}``: forbidden scopes, ``protocols`` and ``config``."""
    fields: list[JSON] = [
        {name: {"type": "foreign", "reference": reference, "eq": None}}
        for flag, name, reference in _SCOPES
        if getattr(plugin, flag)
    ]
    protocols = T.protocols(plugin.protocols, plugin.default_protocols)
    fields.append({"protocols": render_field(protocols)})
    fields.append({"config": render_field(plugin.config)})
    return _with_checks({"fields": fields}, plugin.checks)


def render_field(field: Field, *, unique: bool = False) -> JSON:
    """One field as Kong's JSON: ``type`` first, then whichever attributes it declares."""
    body: JSON = {"type": field_type(field)}
    if field.required:
        body["required"] = True
    if field.default is not MISSING and field.default is not None:
        body["default"] = field.default
    if field.one_of is not None:
        body["one_of"] = list(field.one_of)
    if field.not_one_of is not None:
        body["not_one_of"] = list(field.not_one_of)
    if unique:
        body["unique"] = True
    if field.auto is not None:
        body["auto"] = True
    body.update(_specific(field))
    return body


def field_type(field: Field) -> str:
    for cls, name in _TYPES:
        if isinstance(field, cls):
            return name
    return "json"


def _specific(field: Field) -> JSON:
    """The attributes only some field types have."""
    if isinstance(field, Foreign):
        return _foreign(field)
    if isinstance(field, Record):
        fields = [{name: render_field(f)} for name, f in field.fields]
        return _with_checks({"fields": fields}, field.checks)
    if isinstance(field, Array):
        return _drop_none(
            elements=render_field(field.elements),
            len_min=field.len_min,
            len_max=field.len_max,
            contains=field.contains,
        )
    if isinstance(field, Map):
        return _drop_none(
            keys=render_field(field.keys),
            values=render_field(field.values),
            len_min=field.len_min,
        )
    if isinstance(field, Number):
        between = list(field.between) if field.between is not None else None
        return _drop_none(between=between, gt=field.gt, timestamp=field.timestamp or None)
    if isinstance(field, String):
        return _string(field)
    return {}


def _foreign(field: Foreign) -> JSON:
    body: JSON = {"reference": field.reference}
    if field.on_delete != "restrict":
        body["on_delete"] = field.on_delete
    if field.null_only:
        body["eq"] = None
    return body


def _string(field: String) -> JSON:
    # Kong strings are non-empty unless declared otherwise, so only a different bound shows.
    return _drop_none(
        len_min=field.len_min if field.len_min != 1 else None,
        len_max=field.len_max,
        starts_with=field.starts_with,
        uuid=field.uuid or None,
    )


def _drop_none(**attributes: Any) -> JSON:
    return {key: value for key, value in attributes.items() if value is not None}


def _with_checks(body: JSON, checks: Iterable[C.Check]) -> JSON:
    rendered = [r for r in map(render_check, checks) if r is not None]
    if rendered:
        body["entity_checks"] = rendered
    return body


_LIST_CHECKS: tuple[tuple[type, str], ...] = (
    (C.AtLeastOneOf, "at_least_one_of"),
    (C.OnlyOneOf, "only_one_of"),
    (C.MutuallyRequired, "mutually_required"),
    (C.MutuallyExclusive, "mutually_exclusive"),
    (C.Distinct, "distinct"),
)


def render_check(check: C.Check) -> JSON | None:
    """An entity check as Kong declares it; None for rules that are only code."""
    for cls, name in _LIST_CHECKS:
        if isinstance(check, cls):
            return {name: list(getattr(check, "fields"))}  # noqa: B009 - Check is a Protocol
    if isinstance(check, C.Conditional):
        return _conditional(check)
    if isinstance(check, C.ConditionalAtLeastOneOf):
        return _conditional_at_least_one_of(check)
    return None


def _conditional(check: C.Conditional) -> JSON | None:
    if_match, then_match = describe(check.if_match), describe(check.then_check)
    if if_match is None or then_match is None:
        return None
    body: JSON = {
        "if_field": check.if_field,
        "if_match": if_match,
        "then_field": check.then_field,
        "then_match": then_match,
    }
    if check.then_err is not None:
        body["then_err"] = check.then_err
    return {"conditional": body}


def _conditional_at_least_one_of(check: C.ConditionalAtLeastOneOf) -> JSON | None:
    if_match = describe(check.if_match)
    if if_match is None:
        return None
    body: JSON = {
        "if_field": check.if_field,
        "if_match": if_match,
        "then_at_least_one_of": list(check.then_fields),
    }
    else_match = describe(check.else_match) if check.else_match is not None else None
    if else_match is not None:
        body["else_match"] = else_match
        body["else_then_at_least_one_of"] = list(check.else_fields)
    return {"conditional_at_least_one_of": body}


# then-checks of kongcore.schema.checks, as the field attributes Kong would match with.
_THEN: dict[Callable[[Any], str | None], JSON] = {
    C.required: {"required": True},
    C.must_be_null: {"eq": None},
    C.must_be_empty: {"len_eq": 0},
}


def describe(rule: Callable[[Any], Any]) -> JSON | None:
    """A predicate built by checks.eq/one_of/... (or a then-check) as Kong's match table.

    The builders return closures, so their argument is read back from the closure cell;
    anything not built by them is code that Kong's JSON cannot express.
    """
    if rule in _THEN:
        return dict(_THEN[rule])
    builder = rule.__qualname__.split(".<locals>")[0]
    cells = [cell.cell_contents for cell in rule.__closure__ or ()]
    if builder == "must_equal":
        free = dict(zip(rule.__code__.co_freevars, cells, strict=True))
        return {"eq": free["expected"]}
    if builder in ("eq", "contains") and len(cells) == 1:
        return {builder: cells[0]}
    if builder in ("one_of", "not_one_of") and len(cells) == 1:
        return {builder: list(cells[0])}
    return None
