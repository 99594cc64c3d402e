"""The HTTP server's own guards: the only module that touches uvicorn's and websockets'
internals (``tests/unit/test_server_guards.py`` fails if what it relies on changes).

- A TCP connection must complete its HTTP request (headers and body) within a deadline,
  or it is closed: half-open and slow-loris connections cannot pile up.
- A WebSocket frame the protocol layer refuses is closed with a code of ours instead of
  the library's: text that is not UTF-8 gets :attr:`CloseCode.NOT_JSON_TEXT` (not 1007),
  a frame over the size limit :attr:`CloseCode.MESSAGE_TOO_BIG` (not 1009).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import CloseCode as WsCloseCode
from websockets.server import ServerProtocol

from signaling.protocol import CloseCode

LIBRARY_CLOSE_CODES = {
    WsCloseCode.INVALID_DATA: (CloseCode.NOT_JSON_TEXT, "frames must be UTF-8 JSON text"),
    WsCloseCode.MESSAGE_TOO_BIG: (CloseCode.MESSAGE_TOO_BIG, "message too large"),
}
"""The library's refusals we answer with our own close code and reason."""


class _OurCloseCodes(ServerProtocol):
    """websockets' sans-I/O server protocol, failing with our close codes."""

    def fail(self, code: WsCloseCode | int, reason: str = "") -> None:
        ours = LIBRARY_CLOSE_CODES.get(int(code))  # type: ignore[call-overload]
        if ours is not None:
            code, reason = int(ours[0]), ours[1]
        super().fail(code, reason)


class GuardedWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's sans-I/O WebSocket protocol with :class:`_OurCloseCodes`, handing a
    text message that is not UTF-8 to the app as bytes (the app closes any non-text
    message with :attr:`CloseCode.NOT_JSON_TEXT`) instead of logging a traceback and
    closing with 1007."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        conn = self.conn
        self.conn = _OurCloseCodes(
            extensions=conn.available_extensions,
            max_size=(conn.max_message_size, conn.max_fragment_size),
            logger=conn.logger)

    def send_receive_event_to_app(self) -> None:
        if self.curr_msg_data_type == "text":
            try:
                b"".join(self.frames).decode()
            except UnicodeDecodeError:
                self.curr_msg_data_type = "bytes"
        super().send_receive_event_to_app()


class GuardedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol that closes a connection whose request is not
    complete within :attr:`request_timeout` seconds of the connection (first request)
    or of the request's first byte (later requests on a kept-alive connection)."""

    request_timeout = 10.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._request_deadline: asyncio.TimerHandle | None = None
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._request_deadline is None:
            self._arm()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._request_deadline = self.loop.call_later(self.request_timeout, self._expired)

    def _disarm(self) -> None:
        if self._request_deadline is not None:
            self._request_deadline.cancel()
            self._request_deadline = None

    def _expired(self) -> None:
        self._request_deadline = None
        transport = self.transport
        if transport.get_protocol() is not self:  # upgraded to a WebSocket: not ours now
            return
        if not transport.is_closing():
            transport.close()


def guarded_http(request_timeout: float) -> type[GuardedHttpProtocol]:
    """The HTTP protocol class for uvicorn's ``http=`` with this request deadline."""
    return type("GuardedHttp", (GuardedHttpProtocol,), {"request_timeout": request_timeout})
