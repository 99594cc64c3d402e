"""One clock for every packet-mode bot of a process: it sends the frames due and reads
the sockets, every :data:`TICK` seconds.

On this kind of machine the event loop's per-datagram path (epoll wake-up, a handle
per readable socket, ``_read_ready``) costs several times what the bots do with a
packet. So the bots' UDP sockets are taken away from the event loop (the transport
stops reading, the transport itself stays as it is) and read here instead, drained
every tick from a selector of their own: a process wakes a few hundred times a
second whatever the number of bots, and a packet waits at most one tick to be counted.
Frames are sent on the same grid, each sender keeping its own phase.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import selectors
import socket
import weakref
from collections.abc import Callable
from typing import Any, Protocol

logger = logging.getLogger(__name__)

TICK = 0.004
"""Seconds between two rounds of sending and reading."""
DRAIN = 64
"""Datagrams read from one socket per tick at most (the rest waits for the next)."""
RECEIVE_BUFFER = 1 << 20
"""Bytes of UDP receive buffer asked for each watched socket (the kernel caps it at
``net.core.rmem_max``)."""
SWEEP_TICKS = 250
"""Ticks between two sweeps of the sockets whose transports have closed."""


class Paced(Protocol):
    """A sender the clock drives."""

    def send_frame(self) -> float | None:
        """Sends what is due; returns when to be called again (None: never)."""

    def stop(self) -> None:
        """Stops for good (after an error)."""


class MediaClock:
    """Per event loop (see :func:`clock`): sends the frames due and drains the watched
    sockets every :data:`TICK`, while there is something to do."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._selector = selectors.DefaultSelector()
        self._slots: dict[int, list[Paced]] = {}
        self._next = math.ceil(loop.time() / TICK)
        self._timer: asyncio.TimerHandle | None = None
        self._ticks = 0

    def add(self, sender: Paced, due: float) -> None:
        """Calls ``sender.send_frame()`` at the first tick from ``due`` on."""
        slot = max(math.ceil(due / TICK), self._next)
        self._slots.setdefault(slot, []).append(sender)
        self._run()

    def watch(self, transport: Any, handler: Callable[[bytes, Any], None]) -> bool:
        """Reads the socket of ``transport`` (an asyncio datagram transport) from now on
        and hands each datagram to ``handler`` instead of the transport's protocol.
        Returns false, doing nothing, for another kind of transport (e.g. aioice's TURN
        relay) or a closed one."""
        sock = getattr(transport, "_sock", None)
        if (not isinstance(sock, socket.socket) or not hasattr(transport, "pause_reading")
                or transport.is_closing() or sock.fileno() < 0):
            return False
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        transport.pause_reading()
        fd = sock.fileno()
        self._forget(fd)  # a closed socket's number, reused
        self._selector.register(fd, selectors.EVENT_READ, (sock, transport, handler))
        self._run()
        return True

    def _run(self) -> None:
        if self._timer is None:
            self._timer = self._loop.call_at(self._next * TICK, self._tick)

    def _forget(self, fd: int) -> None:
        with contextlib.suppress(KeyError, OSError, ValueError):
            self._selector.unregister(fd)

    def _tick(self) -> None:
        self._timer = None
        self._read()
        current = math.floor(self._loop.time() / TICK)
        while self._next <= current:
            senders = self._slots.pop(self._next, ())
            self._next += 1
            for sender in senders:
                try:
                    due = sender.send_frame()
                except Exception:  # one broken sender must not stop the others
                    logger.exception("packet sender stopped")
                    sender.stop()
                    continue
                if due is not None:
                    self.add(sender, due)
        self._ticks += 1
        watched = self._selector.get_map()
        if self._ticks % SWEEP_TICKS == 0:
            for key in list(watched.values()):
                if key.data[1].is_closing():
                    self._forget(key.fd)
        if self._slots or watched:
            self._run()

    def _read(self) -> None:
        for key, _events in self._selector.select(0):
            sock, transport, handler = key.data
            if transport.is_closing():
                self._forget(key.fd)
                continue
            for _ in range(DRAIN):
                try:
                    data, addr = sock.recvfrom(2048)
                except (BlockingIOError, InterruptedError):
                    break
                except OSError:  # e.g. an ICMP error for an earlier datagram
                    break
                try:
                    handler(data, addr)
                except Exception:
                    logger.exception("packet handler failed")


_CLOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, MediaClock] = (
    weakref.WeakKeyDictionary())


def clock() -> MediaClock:
    """The running event loop's clock."""
    loop = asyncio.get_running_loop()
    found = _CLOCKS.get(loop)
    if found is None:
        found = _CLOCKS[loop] = MediaClock(loop)
    return found
