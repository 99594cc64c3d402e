"""The wire schema and its JS mirror."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from session_room.errors import ErrorCode
from signaling import protocol
from signaling.protocol.js import JS_PATH, render


def test_the_committed_js_mirror_matches_the_python_protocol() -> None:
    assert JS_PATH.read_text(encoding="utf-8") == render(), (
        "web_client/protocol.js drifted: run python -m signaling.protocol.js")


def test_every_message_type_round_trips_through_json() -> None:
    join = protocol.Join(id="1", protocol_version=1, token="t", display_name="Ana")
    assert protocol.parse_client(protocol.encode(join)) == join
    err = protocol.Error(re="1", code=ErrorCode.ROOM_FULL, message="full")
    assert protocol.parse_server(protocol.encode(err)) == err


@pytest.mark.parametrize("text", [
    "not json",
    '{"type": "nope"}',
    '{"type": "join", "protocol_version": 1, "token": "t"}',
    '{"type": "ping", "extra": 1}',
    '{"type": "publish_offer", "sdp": ""}',
])
def test_malformed_client_messages_are_rejected(text: str) -> None:
    with pytest.raises(ValidationError):
        protocol.parse_client(text)


def test_schema_names_both_directions_and_the_version() -> None:
    schema = protocol.json_schema()
    assert schema["protocol_version"] == protocol.PROTOCOL_VERSION
    assert "join" in schema["client"]["discriminator"]["mapping"]
    assert "subscribe_offer" in schema["server"]["discriminator"]["mapping"]


def test_a_close_reason_is_cut_to_123_bytes_without_splitting_a_character() -> None:
    from signaling.edge.connection import close_reason

    cut = close_reason("Reason: " + "é" * 200)
    assert len(cut.encode()) <= 123 and cut.startswith("Reason: é")
    assert close_reason("short") == "short"
