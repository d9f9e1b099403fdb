"""The agent's metrics, as the status board feeds them."""

import math

from prometheus_client.parser import text_string_to_metric_families

from dataplane.status import StatusBoard


def board():
    return StatusBoard(node_id="n1", control_plane_id="cp1", name="edge-1", sync_mode="incremental")


def value(status_board, name, **labels):
    body = status_board.metrics.exposition().decode()
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return None


def test_the_first_session_is_not_a_reconnect():
    status_board = board()

    status_board.update(connected=True)
    status_board.update(connected=True)  # a repeated update is not a new session

    assert value(status_board, "konnectlite_dp_reconnects_total") == 0
    assert value(status_board, "konnectlite_dp_connected") == 1


def test_each_session_after_a_lost_one_is_a_reconnect():
    status_board = board()

    for _ in range(3):
        status_board.update(connected=True)
        status_board.update(connected=False)

    assert value(status_board, "konnectlite_dp_reconnects_total") == 2
    assert value(status_board, "konnectlite_dp_connected") == 0


def test_before_any_apply_the_hash_age_is_unknown():
    age = value(board(), "konnectlite_dp_config_hash_age_seconds")

    assert age is not None and math.isnan(age)


def test_a_stored_config_shown_at_startup_is_not_counted_as_an_apply(fake_cp, node):
    node.feed(fake_cp.snapshot())
    status_board = board()

    status_board.show_store(node.store)  # what the agent does with the config it loaded

    assert value(status_board, "konnectlite_dp_config_version") == fake_cp.version
    assert value(status_board, "konnectlite_dp_apply_seconds_count", type="snapshot") is None
    assert value(status_board, "konnectlite_dp_config_hash_age_seconds") >= 0


def test_each_agent_has_its_own_registry(fake_cp, node):
    first, second = board(), board()
    node.feed(fake_cp.snapshot())

    first.show_apply(node.store)

    assert value(first, "konnectlite_dp_apply_seconds_count", type="snapshot") == 1
    assert value(second, "konnectlite_dp_apply_seconds_count", type="snapshot") is None


def test_an_apply_whose_record_was_not_stored_is_not_counted_twice(fake_cp, node):
    status_board = board()
    node.feed(fake_cp.snapshot())

    status_board.show_apply(node.store)
    status_board.show_apply(node.store)  # the same record: its statistics failed to store

    assert value(status_board, "konnectlite_dp_apply_seconds_count", type="snapshot") == 1
