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
