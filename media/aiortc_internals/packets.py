"""The packet path's sender side: aiortc's ``RTCRtpSender`` RTP loop replaced by a
:class:`PacketSink` (part of :mod:`media.aiortc_internals`: every aiortc internal it
touches is listed there and guarded by ``tests/unit/test_aiortc_internals.py``)."""

from __future__ import annotations

import asyncio
import logging
import struct
from collections.abc import Awaitable, Callable
from typing import Any

from aiortc import RTCRtpSender, rtcrtpsender
from aiortc.rtcdtlstransport import State as DtlsState

from media.rtp_in import RtpIn

logger = logging.getLogger(__name__)

_SENDER = "_RTCRtpSender__"
_MID, _NTP, _RTP_TS, _OCTETS, _PACKETS = (
    _SENDER + name for name in ("mid", "ntp_timestamp", "rtp_timestamp", "octet_count",
                                "packet_count"))
"""The sender's private fields the sink reads or keeps, named once (not per packet)."""
_RTX_TYPE, _RTX_SEQ = _SENDER + "rtx_payload_type", _SENDER + "rtx_sequence_number"
_EXT_IDS = "_HeaderExtensionsMap__ids"
_RTP_HEADER = struct.Struct("!BBHII")


class PacketSink:
    """Sends one subscriber's rewritten packets to its connection as they come: the
    RTP header is packed here, the packet SRTP-protected and handed to the ICE pair's
    socket in the same call. No queue, no task wake-up, no ``RtpPacket`` per packet;
    the subscriber's forwarding is the publisher's own call stack.

    Keeps what aiortc's sender reads for sender reports (``__ntp_timestamp``,
    ``__rtp_timestamp``, ``__octet_count``, ``__packet_count``) and answers NACKs from
    its own history of serialized packets (RTX-wrapped where negotiated), through
    ``_retransmit``, which the sender looks up on the instance. It does not count the
    DTLS transport's own sent bytes/packets (``getStats`` of the transport; unused).

    Args:
        sender: The subscriber's sender (its ``send`` started: mid and header
            extensions are negotiated).
        payload_type: The negotiated payload type of the codec.
    """

    def __init__(self, sender: RTCRtpSender, payload_type: int) -> None:
        self._sender = sender
        self._fields = vars(sender)
        self._ssrc = sender._ssrc
        self._payload_type = payload_type
        self._history: dict[int, bytes] = {}
        self._history_size: int = vars(rtcrtpsender)["RTP_HISTORY_SIZE"]
        self.octets = self.packets = self.errors = 0
        self._pair: object = None
        self._sendto: tuple[Callable[[bytes, tuple[str, int]], None], tuple[str, int]]
        ids = getattr(getattr(sender, _SENDER + "rtp_header_extensions_map"), _EXT_IDS)
        mid = (getattr(sender, _MID) or "").encode()
        fixed = bytes([ids.mid << 4 | len(mid) - 1]) + mid if ids.mid and mid else b""
        if ids.abs_send_time:
            fixed += bytes([ids.abs_send_time << 4 | 2])
        self._with_time = bool(ids.abs_send_time)
        self._level_id = ids.audio_level << 4 if ids.audio_level else 0
        self._plain = self._extension_head(fixed, 0)
        self._leveled = self._extension_head(fixed, 2) if self._level_id else self._plain

    def _extension_head(self, fixed: bytes, more: int) -> tuple[int, bytes, bytes]:
        """(first header byte, one-byte extension block head, its padding) for ``fixed``
        elements plus the 3-byte send time and ``more`` bytes of varying elements."""
        size = len(fixed) + (3 if self._with_time else 0) + more
        if not size:
            return 0x80, b"", b""
        words = (size + 3) // 4
        return 0x90, b"\xbe\xde" + words.to_bytes(2, "big") + fixed, bytes(4 * words - size)

    def send(self, sequence_number: int, timestamp: int, packet: RtpIn) -> None:
        """Serializes, protects and sends one packet; never raises, never blocks (a
        packet that cannot be sent now, e.g. before DTLS is up, is dropped: it is
        in the history for a NACK)."""
        level = packet.audio_level
        if level is not None and self._level_id:
            first, head, pad = self._leveled
            varying = bytes((self._level_id, (0x80 if level[0] else 0) | level[1] & 0x7F))
        else:
            first, head, pad = self._plain
            varying = b""
        data = b"".join((
            _RTP_HEADER.pack(first, packet.marker << 7 | self._payload_type, sequence_number,
                             timestamp, self._ssrc),
            head, packet.abs_send_time if self._with_time else b"", varying, pad,
            packet.payload))
        self._history[sequence_number % self._history_size] = data
        self._transmit(data)
        self.octets += len(packet.payload)
        self.packets += 1
        fields = self._fields  # the sender's own __dict__: what its RTCP loop reads
        fields[_NTP] = packet.ntp
        fields[_RTP_TS] = timestamp
        fields[_OCTETS] = self.octets
        fields[_PACKETS] = self.packets

    def _transmit(self, data: bytes) -> None:
        try:
            dtls = self._sender.transport
            if dtls._state is not DtlsState.CONNECTED:
                return
            pair = dtls.transport._connection._nominated.get(1)
            if pair is None:
                return
            if pair is not self._pair:  # read once per pair: remote_addr builds a tuple
                self._pair, self._sendto = pair, (pair.protocol.transport.sendto,
                                                  pair.remote_addr)
            sendto, addr = self._sendto
            sendto(dtls._tx_srtp.protect(data), addr)
        except Exception:  # a broken connection must not stop the publisher's fan-out
            self.errors += 1
            if self.errors == 1:
                logger.exception("sending a forwarded packet failed")

    async def retransmit(self, sequence_number: int) -> None:
        """Answers a NACK from the history (stands in for the sender's ``_retransmit``)."""
        data = self._history.get(sequence_number % self._history_size)
        if data is None or int.from_bytes(data[2:4], "big") != sequence_number:
            return
        rtx_type = getattr(self._sender, _RTX_TYPE)
        if rtx_type is not None:  # RFC 4588: own SSRC and numbers, original seq first
            end = 12 + (4 + 4 * int.from_bytes(data[14:16], "big") if data[0] & 0x10 else 0)
            rtx_seq: int = getattr(self._sender, _RTX_SEQ)
            setattr(self._sender, _RTX_SEQ, (rtx_seq + 1) & 0xFFFF)
            data = b"".join((
                bytes((data[0], data[1] & 0x80 | rtx_type)), rtx_seq.to_bytes(2, "big"),
                data[4:8], self._sender._rtx_ssrc.to_bytes(4, "big"), data[12:end],
                data[2:4], data[end:]))
        self._transmit(data)


def install_packet_sender(
    sender: RTCRtpSender,
    start_sending: Callable[[Callable[[int, int, RtpIn], None]], Awaitable[None]],
) -> None:
    """Makes ``sender`` forward packets through a :class:`PacketSink` instead of
    packetizing frames of its track. When aiortc starts the sender's RTP loop, the
    sink's ``send`` is given to ``start_sending``, whose result is awaited until the
    subscriber stops or the sender is stopped. Must be called before ``send``.

    Raises:
        RuntimeError: If aiortc no longer has the expected attributes.
    """
    missing = [name for name in ("rtp_header_extensions_map", "rtp_started", "rtp_exited",
                                 "mid", "packet_count", "rtx_payload_type",
                                 "rtx_sequence_number")
               if not hasattr(sender, _SENDER + name)]
    if missing or not hasattr(sender, "_run_rtp") or not hasattr(sender, "_retransmit"):
        raise RuntimeError(f"aiortc internals changed: RTCRtpSender lacks {missing}")

    async def run_rtp(codec: Any) -> None:
        sink = PacketSink(sender, codec.payloadType)
        sender._retransmit = sink.retransmit  # type: ignore[method-assign]
        getattr(sender, _SENDER + "rtp_started").set()
        try:
            await start_sending(sink.send)
        except asyncio.CancelledError:
            pass
        finally:
            getattr(sender, _SENDER + "rtp_exited").set()

    sender._run_rtp = run_rtp  # type: ignore[method-assign]
