import sqlite3
import statistics
import subprocess
import sys
import textwrap
import time

import pytest

from dataplane.applier import decode_frame
from dataplane.store import SCHEMA_VERSION, Store, StoreError
from kongcore import hashing, protocol


def test_snapshot_and_deltas_survive_a_restart(fake_cp, open_node):
    node = open_node()
    fake_cp.seed("services", 3)
    node.feed(fake_cp.snapshot())
    consumer = fake_cp.create("consumers", username="alice")
    node.feed(consumer)
    node.store.close()

    reopened = open_node().store

    assert reopened.version == fake_cp.version
    assert reopened.config_hash == fake_cp.hash
    assert reopened.entity_counts() == {"consumers": 1, "services": 3}
    assert reopened.last_sync is not None and reopened.last_sync.type == "delta"


def test_failure_mid_delta_leaves_previous_version_intact(fake_cp, node, open_node, monkeypatch):
    first = fake_cp.create("consumers", username="alice")
    node.feed(first)
    alice_id = first["changes"][0]["entity"]["id"]
    delta = fake_cp.commit(
        [
            ("update", "consumers", {"id": alice_id, "username": "alice2"}),
            ("create", "consumers", {"id": "c2", "username": "bob"}),
        ]
    )
    crud = node.record("crud")
    real_write = Store._write_change
    calls = []

    def fail_on_second_write(self, change):
        calls.append(change)
        if len(calls) == 2:
            raise sqlite3.OperationalError("disk I/O error")
        real_write(self, change)

    monkeypatch.setattr(Store, "_write_change", fail_on_second_write)

    reply = node.feed(delta)

    assert reply["type"] == "nack" and reply["reason"] == "apply_failed"
    assert "disk I/O error" in reply["detail"]
    assert node.store.version == 1
    assert node.store.get("consumers", alice_id)["username"] == "alice"
    assert node.store.get("consumers", "c2") is None
    assert crud == []
    monkeypatch.undo()
    node.store.close()
    on_disk = open_node().store
    assert on_disk.version == 1
    assert on_disk.get("consumers", alice_id)["username"] == "alice"
    assert on_disk.config_hash == hashing.config_hash(
        {"consumers": [{"id": alice_id, "username": "alice"}]}
    )


def test_process_killed_mid_delta_leaves_previous_version_on_disk(
    fake_cp, node, open_node, tmp_path
):
    fake_cp.seed("consumers", 5)
    node.feed(fake_cp.snapshot())
    before = (node.store.version, node.store.config_hash)
    node.store.close()
    delta = fake_cp.commit([("create", "consumers", {"id": f"new-{n}"}) for n in range(10)])
    # The child applies the delta but dies (no cleanup at all) after writing 5 of 10 rows.
    script = textwrap.dedent(
        f"""
        import os, sys
        from dataplane.store import Store
        from tests_helper_node import feed
        real = Store._write_change
        count = 0
        def dying_write(self, change):
            global count
            count += 1
            if count == 6:
                os._exit(17)
            real(self, change)
        Store._write_change = dying_write
        feed({str(tmp_path / "config.db")!r}, {delta!r})
        """
    )
    helper = tmp_path / "tests_helper_node.py"
    helper.write_text(
        textwrap.dedent(
            """
            from dataplane.applier import Applier, decode_frame
            from dataplane.cache import Cache
            from dataplane.events import Events
            from dataplane.store import Store
            from kongcore import protocol

            def feed(path, message):
                store = Store.open(path)
                applier = Applier(store, Events(), Cache())
                applier.apply(decode_frame(protocol.encode(message).data))
            """
        )
    )

    child = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, timeout=60)

    assert child.returncode == 17
    after = open_node().store
    assert (after.version, after.config_hash) == before
    assert after.entity_counts() == {"consumers": 5}


def test_select_by_follows_updates_and_deletes(fake_cp, node):
    node.feed(fake_cp.create("consumers", username="alice"))
    alice = node.store.select_by("consumers", "username", "alice")
    assert alice is not None

    node.feed(fake_cp.update("consumers", alice["id"], username="alicia"))
    assert node.store.select_by("consumers", "username", "alice") is None
    assert node.store.select_by("consumers", "username", "alicia")["id"] == alice["id"]

    node.feed(fake_cp.delete("consumers", alice["id"]))
    assert node.store.select_by("consumers", "username", "alicia") is None


def test_select_by_index_is_rebuilt_after_a_snapshot(fake_cp, node):
    node.feed(fake_cp.create("consumers", username="alice"))
    assert node.store.select_by("consumers", "username", "alice") is not None
    fake_cp.config["consumers"] = {"b": {"id": "b", "username": "bob"}}
    fake_cp.version += 1

    node.feed(fake_cp.snapshot(reason="full_mode"))

    assert node.store.select_by("consumers", "username", "alice") is None
    assert node.store.select_by("consumers", "username", "bob")["id"] == "b"


def test_a_tampered_store_reports_its_recomputed_hash(fake_cp, node, open_node, tmp_path):
    node.feed(fake_cp.create("consumers", username="alice"))
    node.store.close()
    with sqlite3.connect(tmp_path / "config.db") as db:
        db.execute("UPDATE entities SET body = json_set(body, '$.username', 'mallory')")
    db.close()

    reopened = open_node().store

    assert reopened.version == fake_cp.version
    assert reopened.config_hash != fake_cp.hash
    assert reopened.config_hash == hashing.config_hash(
        {"consumers": reopened.entities("consumers")}
    )


def test_a_store_written_by_a_newer_agent_is_refused(tmp_path):
    with sqlite3.connect(tmp_path / "config.db") as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()

    with pytest.raises(StoreError):
        Store.open(tmp_path / "config.db")


def test_the_store_runs_in_wal_mode(node):
    (mode,) = node.store._db.execute("PRAGMA journal_mode").fetchone()
    (sync,) = node.store._db.execute("PRAGMA synchronous").fetchone()
    assert mode == "wal"
    assert sync == 1  # NORMAL


def test_one_entity_delta_with_30k_entities_stored_takes_about_a_millisecond(fake_cp, node):
    fake_cp.seed("consumers", 30_000, custom_id="x" * 40)
    node.feed(fake_cp.snapshot())
    target = next(iter(fake_cp.config["consumers"]))
    timings = []
    for n in range(50):
        delta = fake_cp.update("consumers", target, custom_id=f"v{n}")
        frame = protocol.encode(delta)
        started = time.perf_counter()
        reply = node.applier.apply(decode_frame(frame.data))
        timings.append((time.perf_counter() - started) * 1000)
        assert reply["type"] == "ack"

    # ~1 ms on a laptop; the bound leaves room for a loaded CI machine, while a full rewrite
    # or a full rehash of 30k entities (hundreds of ms) would still fail it.
    assert statistics.median(timings) < 10, timings
    assert node.store.config_hash == fake_cp.hash
