"""A hostile client against a real server process (uvicorn with our guards): every bad
frame gets a typed answer, floods are refused and closed, and nobody else notices."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from signaling.protocol import PROTOCOL_VERSION, CloseCode
from tests.conftest import LiveServer, start_server


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    live = start_server({"MENTOR_ROOMS_REQUEST_HEADER_TIMEOUT_SECONDS": "1"})
    yield live
    live.stop()


def joined(server: LiveServer, sid: str, token: str, name: str) -> ClientConnection:
    ws = connect(server.ws_url(sid), max_size=2**22)
    ws.send(json.dumps({"type": "join", "protocol_version": PROTOCOL_VERSION,
                        "token": token, "display_name": name}))
    assert next_message(ws, "joined")
    return ws


def next_message(ws: ClientConnection, kind: str, timeout: float = 5) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        message: dict[str, Any] = json.loads(ws.recv(max(0.01, deadline - time.monotonic())))
        if message["type"] == kind:
            return message


def closed_with(ws: ClientConnection, timeout: float = 5) -> int | None:
    """Reads until the server closes; the close code it sent."""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ws.recv(max(0.01, deadline - time.monotonic()))
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None
    raise AssertionError("the server did not close the connection")


def still_answers(ws: ClientConnection) -> bool:
    ws.send(json.dumps({"type": "ping", "id": "alive"}))
    return bool(next_message(ws, "pong")["re"] == "alive")


@pytest.fixture
def pair(server: LiveServer) -> Iterator[tuple[ClientConnection, ClientConnection, str, str]]:
    sid, mentor = server.create_session()
    mentee = server.invite(sid, mentor, "mentee", "Ana")["token"]
    a = joined(server, sid, mentor, "Maya")
    b = joined(server, sid, mentee, "Ana")
    yield a, b, sid, mentee
    a.close()
    b.close()


@pytest.mark.parametrize("text, re", [
    ("[" * 5000 + "]" * 5000, None),
    ('{"type": "nope", "id": "\\ud800"}', None),
    ('{"type": "ping", "id": "' + "x" * 65 + '"}', None),
    ('{"type": "set_media_state", "id": "m", "audio_muted": -0, "video_muted": false}', "m"),
    ('{"type": "set_media_state", "id": "m", "audio_muted": 1e-400, "video_muted": false}', "m"),
    ('{"type": "timer_control", "id": "t", "action": "start", "seconds": Infinity}', "t"),
    ('{"type": "timer_control", "id": "t", "action": "start", "seconds": NaN}', "t"),
    ("\x00\ufffe not json", None),
])
def test_a_malformed_message_gets_a_typed_error_and_the_socket_stays_open(
        pair: tuple[ClientConnection, ClientConnection, str, str], text: str,
        re: str | None) -> None:
    a, b, _, _ = pair
    b.send(text)
    error = next_message(b, "error")
    assert (error["code"], error["re"]) == ("malformed_message", re)
    assert still_answers(b) and still_answers(a)


def test_an_id_of_64_characters_is_echoed(
        pair: tuple[ClientConnection, ClientConnection, str, str]) -> None:
    _, b, _, _ = pair
    b.send(json.dumps({"type": "ping", "id": "é" * 64}))
    assert next_message(b, "pong")["re"] == "é" * 64


@pytest.mark.parametrize("frame, code", [
    (b"\x00\x01binary", CloseCode.NOT_JSON_TEXT),
    ("x" * 200_000, CloseCode.MESSAGE_TOO_BIG),
])
def test_a_binary_or_oversize_frame_is_closed_with_our_code(
        pair: tuple[ClientConnection, ClientConnection, str, str], frame: bytes | str,
        code: CloseCode) -> None:
    a, b, _, _ = pair
    b.send(frame)
    assert closed_with(b) == code
    assert still_answers(a)


def test_text_that_is_not_utf8_is_closed_with_our_code(
        pair: tuple[ClientConnection, ClientConnection, str, str]) -> None:
    a, b, _, _ = pair
    b.send(b'{"type": "ping", "id": "\xff\xfe"}', text=True)
    assert closed_with(b) == CloseCode.NOT_JSON_TEXT
    assert still_answers(a)


def test_a_flooding_participant_is_refused_closed_and_kept_out_while_others_chat(
        server: LiveServer, pair: tuple[ClientConnection, ClientConnection, str, str]) -> None:
    a, b, sid, mentee = pair
    chat = {"type": "chat_send", "text": "spam"}
    codes: list[str] = []
    sent_by_mentor: set[str] = set()
    with pytest.raises(ConnectionClosed) as closed:
        for n in range(5000):
            if n % 500 == 0:  # a person chatting meanwhile (within their own limit)
                a.send(json.dumps({"type": "chat_send", "id": f"m{n}",
                                   "client_message_id": f"m{n}", "text": "hello"}))
                sent_by_mentor.add(f"m{n}")
            b.send(json.dumps({**chat, "client_message_id": f"f{n}"}))
        while True:  # the server answers the flood before it closes
            message = json.loads(b.recv(5))
            if message["type"] == "error":
                codes.append(message["code"])
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == CloseCode.TOO_MANY_MESSAGES
    assert set(codes) <= {"rate_limited"}
    # the mentor was never refused: every one of their messages came back as chat
    seen: set[str] = set()
    while not sent_by_mentor <= seen:
        message = json.loads(a.recv(5))
        assert message["type"] != "error", message
        if message["type"] == "chat_message":
            seen.add(message["message"]["client_message_id"])
    # the flooder's identity may not rejoin for a while
    again = connect(server.ws_url(sid))
    again.send(json.dumps({"type": "join", "protocol_version": PROTOCOL_VERSION,
                           "token": mentee, "display_name": "Ana"}))
    assert next_message(again, "error")["code"] == "rate_limited"
    assert closed_with(again) == CloseCode.TOO_MANY_MESSAGES


def test_half_open_and_slow_connections_are_closed_and_joins_stay_fast(
        server: LiveServer) -> None:
    port = int(server.base_url.rsplit(":", 1)[1])
    silent = [socket.create_connection(("127.0.0.1", port)) for _ in range(20)]
    partial = [socket.create_connection(("127.0.0.1", port)) for _ in range(20)]
    for s in partial:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
    assert httpx.get(f"{server.base_url}/healthz", timeout=2).status_code == 200
    for s in silent + partial:
        s.settimeout(4)  # the server's deadline in this test is 1 s
        assert s.recv(1024) == b"", "the server should have closed this connection"
        s.close()


def test_pages_carry_security_headers(server: LiveServer) -> None:
    for path in ("/", "/admin", "/admin/live", "/s/SE_x", "/static/room.js", "/healthz"):
        headers = httpx.get(f"{server.base_url}{path}").headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, path
        assert "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert "camera=(self)" in headers["permissions-policy"]
        assert "display-capture=(self)" in headers["permissions-policy"]


@pytest.mark.parametrize("frame, code", [
    (b"\x00binary", CloseCode.NOT_JSON_TEXT),
    ("[" * 5000 + "]" * 5000, CloseCode.BAD_JOIN),
    ("x" * 200_000, CloseCode.MESSAGE_TOO_BIG),
])
def test_the_admin_socket_answers_bad_frames_with_our_codes(
        server: LiveServer, frame: bytes | str, code: CloseCode) -> None:
    with connect(server.ws_base + "/ws/admin") as ws:
        ws.send(frame)
        assert closed_with(ws) == code
