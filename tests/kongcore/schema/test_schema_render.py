"""Rendering schemas as Kong's Admin API shows them at GET /schemas/..."""

import json

import pytest

from kongcore.schema import ENTITY_TYPES, get_schema
from kongcore.schema import checks as C
from kongcore.schema.fields import Array, Integer, Map, Number, Set, String
from kongcore.schema.plugins import get_plugin, plugin_names
from kongcore.schema.record import Foreign, Record
from kongcore.schema.render import (
    describe,
    render_check,
    render_entity,
    render_field,
    render_plugin,
)


def _names(body: dict) -> list[str]:
    return [next(iter(field)) for field in body["fields"]]


def _by_name(body: dict) -> dict:
    return {name: attrs for field in body["fields"] for name, attrs in field.items()}


@pytest.mark.parametrize("entity_type", ENTITY_TYPES)
def test_every_entity_schema_renders_as_json_in_declared_order(entity_type: str) -> None:
    schema = get_schema(entity_type)
    body = render_entity(schema)
    json.dumps(body)
    assert _names(body) == list(schema.field_names)


@pytest.mark.parametrize("name", plugin_names())
def test_every_plugin_schema_renders_protocols_then_config(name: str) -> None:
    plugin = get_plugin(name)
    assert plugin is not None
    body = render_plugin(plugin)
    json.dumps(body)
    assert _names(body)[-2:] == ["protocols", "config"]


def test_scalar_fields_render_kong_attributes() -> None:
    assert render_field(Integer(default=5, between=(0, 10))) == {
        "type": "integer",
        "default": 5,
        "between": [0, 10],
    }
    assert render_field(Number(gt=0)) == {"type": "number", "gt": 0}
    assert render_field(String(required=True, one_of=("a", "b"))) == {
        "type": "string",
        "required": True,
        "one_of": ["a", "b"],
    }


def test_strings_show_len_min_only_when_not_kongs_implicit_one() -> None:
    assert render_field(String()) == {"type": "string"}
    assert render_field(String(len_min=0)) == {"type": "string", "len_min": 0}


def test_collections_render_their_element_types() -> None:
    assert render_field(Set(String())) == {"type": "set", "elements": {"type": "string"}}
    assert render_field(Array(Integer(), len_min=1)) == {
        "type": "array",
        "elements": {"type": "integer"},
        "len_min": 1,
    }
    assert render_field(Map(String(), String())) == {
        "type": "map",
        "keys": {"type": "string"},
        "values": {"type": "string"},
    }


def test_records_render_nested_fields_in_order() -> None:
    record = Record([("b", String()), ("a", Integer())])
    assert render_field(record) == {
        "type": "record",
        "required": True,
        "fields": [{"b": {"type": "string"}}, {"a": {"type": "integer"}}],
    }


def test_foreign_keys_render_reference_and_cascade() -> None:
    assert render_field(Foreign("services")) == {"type": "foreign", "reference": "services"}
    assert render_field(Foreign("routes", on_delete="cascade", null_only=True)) == {
        "type": "foreign",
        "reference": "routes",
        "on_delete": "cascade",
        "eq": None,
    }


def test_unique_fields_of_an_entity_are_marked() -> None:
    fields = _by_name(render_entity(get_schema("consumers")))
    assert fields["username"]["unique"] is True
    assert "unique" not in fields["id"]


def test_services_schema_carries_kong_defaults_and_checks() -> None:
    body = render_entity(get_schema("services"))
    fields = _by_name(body)
    assert fields["id"] == {"type": "string", "uuid": True, "auto": True}
    assert fields["retries"]["default"] == 5
    assert fields["protocol"]["default"] == "http"
    conditional = {
        "if_field": "protocol",
        "if_match": {"one_of": ["tcp", "tls", "tls_passthrough", "udp", "grpc", "grpcs"]},
        "then_field": "path",
        "then_match": {"eq": None},
    }
    assert {"conditional": conditional} in body["entity_checks"]


def test_plugin_forbidden_scopes_render_as_null_only_foreign_keys() -> None:
    plugin = get_plugin("key-auth")
    assert plugin is not None
    fields = _by_name(render_plugin(plugin))
    assert fields["consumer"] == {"type": "foreign", "reference": "consumers", "eq": None}
    assert _by_name(fields["config"])["key_names"]["default"] == ["apikey"]


def test_list_checks_render_with_kong_names() -> None:
    assert render_check(C.AtLeastOneOf(("a", "b"))) == {"at_least_one_of": ["a", "b"]}
    assert render_check(C.MutuallyRequired(("a", "b"))) == {"mutually_required": ["a", "b"]}


def test_code_only_checks_are_left_out() -> None:
    assert render_check(C.Custom(("a",), lambda entity: None)) is None
    assert describe(C.all_in("a")) is None


def test_predicates_render_as_match_tables() -> None:
    assert describe(C.eq("redis")) == {"eq": "redis"}
    assert describe(C.not_one_of("a", "b")) == {"not_one_of": ["a", "b"]}
    assert describe(C.required) == {"required": True}


def test_a_nested_records_entity_checks_render_inside_it() -> None:
    plugin = get_plugin("opentelemetry")
    assert plugin is not None
    config = _by_name(render_plugin(plugin))["config"]
    assert config["entity_checks"] == [{"at_least_one_of": ["traces_endpoint", "logs_endpoint"]}]


def test_an_eq_then_match_renders_with_its_value_and_message() -> None:
    plugin = get_plugin("ldap-auth")
    assert plugin is not None
    config = _by_name(render_plugin(plugin))["config"]
    assert config["entity_checks"] == [
        {
            "conditional": {
                "if_field": "ldaps",
                "if_match": {"eq": True},
                "then_field": "start_tls",
                "then_match": {"eq": False},
                "then_err": "'ldaps' and 'start_tls' cannot be enabled simultaneously",
            }
        }
    ]


def test_records_without_checks_render_no_entity_checks() -> None:
    assert "entity_checks" not in render_field(Record([("a", String())]))
