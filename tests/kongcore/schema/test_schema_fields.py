"""Field types: sets deduplicate in linear time and still refuse bad elements as Kong does."""

import json

import pytest

from kongcore.schema import get_schema
from kongcore.schema.errors import SchemaViolation
from kongcore.schema.fields import Invalid, Set, String, identity
from kongcore.schema.typedefs import ip_port_set, tags

SERVICES = get_schema("services")


def test_a_set_keeps_the_first_of_each_duplicate_in_order() -> None:
    assert Set(String()).validate(["b", "a", "b", "c", "a"]) == ["b", "a", "c"]


def test_a_set_of_records_deduplicates_equal_records_whatever_their_key_order() -> None:
    sources = [{"ip": "10.0.0.1", "port": 80}, {"port": 80, "ip": "10.0.0.1"}, {"port": 81}]
    assert ip_port_set().validate(sources) == [
        {"ip": "10.0.0.1", "port": 80},
        {"ip": None, "port": 81},
    ]


def test_a_set_with_duplicates_still_refuses_a_bad_element_with_kongs_message() -> None:
    with pytest.raises(Invalid) as error:
        tags().validate(["a", "a", "a,b", "a"])
    assert error.value.error == (
        "invalid tag 'a,b': expected printable ascii (except `,` and `/`) or valid utf-8 sequences"
    )


def test_a_set_refuses_a_value_that_is_not_an_array() -> None:
    with pytest.raises(Invalid) as error:
        tags().validate("a")
    assert error.value.error == "expected a set"


def test_a_service_with_duplicate_tags_and_a_bad_one_is_refused() -> None:
    with pytest.raises(SchemaViolation) as error:
        SERVICES.validate({"host": "a.org", "tags": ["x", "x", "bad/tag"]})
    assert error.value.fields["tags"].startswith("invalid tag 'bad/tag'")


def test_95000_tags_under_the_1_mib_body_limit_validate() -> None:
    # Issue 9 item 5: this took 61 s when uniqueness was checked against a list.
    body = {"host": "a.org", "tags": [f"t{i:06d}" for i in range(95_000)]}
    assert len(json.dumps(body)) < 1024 * 1024
    assert SERVICES.validate(body)["tags"] == body["tags"]


def test_identity_is_equal_exactly_when_values_are_equal() -> None:
    assert identity({"a": [1, {"b": 2}]}) == identity({"a": [1, {"b": 2}]})
    assert identity({"a": 1, "b": 2}) == identity({"b": 2, "a": 1})
    assert identity([1, 2]) != identity([2, 1])
    assert identity({"a": 1}) != identity([["a", 1]])
    assert identity("a") != identity(["a"])
