"""The config hash: order-independent, and updatable one change at a time."""

from kongcore import hashing

SERVICE = {
    "id": "9a6b7c8d-0000-4000-8000-000000000002",
    "name": "échos",
    "host": "example.com",
    "port": 80,
}
CONSUMER = {"id": "4b1f5c4e-0000-4000-8000-000000000001", "username": "alice"}


def test_the_empty_config_hashes_to_zeros() -> None:
    assert hashing.config_hash({}) == hashing.EMPTY_HASH == "0" * 64


def test_the_hash_does_not_depend_on_order() -> None:
    one = hashing.config_hash({"services": [SERVICE], "consumers": [CONSUMER]})
    other = hashing.config_hash(
        {"consumers": [CONSUMER], "services": [dict(reversed(SERVICE.items()))]}
    )
    assert one == other


def test_the_documented_worked_example_holds() -> None:
    config = {"consumers": [CONSUMER], "services": [SERVICE]}
    assert (
        hashing.config_hash(config)
        == "c87c1654fdd1aac379b8ee3870609d4b831455aa21814c7a0e035ca1a2778808"
    )


def test_applying_changes_equals_rehashing_from_scratch() -> None:
    renamed = {**CONSUMER, "username": "alicia"}
    start = hashing.config_hash({"consumers": [CONSUMER], "services": [SERVICE]})
    updated = hashing.apply_change(start, "consumers", CONSUMER, renamed)
    assert updated == hashing.config_hash({"consumers": [renamed], "services": [SERVICE]})
    deleted = hashing.apply_change(updated, "services", SERVICE, None)
    assert deleted == hashing.config_hash({"consumers": [renamed]})
    assert hashing.apply_change(deleted, "consumers", renamed, None) == hashing.EMPTY_HASH


def test_the_same_entity_under_another_type_hashes_differently() -> None:
    assert hashing.entity_digest("services", SERVICE) != hashing.entity_digest("routes", SERVICE)
