import pytest

from kongcore.schema import ENTITY_TYPES, get_schema

CONSUMER = {"id": "58076db2-28b6-423b-ba39-a797193017f7"}
GROUP = {"id": "d46b0e15-ffbc-4b15-ad92-09ef67935453"}


def test_every_entity_type_has_a_schema_named_after_it():
    for entity_type in ENTITY_TYPES:
        assert get_schema(entity_type).name == entity_type


def test_unknown_entity_type_raises_key_error():
    with pytest.raises(KeyError):
        get_schema("workspaces")


def test_entity_types_come_after_the_types_they_reference():
    for index, entity_type in enumerate(ENTITY_TYPES):
        for foreign_key in get_schema(entity_type).foreign_keys.values():
            assert ENTITY_TYPES.index(foreign_key.reference) < index, (entity_type, foreign_key)


def test_consumer_group_membership_links_group_and_consumer():
    schema = get_schema("consumer_group_consumers")
    membership = schema.validate({"consumer_group": GROUP, "consumer": CONSUMER})
    assert (membership["consumer_group"], membership["consumer"]) == (GROUP, CONSUMER)
    assert schema.unique_together == (("consumer_group", "consumer"),)
    assert {fk.on_delete for fk in schema.foreign_keys.values()} == {"cascade"}


def test_consumer_group_requires_a_name():
    group = get_schema("consumer_groups").validate({"name": "gold", "tags": ["t"]})
    assert group["name"] == "gold"
    assert get_schema("consumer_groups").unique_fields == ("name",)
