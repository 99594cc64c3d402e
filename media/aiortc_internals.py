"""Every use of aiortc/aioice internals, in one place.

The relay relies on these private details of aiortc 1.16.0 / aioice 0.13 (pinned in
pyproject.toml); ``tests/unit/test_aiortc_internals.py`` fails if they change:

* ``RTCRtpReceiver._RTCRtpReceiver__jitter_buffer``: replaced per relayed receiver
  by :class:`PassthroughBuffer`, which assembles frames itself and hands them to
  the relay instead of to the decoder thread (so nothing is decoded). The
  receiver's ``_handle_rtp_packet`` still does SRTP, RTX unwrapping, NACKs, REMB
  and statistics; it calls ``buffer.add(packet)`` with ``packet._data`` set to the
  depayloaded payload and forwards a frame to the decoder only if one is returned
  (we return none, so the idle decoder thread just waits).
  On the packet path the buffer hands each packet on as it arrives instead
  (``packet.payload`` is the raw RTP payload, VP8 descriptor included).
* ``RTCRtpSender._run_rtp(codec)``: looked up on the instance when ``send`` starts;
  on the packet path :func:`install_packet_sender` replaces it with a loop that sends
  the subscriber's rewritten packets as they are (no packetizing), keeping what the
  stock loop keeps for retransmissions and sender reports: ``__rtp_history``,
  ``__ntp_timestamp``, ``__rtp_timestamp``, ``__octet_count``, ``__packet_count``,
  and setting ``__rtp_started`` / ``__rtp_exited``; ``__mid`` and
  ``__rtp_header_extensions_map`` are read from the sender.
* ``RTCRtpReceiver._send_rtcp_pli(media_ssrc)``: sends a keyframe request upstream.
* ``RTCRtpSender._send_keyframe``: looked up on the instance when a subscriber's
  PLI/FIR arrives; we re-point it to the publisher's throttled keyframe request
  (the stock one sets an encoder flag that the passthrough path ignores).
* ``RTCRtpReceiver._RTCRtpReceiver__remote_streams``: per-SSRC ``StreamStatistics``
  (packets received and lost, jitter in clock units) that ``getStats`` reports;
  read synchronously for the uplink quality sampler, leaving out the SSRCs in
  ``RTCRtpReceiver._RTCRtpReceiver__rtx_ssrc`` (retransmission streams).
* ``aioice.ice.get_host_addresses``: looked up at call time by
  ``Connection.gather_candidates``; replaced to gather host candidates only on the
  configured addresses (e.g. 127.0.0.1 in tests, which aioice skips by default).
"""

from __future__ import annotations

import asyncio
import logging
import struct
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aioice.ice
from aiortc import RTCRtpReceiver, RTCRtpSender, rtcrtpsender
from aiortc.rtcdtlstransport import State as DtlsState

from media.assembler import DEFAULT_GAP_TIMEOUT, AssembledFrame, FrameAssembler
from media.events import StreamCounters
from media.forwarder import RtpIn

logger = logging.getLogger(__name__)

_JITTER_ATTR = "_RTCRtpReceiver__jitter_buffer"
_SENDER = "_RTCRtpSender__"
_MID, _NTP, _RTP_TS, _OCTETS, _PACKETS = (
    _SENDER + name for name in ("mid", "ntp_timestamp", "rtp_timestamp", "octet_count",
                                "packet_count"))
"""The sender's private fields the packet loop reads or keeps, named once (not per
packet)."""
_RTX_TYPE, _RTX_SEQ = _SENDER + "rtx_payload_type", _SENDER + "rtx_sequence_number"
_EXT_IDS = "_HeaderExtensionsMap__ids"
_RTP_HEADER = struct.Struct("!BBHII")
_STREAMS_ATTR = "_RTCRtpReceiver__remote_streams"
_RTX_ATTR = "_RTCRtpReceiver__rtx_ssrc"
_ORIGINAL_GET_HOST_ADDRESSES = aioice.ice.get_host_addresses


class PassthroughBuffer:
    """Stands in for aiortc's ``JitterBuffer`` on a relayed receiver.

    Args:
        kind: ``"audio"`` or ``"video"``.
        gap_timeout: Seconds before an incomplete video frame is given up.

    Attributes:
        on_frame: Receives each assembled frame, on the event loop.
        on_keyframe_needed: Called when a frame was given up (a keyframe is needed).
    """

    def __init__(self, kind: str, gap_timeout: float = DEFAULT_GAP_TIMEOUT) -> None:
        self.assembler = FrameAssembler(is_video=kind == "video", gap_timeout=gap_timeout)
        self.ssrc: int | None = None
        self.on_frame: Callable[[AssembledFrame], None] = lambda frame: None
        self.on_keyframe_needed: Callable[[], None] = lambda: None
        self.on_packet: Callable[[int, int, bool, bytes, tuple[bool, int] | None], None] | None
        self.on_packet = None
        """Set: the packet path (each packet handed on as it arrives, no assembly)."""

    @property
    def capacity(self) -> int:
        """Mirrors ``JitterBuffer.capacity`` (unused by the receiver)."""
        return 0

    def add(self, packet: Any) -> tuple[bool, None]:
        """Called by the receiver for each media packet; returns ``(pli, frame)``."""
        self.ssrc = packet.ssrc
        payload: bytes = packet.payload
        if self.on_packet is not None:
            self.on_packet(packet.sequence_number, packet.timestamp, bool(packet.marker),
                           payload, packet.extensions.audio_level)
            return False, None
        frames, want_keyframe = self.assembler.add(
            sequence_number=packet.sequence_number,
            timestamp=packet.timestamp,
            marker=bool(packet.marker),
            payload_head=payload[0] if payload else 0,
            data=packet._data,
            now=time.monotonic(),
        )
        for frame in frames:
            self.on_frame(frame)
        if want_keyframe:
            self.on_keyframe_needed()
        return False, None


def install_passthrough(receiver: RTCRtpReceiver, buffer: PassthroughBuffer) -> None:
    """Makes ``receiver`` hand assembled encoded frames to ``buffer``'s callbacks.

    Must be called before the receiver starts (from the peer connection's
    ``track`` event).

    Raises:
        RuntimeError: If aiortc no longer has the expected attribute.
    """
    if not hasattr(receiver, _JITTER_ATTR):
        raise RuntimeError("aiortc internals changed: receiver has no jitter buffer")
    setattr(receiver, _JITTER_ATTR, buffer)


async def send_keyframe_request(receiver: RTCRtpReceiver, buffer: PassthroughBuffer) -> None:
    """Sends a PLI for the stream ``buffer`` has seen (no-op before any packet)."""
    if buffer.ssrc is not None:
        await receiver._send_rtcp_pli(buffer.ssrc)


def receiver_streams(receiver: RTCRtpReceiver, clock_rate: int) -> list[StreamCounters]:
    """The counters ``getStats`` would report per inbound stream of a receiver, read
    without awaiting. Retransmission (RTX) streams are left out: aiortc counts them
    before unwrapping, and a browser's bandwidth-probing padding on them has
    timestamps unrelated to playback (its "jitter" reads as minutes)."""
    rtx = set(getattr(receiver, _RTX_ATTR, {}))
    return [
        StreamCounters(ssrc, stream.packets_received, max(0, stream.packets_lost),
                       1000.0 * stream.jitter / clock_rate)
        for ssrc, stream in getattr(receiver, _STREAMS_ATTR, {}).items()
        if ssrc not in rtx
    ]


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


def route_keyframe_requests(sender: RTCRtpSender, callback: Callable[[], None]) -> None:
    """Makes PLI/FIR received for ``sender`` call ``callback`` instead."""
    sender._send_keyframe = callback  # type: ignore[method-assign]


def restrict_host_addresses(addresses: list[str] | None) -> None:
    """Gathers ICE host candidates only on ``addresses`` (``None``: aioice default).

    This is process-wide: every aiortc connection in the process is affected.
    """
    if addresses is None:
        aioice.ice.get_host_addresses = _ORIGINAL_GET_HOST_ADDRESSES
        return
    chosen = list(addresses)

    def get_host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
        return [a for a in chosen if (":" in a and use_ipv6) or (":" not in a and use_ipv4)]

    aioice.ice.get_host_addresses = get_host_addresses


def check_internals() -> list[str]:
    """Returns the internals this module needs that are missing (empty if all there)."""
    missing: list[str] = []
    if not hasattr(RTCRtpReceiver, "_send_rtcp_pli"):
        missing.append("RTCRtpReceiver._send_rtcp_pli")
    if not hasattr(RTCRtpReceiver, "_handle_rtp_packet"):
        missing.append("RTCRtpReceiver._handle_rtp_packet")
    if not hasattr(RTCRtpSender, "_send_keyframe"):
        missing.append("RTCRtpSender._send_keyframe")
    if not callable(getattr(aioice.ice, "get_host_addresses", None)):
        missing.append("aioice.ice.get_host_addresses")
    return missing
