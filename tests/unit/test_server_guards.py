"""The uvicorn and websockets internals ``signaling/edge/server_guards.py`` relies on:
this fails first when an upgrade changes them."""

from __future__ import annotations

import inspect

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import CloseCode as WsCloseCode
from websockets.server import ServerProtocol

from signaling.edge.server_guards import LIBRARY_CLOSE_CODES, guarded_http
from signaling.protocol import CloseCode


def test_the_http_protocol_still_has_the_hooks_the_request_deadline_uses() -> None:
    for hook in ("connection_made", "connection_lost", "on_message_begin",
                 "on_message_complete"):
        assert callable(getattr(HttpToolsProtocol, hook))
    source = inspect.getsource(HttpToolsProtocol)
    assert "self.loop = " in source and "self.transport = transport" in source
    assert "self.transport.set_protocol(protocol)" in source  # how an upgrade hands over


def test_the_websocket_protocol_still_builds_its_conn_and_queues_text_the_same_way() -> None:
    source = inspect.getsource(WebSocketsSansIOProtocol)
    assert "self.conn = ServerProtocol(" in source
    assert "def send_receive_event_to_app(self)" in source
    assert "self.curr_msg_data_type" in source and "self.frames" in source
    init = inspect.signature(ServerProtocol.__init__).parameters
    assert {"extensions", "max_size", "logger"} <= set(init)


def test_websockets_still_fails_bad_frames_through_fail() -> None:
    source = inspect.getsource(ServerProtocol.__mro__[1])  # the sans-I/O Protocol
    assert "self.fail(CloseCode.INVALID_DATA" in source
    assert "self.fail(CloseCode.MESSAGE_TOO_BIG" in source
    assert set(LIBRARY_CLOSE_CODES) == {WsCloseCode.INVALID_DATA, WsCloseCode.MESSAGE_TOO_BIG}
    assert {code for code, _ in LIBRARY_CLOSE_CODES.values()} == {
        CloseCode.NOT_JSON_TEXT, CloseCode.MESSAGE_TOO_BIG}


def test_the_request_deadline_is_a_class_setting() -> None:
    assert guarded_http(3.5).request_timeout == 3.5
