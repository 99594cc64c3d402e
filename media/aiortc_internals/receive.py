"""Received SRTP handled in the ICE socket's callback (part of
:mod:`media.aiortc_internals`: every aiortc/aioice internal it touches is listed there
and guarded by ``tests/unit/test_aiortc_internals.py``)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

import pylibsrtp
from aiortc import RTCPeerConnection
from aiortc.rtcdtlstransport import RTCDtlsTransport
from aiortc.rtp import is_rtcp

logger = logging.getLogger(__name__)

NTP_MS_OFFSET = 2_208_988_800_000
"""Milliseconds from the NTP epoch to the Unix epoch (aiortc's ``clock.current_ms``)."""


def install_direct_receive(pc: RTCPeerConnection) -> None:
    """Hands every SRTP/SRTCP datagram of ``pc``'s connections to its DTLS transport's
    handler in the ICE socket's own callback, instead of through aioice's queue and
    the transport's receive task (a task wake-up per datagram). DTLS and STUN still
    take the stock path. The handler runs synchronously to its end (its sends never
    wait); should it ever wait, it finishes in a task of its own. The DTLS transport's
    own received-bytes/packets counters (``getStats`` of the transport) stop counting
    media. Idempotent; call once the transports exist (after a description is set).
    """
    for transceiver in pc.getTransceivers():
        dtls = transceiver.receiver.transport
        connection = dtls.transport._connection
        if getattr(connection, "_mentor_rooms_direct", False):
            continue
        connection._mentor_rooms_direct = True  # type: ignore[attr-defined]
        connection.data_received = _direct_receiver(  # type: ignore[method-assign, assignment]
            dtls, connection.data_received)


def _direct_receiver(dtls: RTCDtlsTransport,
                     stock: Callable[[bytes, int], None]) -> Callable[[bytes, int], None]:
    def data_received(data: bytes, component: int) -> None:
        srtp = dtls._rx_srtp
        if not srtp or not 127 < data[0] < 192:
            stock(data, component)
            return
        try:
            if is_rtcp(data):
                handler = dtls._handle_rtcp_data(srtp.unprotect_rtcp(data))
            else:
                handler = dtls._handle_rtp_data(srtp.unprotect(data), arrival_time_ms=int(
                    time.time() * 1000) + NTP_MS_OFFSET)
        except pylibsrtp.Error:
            return  # as the stock path: a packet that does not authenticate is dropped
        run_now(handler)

    return data_received


_DONE = object()


def _step(coroutine: Coroutine[Any, Any, None]) -> Any:
    """Advances ``coroutine`` once: what it now waits on, or ``_DONE`` once it ended
    (an error is logged, never raised to the caller)."""
    try:
        return coroutine.send(None)
    except StopIteration:
        return _DONE
    except Exception:
        logger.exception("handling a received packet failed")
        return _DONE


def run_now(coroutine: Coroutine[Any, Any, None]) -> None:
    """Runs ``coroutine`` in this call until it ends or first waits; if it waits, a
    task drives the rest. Errors are logged, never raised to the caller."""
    waiting_on = _step(coroutine)
    if waiting_on is not _DONE:
        asyncio.ensure_future(_drive(coroutine, waiting_on))


async def _drive(coroutine: Coroutine[Any, Any, None], waiting_on: Any) -> None:
    try:
        while waiting_on is not _DONE:
            if waiting_on is None:  # a bare yield (sleep(0))
                await asyncio.sleep(0)
            else:  # an asyncio future: resume once it is done, as a task would
                await asyncio.wait({waiting_on})
            waiting_on = _step(coroutine)
    finally:
        coroutine.close()
