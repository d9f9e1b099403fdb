"""The lightweight nodes read what the control plane sends without inflating whole snapshots."""

from bench.fleet import parse, snapshot_header
from kongcore import protocol


def snapshot_frame(config: dict[str, list[dict[str, str]]]) -> protocol.Frame:
    message = protocol.snapshot(
        version=7,
        config_hash="a" * 64,
        committed_at=1712345678.25,
        reason="full_mode",
        config=config,
    )
    return protocol.encode(message, compress_threshold=0)


def test_a_snapshot_header_is_read_from_the_first_bytes_only() -> None:
    frame = snapshot_frame({"services": [{"id": f"s{n}"} for n in range(50_000)]})
    assert isinstance(frame.data, bytes)
    header = snapshot_header(frame.data)
    assert header == {
        "type": "snapshot",
        "version": 7,
        "hash": "a" * 64,
        "committed_at": 1712345678.25,
    }


def test_a_compressed_delta_is_not_mistaken_for_a_snapshot() -> None:
    change: protocol.Change = {
        "op": "create",
        "entity_type": "services",
        "entity": {"id": "x" * 5000},
        "old_entity": None,
    }
    message = protocol.delta(
        from_version=1, to_version=2, config_hash="b" * 64, committed_at=1.0, changes=[change]
    )
    frame = protocol.encode(message)
    assert isinstance(frame.data, bytes)
    assert snapshot_header(frame.data) is None
    parsed, wire, raw = parse(frame.data, inflate=False)
    assert parsed["type"] == "delta" and wire == frame.wire_bytes and raw == frame.raw_bytes


def test_an_inflated_snapshot_reports_its_raw_size() -> None:
    frame = snapshot_frame({"services": [{"id": "s1"}]})
    parsed, wire, raw = parse(frame.data, inflate=True)
    assert parsed["config"] == {"services": [{"id": "s1"}]}
    assert (wire, raw) == (frame.wire_bytes, frame.raw_bytes)


def test_a_text_frame_is_its_own_raw_size() -> None:
    frame = protocol.encode(protocol.ping(ts=1.0))
    assert parse(frame.data, inflate=False)[1:] == (frame.raw_bytes, frame.raw_bytes)
