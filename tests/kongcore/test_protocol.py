"""The wire protocol's encoding, decoding and field checks."""

import json
import zlib

import pytest

from kongcore import protocol


def test_small_messages_travel_as_text_and_large_ones_compressed() -> None:
    small = protocol.encode(protocol.ping(ts=1.0))
    assert not small.is_binary and small.wire_bytes == small.raw_bytes
    large = protocol.encode({"type": "delta", "blob": "x" * 10_000})
    assert large.is_binary and large.wire_bytes < large.raw_bytes
    assert json.loads(zlib.decompress(large.data))["blob"] == "x" * 10_000  # type: ignore[arg-type]


def test_decoding_returns_the_message_and_its_raw_size() -> None:
    frame = protocol.encode({"type": "delta", "blob": "y" * 5000})
    message, raw = protocol.decode(frame.data, max_raw_bytes=10**6)
    assert message["blob"] == "y" * 5000 and raw == frame.raw_bytes


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ("{nope", protocol.CLOSE_PROTOCOL_ERROR),
        ("[1, 2]", protocol.CLOSE_PROTOCOL_ERROR),
        ('{"type": "ping", "ts": NaN}', protocol.CLOSE_PROTOCOL_ERROR),
        (b"not zlib", protocol.CLOSE_PROTOCOL_ERROR),
        (zlib.compress(b"{" + b" " * 5000 + b"}"), protocol.CLOSE_TOO_LARGE),
        ("x" * 2000, protocol.CLOSE_TOO_LARGE),
    ],
    ids=["invalid-json", "not-an-object", "nan", "bad-zlib", "inflates-too-far", "too-long"],
)
def test_bad_frames_raise_a_protocol_error_with_their_close_code(
    data: str | bytes, code: int
) -> None:
    with pytest.raises(protocol.ProtocolError) as raised:
        protocol.decode(data, max_raw_bytes=1000)
    assert raised.value.code == code


def test_field_checks_name_the_field_at_fault() -> None:
    message = {
        "type": "ack",
        "version": "1",
        "hash": "h",
        "wire_bytes": 1,
        "raw_bytes": 1,
        "apply_ms": 1,
    }
    with pytest.raises(protocol.ProtocolError, match="'ack.version' must be a int"):
        protocol.check_fields(message, protocol.NODE_MESSAGE_TYPES)


def test_a_boolean_is_never_accepted_as_a_number() -> None:
    message = protocol.ack(version=1, config_hash="h", wire_bytes=1, raw_bytes=1, apply_ms=1)
    message["version"] = True
    with pytest.raises(protocol.ProtocolError):
        protocol.check_fields(message, protocol.NODE_MESSAGE_TYPES)


def test_a_node_may_not_send_server_messages() -> None:
    with pytest.raises(protocol.ProtocolError, match="unknown message type 'snapshot'"):
        protocol.check_fields({"type": "snapshot"}, protocol.NODE_MESSAGE_TYPES)


def test_a_change_on_the_wire_leaves_the_old_entity_to_the_node() -> None:
    old = {"id": "e1", "name": "a", "host": "old.example"}
    new = {"id": "e1", "name": "a", "host": "new.example"}
    update = protocol.wire_change(
        {"op": "update", "entity_type": "services", "entity": new, "old_entity": old}
    )
    assert (update["entity"], update["old_entity"]) == (new, None)
    delete = protocol.wire_change(
        {"op": "delete", "entity_type": "services", "entity": None, "old_entity": old}
    )
    assert (delete["entity"], delete["old_entity"]) == (None, {"id": "e1"})


def test_a_large_binary_frame_travels_as_parts_that_join_back() -> None:
    import os

    frame = protocol.Frame(os.urandom(2 * protocol.PART_BYTES + 10), 0)
    parts = protocol.split(frame)
    assert len(parts) == 3 and all(len(p) <= protocol.MAX_MESSAGE_BYTES for p in parts)
    assert all(protocol.is_part(p) for p in parts)
    assembler = protocol.PartAssembler()
    assert assembler.add(parts[0]) is None and assembler.add(parts[1]) is None  # type: ignore[arg-type]
    whole, wire_bytes = assembler.add(parts[2])  # type: ignore[arg-type,misc]
    assert whole == frame.data and wire_bytes == sum(len(p) for p in parts)


def test_a_small_frame_is_not_split() -> None:
    frame = protocol.encode({"type": "delta", "blob": "z" * 10_000})
    assert protocol.split(frame) == [frame.data] and not protocol.is_part(frame.data)


def test_parts_out_of_order_are_refused() -> None:
    parts = protocol.split(protocol.Frame(b"\x78" * (protocol.PART_BYTES * 3), 0))
    assembler = protocol.PartAssembler()
    assembler.add(parts[0])  # type: ignore[arg-type]
    with pytest.raises(protocol.ProtocolError) as raised:
        assembler.add(parts[2])  # type: ignore[arg-type]
    assert raised.value.code == protocol.CLOSE_OUT_OF_ORDER


def test_parts_adding_up_past_the_limit_are_refused() -> None:
    parts = protocol.split(protocol.Frame(b"\x78" * 300, 0), part_bytes=100)
    assembler = protocol.PartAssembler(max_bytes=150)
    assembler.add(parts[0])  # type: ignore[arg-type]
    with pytest.raises(protocol.ProtocolError) as raised:
        assembler.add(parts[1])  # type: ignore[arg-type]
    assert raised.value.code == protocol.CLOSE_TOO_LARGE
