"""One client socket: a bounded outbox and a writer task, so fan-out never awaits a peer."""

from __future__ import annotations

import asyncio
import logging

from starlette.websockets import WebSocket, WebSocketState

from signaling.admin.metrics_counters import count_close, count_error
from signaling.protocol import AnyServerMessage, CloseCode, Error, encode

logger = logging.getLogger(__name__)

OUTBOX_SIZE = 256
"""Messages a client may lag behind before it is disconnected as too slow."""


class Connection:
    """Owns a WebSocket's writer task. ``send`` never blocks; ``close`` is idempotent."""

    def __init__(self, websocket: WebSocket, label: str = "") -> None:
        self.websocket = websocket
        self.label = label
        self._outbox: asyncio.Queue[str | tuple[int, str]] = asyncio.Queue(OUTBOX_SIZE)
        self._writer = asyncio.create_task(self._write_loop(), name=f"writer {label}")
        self.closed = False
        self.pending = 0
        """This connection's requests waiting in its session worker's inbox (the
        worker's to count)."""

    def send(self, message: AnyServerMessage) -> None:
        """Queues a message; a client that lags too far behind is closed."""
        if isinstance(message, Error):
            count_error(message.code)
        self.send_encoded(encode(message))

    def send_encoded(self, text: str) -> None:
        """Queues a message already encoded with ``protocol.encode`` (fan-out encodes
        once for every recipient)."""
        if self.closed:
            return
        try:
            self._outbox.put_nowait(text)
        except asyncio.QueueFull:
            logger.warning("closing %s: outbox full", self.label)
            self._force_close(CloseCode.TOO_SLOW, "too slow to keep up")

    def close(self, code: int = CloseCode.NORMAL, reason: str = "") -> None:
        """Closes the socket after the queued messages are written."""
        if self.closed:
            return
        self.closed = True
        count_close(code)
        try:
            self._outbox.put_nowait((code, reason))
        except asyncio.QueueFull:
            self._force_close(code, reason)

    def _force_close(self, code: int, reason: str) -> None:
        if not self.closed:
            count_close(code)
        self.closed = True
        while not self._outbox.empty():
            self._outbox.get_nowait()
        self._outbox.put_nowait((code, reason))

    async def _write_loop(self) -> None:
        try:
            while True:
                item = await self._outbox.get()
                if isinstance(item, tuple):
                    code, reason = item
                    if self.websocket.client_state == WebSocketState.CONNECTED:
                        await self.websocket.close(code, close_reason(reason))
                    return
                await self.websocket.send_text(item)
        except Exception:  # the peer went away; the reader notices and reports it
            logger.debug("writer of %s stopped", self.label, exc_info=True)

    async def wait_closed(self) -> None:
        """Stops the writer (after it flushes a close) and waits for it."""
        if not self.closed:
            self._writer.cancel()
        await asyncio.wait([self._writer])  # never swallows a cancel of the caller


MAX_CLOSE_REASON_BYTES = 123
"""A close frame's reason may carry at most this many bytes of UTF-8 (RFC 6455)."""


def close_reason(text: str) -> str:
    """``text`` cut to fit a close frame, never in the middle of a character."""
    return text.encode()[:MAX_CLOSE_REASON_BYTES].decode(errors="ignore")
