"""Records: shorthands expand without touching the caller's value."""

import copy

from kongcore.schema.fields import Integer, String
from kongcore.schema.record import Record, deep_merge


def _record() -> Record:
    inner = Record([("host", String()), ("port", Integer())])
    return Record(
        [("redis", inner)],
        shorthands={"redis_host": lambda value: {"redis": {"host": value}}},
    )


def test_expanding_a_shorthand_into_a_nested_record_leaves_the_input_as_it_was() -> None:
    value = {"redis": {"port": 6379}, "redis_host": "cache"}
    before = copy.deepcopy(value)
    assert _record().expand(value) == {"redis": {"port": 6379, "host": "cache"}}
    assert value == before


def test_deep_merge_changes_only_the_target_and_copies_what_it_merges_into() -> None:
    shared = {"port": 1}
    target = {"redis": shared}
    deep_merge(target, {"redis": {"host": "h"}})
    assert target == {"redis": {"port": 1, "host": "h"}}
    assert shared == {"port": 1}
