import logging

from dataplane.cache import cache_key
from kongcore import hashing, protocol


def test_a_delta_is_acked_with_the_new_version_and_hash(fake_cp, node):
    delta = fake_cp.create("consumers", username="alice")
    frame = protocol.encode(delta)

    reply = node.feed(delta)

    assert reply["type"] == "ack"
    assert reply["version"] == 1
    assert reply["hash"] == fake_cp.hash
    assert reply["wire_bytes"] == frame.wire_bytes
    assert reply["raw_bytes"] == frame.raw_bytes
    assert reply["apply_ms"] >= 0
    protocol.check_fields(reply, protocol.NODE_MESSAGE_TYPES)


def test_a_delta_that_skips_a_version_is_nacked_as_a_gap(fake_cp, node):
    fake_cp.create("consumers", username="alice")  # version 1 never reaches the node
    skipped = fake_cp.create("consumers", username="bob")

    reply = node.feed(skipped)

    assert reply == {
        "type": "nack",
        "version": 2,
        "reason": "gap",
        "detail": "delta 1->2 does not follow local version 0",
    }
    assert node.store.entity_counts() == {}


def test_a_delta_whose_hash_does_not_match_is_nacked_and_changes_nothing(fake_cp, node):
    node.feed(fake_cp.create("consumers", username="alice"))
    crud = node.record("crud")
    delta = fake_cp.create("consumers", username="bob")
    delta["hash"] = hashing.EMPTY_HASH

    reply = node.feed(delta)

    assert reply["type"] == "nack" and reply["reason"] == "hash_mismatch"
    assert reply["version"] == 2  # the version refused; the node keeps 1
    assert node.store.version == 1
    assert node.store.select_by("consumers", "username", "bob") is None
    assert crud == []


def test_an_update_of_an_entity_the_node_lacks_is_nacked_as_apply_failed(fake_cp, node):
    fake_cp.create("consumers", username="alice")
    node.store.replace_config({}, version=1, config_hash=hashing.EMPTY_HASH)  # drifted store
    alice_id = next(iter(fake_cp.config["consumers"]))

    reply = node.feed(fake_cp.update("consumers", alice_id, username="alicia"))

    assert reply["type"] == "nack" and reply["reason"] == "apply_failed"
    assert "which is missing" in reply["detail"]


def test_a_malformed_change_is_nacked_as_apply_failed(fake_cp, node):
    delta = protocol.delta(
        from_version=0,
        to_version=1,
        config_hash=hashing.EMPTY_HASH,
        committed_at=0.0,
        changes=[{"op": "upsert", "entity_type": "consumers", "entity": {}, "old_entity": None}],
    )

    reply = node.feed(delta)

    assert reply["reason"] == "apply_failed"
    assert "changes[0].op" in reply["detail"]
    protocol.check_fields(reply, protocol.NODE_MESSAGE_TYPES)


def test_the_hash_uses_the_locally_stored_old_entity_not_the_one_on_the_wire(fake_cp, node):
    node.feed(fake_cp.create("consumers", username="alice"))
    alice_id = next(iter(fake_cp.config["consumers"]))
    delta = fake_cp.update("consumers", alice_id, username="alicia")
    delta["changes"][0]["old_entity"] = {"id": alice_id, "username": "someone else"}

    reply = node.feed(delta)

    assert reply["type"] == "ack"
    assert node.store.config_hash == fake_cp.hash


def test_a_delta_posts_one_crud_event_per_changed_entity_and_nothing_else(fake_cp, node):
    node.feed(fake_cp.create("consumers", username="alice"))
    alice_id = next(iter(fake_cp.config["consumers"]))
    node.cache.get("kept", lambda: "value")
    crud, reconfigure = node.record("crud"), node.record("declarative:reconfigure")
    delta = fake_cp.commit(
        [
            ("update", "consumers", {"id": alice_id, "username": "alicia"}),
            ("create", "services", {"id": "s1", "host": "example.com"}),
            ("delete", "consumers", {"id": alice_id, "username": "alicia"}),
        ]
    )

    node.feed(delta)

    assert [(e.entity_type, e.operation) for e in crud] == [
        ("consumers", "update"),
        ("services", "create"),
        ("consumers", "delete"),
    ]
    assert crud[0].old_entity == {"id": alice_id, "username": "alice"}
    assert crud[0].entity == {"id": alice_id, "username": "alicia"}
    assert crud[2].entity is None and crud[2].old_entity["username"] == "alicia"
    assert reconfigure == []
    assert node.cache.peek("kept") == (True, "value")


def test_crud_events_fire_after_the_commit(fake_cp, node):
    seen_versions = []
    node.events.register(lambda data: seen_versions.append(node.store.version), "crud")

    node.feed(fake_cp.create("consumers", username="alice"))

    assert seen_versions == [1]


def test_a_snapshot_purges_the_cache_and_posts_one_reconfigure(fake_cp, node):
    node.feed(fake_cp.create("consumers", username="alice"))
    node.cache.get(cache_key("consumers", "x"), lambda: "cached")
    crud, reconfigure = node.record("crud"), node.record("declarative", "reconfigure")
    fake_cp.seed("routes", 4)

    reply = node.feed(fake_cp.snapshot(reason="full_mode"))

    assert reply["type"] == "ack" and reply["version"] == fake_cp.version
    assert len(node.cache) == 0
    assert crud == []
    assert [(e.version, e.config_hash, e.reason) for e in reconfigure] == [
        (fake_cp.version, fake_cp.hash, "full_mode")
    ]
    assert node.store.entity_counts() == {"consumers": 1, "routes": 4}


def test_a_snapshot_whose_hash_does_not_match_is_nacked_and_changes_nothing(fake_cp, node):
    node.feed(fake_cp.create("consumers", username="alice"))
    node.cache.get("kept", lambda: 1)
    fake_cp.seed("routes", 2)
    snapshot = fake_cp.snapshot(reason="hash_mismatch")
    snapshot["hash"] = "f" * 64
    reconfigure = node.record("declarative:reconfigure")

    reply = node.feed(snapshot)

    assert reply["type"] == "nack" and reply["reason"] == "hash_mismatch"
    assert node.store.version == 1 and node.store.entity_counts() == {"consumers": 1}
    assert reconfigure == [] and len(node.cache) == 1


def test_a_snapshot_may_move_the_node_back_to_an_older_version(fake_cp, node):
    for name in ("a", "b", "c"):
        node.feed(fake_cp.create("consumers", username=name))
    fake_cp.version = 1
    fake_cp.config["consumers"] = dict(list(fake_cp.config["consumers"].items())[:1])

    reply = node.feed(fake_cp.snapshot(reason="ahead"))

    assert reply["type"] == "ack" and node.store.version == 1
    assert node.store.entity_counts() == {"consumers": 1}


def test_a_large_snapshot_travels_compressed_and_reports_both_sizes(fake_cp, node):
    fake_cp.seed("consumers", 500)
    snapshot = fake_cp.snapshot()
    frame = protocol.encode(snapshot)
    assert frame.is_binary

    reply = node.feed(snapshot)

    assert reply["wire_bytes"] == frame.wire_bytes < reply["raw_bytes"] == frame.raw_bytes
    assert node.store.last_sync.type == "snapshot"
    assert node.store.last_sync.wire_bytes == frame.wire_bytes


def test_a_failing_event_handler_is_logged_and_sync_continues(fake_cp, node, caplog):
    def broken(data):
        raise RuntimeError("plugin bug")

    later = node.record("crud", "consumers")
    node.events.register(broken, "crud", "consumers")
    node.events.register(later.append, "crud", "consumers")

    with caplog.at_level(logging.ERROR):
        reply = node.feed(fake_cp.create("consumers", username="alice"))

    assert reply["type"] == "ack"
    assert len(later) == 2  # registered twice: before and after the broken handler
    assert "plugin bug" in caplog.text and "broken" in caplog.text
    assert node.feed(fake_cp.create("consumers", username="bob"))["type"] == "ack"
