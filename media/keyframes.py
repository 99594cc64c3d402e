"""Keyframe requests sent upstream for one video stream (one simulcast layer): one
request per need, never a storm.

Needs that come while a request is outstanding (sent, no keyframe since) share it,
and it is repeated only after :data:`KEYFRAME_RETRY_SECONDS`; otherwise requests are
at least :data:`KEYFRAME_REQUEST_INTERVAL` apart (a need inside the interval is
deferred, not lost). A keyframe cancels a deferred request.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

KEYFRAME_REQUEST_INTERVAL = 0.35
"""Seconds between two keyframe requests sent upstream for one stream (Chrome
ignores a PLI that comes less than 300 ms after the previous one)."""
KEYFRAME_RETRY_SECONDS = 0.7
"""An unanswered keyframe request is repeated after this long (the request or the
keyframe was lost); while one is outstanding, further needs share it."""


class KeyframeRequests:
    """The keyframe requests of one upstream stream.

    Args:
        send: Coroutine factory that sends one request (a PLI) upstream.
    """

    def __init__(self, send: Callable[[], Awaitable[None]]) -> None:
        self._send = send
        self.sent = 0
        self._last_request = -1e9
        self._task: asyncio.Future[None] | None = None
        self._deferred: asyncio.TimerHandle | None = None
        self._outstanding = False
        """A request was sent and no keyframe has arrived since."""
        self._closed = False

    def arrived(self) -> None:
        """A keyframe arrived: it answers every need so far."""
        self._outstanding = False
        if self._deferred is not None:
            self._deferred.cancel()
            self._deferred = None

    def request(self) -> None:
        """Asks for a keyframe (see the module docstring for the pacing)."""
        if self._closed or self._deferred is not None:
            return
        pause = KEYFRAME_RETRY_SECONDS if self._outstanding else KEYFRAME_REQUEST_INTERVAL
        wait = self._last_request + pause - time.monotonic()
        if wait > 0:
            self._deferred = asyncio.get_running_loop().call_later(wait, self._send_now)
            return
        self._send_now()

    def _send_now(self) -> None:
        self._deferred = None
        if self._closed:
            return
        self._last_request = time.monotonic()
        self._outstanding = True
        self.sent += 1
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._send())

    def close(self) -> None:
        """Cancels what is pending. Idempotent."""
        self._closed = True
        if self._task is not None:
            self._task.cancel()
        if self._deferred is not None:
            self._deferred.cancel()
            self._deferred = None
