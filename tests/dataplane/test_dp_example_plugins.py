"""The scenario Kong's incremental config sync docs warn custom plugin authors about.

Both example plugins are loaded the way the agent loads plugins, and fed real protocol
messages through the agent's decode-and-apply path.
"""

import pytest

from dataplane.plugins import PluginError, load_plugins


@pytest.fixture
def plugins(node):
    loaded = load_plugins(
        ["dataplane.examples.consumer_cache", "dataplane.examples.naive_consumer_cache"],
        events=node.events,
        cache=node.cache,
        store=node.store,
        node_id="n1",
    )
    return loaded[0].instance, loaded[1].instance


def test_after_an_incremental_update_the_naive_plugin_is_stale_and_the_correct_one_is_not(
    fake_cp, node, plugins
):
    correct, naive = plugins
    node.feed(fake_cp.create("consumers", username="alice", custom_id="old"))
    assert correct.by_username("alice")["custom_id"] == "old"
    assert naive.by_username("alice")["custom_id"] == "old"
    alice_id = next(iter(fake_cp.config["consumers"]))

    reply = node.feed(fake_cp.update("consumers", alice_id, custom_id="new"))

    assert reply["type"] == "ack"
    assert correct.by_username("alice")["custom_id"] == "new"
    assert naive.by_username("alice")["custom_id"] == "old"  # stale: nothing invalidated it


def test_after_a_rename_the_correct_plugin_forgets_the_old_name_and_finds_the_new_one(
    fake_cp, node, plugins
):
    correct, naive = plugins
    node.feed(fake_cp.create("consumers", username="alice"))
    assert correct.by_username("alice") is not None
    assert correct.by_username("alicia") is None  # cached as a negative entry
    assert naive.by_username("alicia") is None
    alice_id = next(iter(fake_cp.config["consumers"]))

    node.feed(fake_cp.update("consumers", alice_id, username="alicia"))

    assert correct.by_username("alice") is None
    assert correct.by_username("alicia")["id"] == alice_id
    assert naive.by_username("alicia") is None  # stale negative entry


def test_after_a_full_snapshot_both_plugins_are_correct(fake_cp, node, plugins):
    correct, naive = plugins
    node.feed(fake_cp.create("consumers", username="alice", custom_id="old"))
    correct.by_username("alice")
    naive.by_username("alice")
    alice_id = next(iter(fake_cp.config["consumers"]))
    fake_cp.config["consumers"][alice_id]["custom_id"] = "new"
    fake_cp.version += 1

    reply = node.feed(fake_cp.snapshot(reason="full_mode"))

    assert reply["type"] == "ack"
    assert correct.by_username("alice")["custom_id"] == "new"
    assert naive.by_username("alice")["custom_id"] == "new"


def test_a_deleted_consumer_disappears_from_the_correct_plugin(fake_cp, node, plugins):
    correct, _ = plugins
    node.feed(fake_cp.create("consumers", username="alice"))
    assert correct.by_username("alice") is not None
    alice_id = next(iter(fake_cp.config["consumers"]))

    node.feed(fake_cp.delete("consumers", alice_id))

    assert correct.by_username("alice") is None


def test_a_module_without_init_worker_is_refused(node):
    with pytest.raises(PluginError, match="no init_worker"):
        load_plugins(
            ["dataplane.examples"],
            events=node.events,
            cache=node.cache,
            store=node.store,
            node_id="n1",
        )
