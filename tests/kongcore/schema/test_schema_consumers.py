import pytest

from kongcore.schema import SchemaViolation, get_schema

CONSUMERS = get_schema("consumers")


def test_consumer_needs_username_or_custom_id():
    with pytest.raises(SchemaViolation) as info:
        CONSUMERS.validate({"tags": ["a"]})
    assert info.value.fields == {
        "@entity": ["at least one of these fields must be non-empty: 'custom_id', 'username'"]
    }
    assert info.value.message == (
        "schema violation (at least one of these fields must be non-empty: 'custom_id', 'username')"
    )


def test_consumer_create_has_kong_shape():
    consumer = CONSUMERS.validate({"username": "c1", "id": "d46b0e15-ffbc-4b15-ad92-09ef67935453"})
    assert consumer["username"] == "c1"
    assert consumer["custom_id"] is None
    assert list(consumer) == ["id", "created_at", "updated_at", "username", "custom_id", "tags"]


def test_consumer_schema_metadata():
    assert CONSUMERS.endpoint_key == "username"
    assert CONSUMERS.unique_fields == ("username", "custom_id")


def test_consumer_patch_keeps_other_fields():
    existing = CONSUMERS.validate({"username": "c1"})
    patched = CONSUMERS.validate({"custom_id": "x"}, existing=existing)
    assert (patched["username"], patched["custom_id"]) == ("c1", "x")
