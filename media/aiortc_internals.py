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
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aioice.ice
from aiortc import RTCRtpReceiver, RTCRtpSender, clock, rtcrtpsender
from aiortc.mediastreams import MediaStreamError
from aiortc.rtp import RtpPacket

from media.assembler import DEFAULT_GAP_TIMEOUT, AssembledFrame, FrameAssembler
from media.events import StreamCounters
from media.forwarder import RtpOut

_JITTER_ATTR = "_RTCRtpReceiver__jitter_buffer"
_SENDER = "_RTCRtpSender__"
_MID, _NTP, _RTP_TS, _OCTETS, _PACKETS = (
    _SENDER + name for name in ("mid", "ntp_timestamp", "rtp_timestamp", "octet_count",
                                "packet_count"))
"""The sender's private fields the packet loop reads or keeps, named once (not per
packet)."""
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


def install_packet_sender(sender: RTCRtpSender,
                          next_packet: Callable[[], Awaitable[RtpOut]]) -> None:
    """Makes ``sender`` send the packets ``next_packet`` returns, as they are (their
    numbers already rewritten), instead of packetizing frames of its track. Must be
    called before the sender starts (before ``send``).

    Raises:
        RuntimeError: If aiortc no longer has the expected attributes.
    """
    missing = [name for name in ("rtp_history", "rtp_header_extensions_map",
                                 "rtp_started", "rtp_exited", "mid", "packet_count")
               if not hasattr(sender, _SENDER + name)]
    if missing or not hasattr(sender, "_run_rtp"):
        raise RuntimeError(f"aiortc internals changed: RTCRtpSender lacks {missing}")

    async def run_rtp(codec: Any) -> None:
        history: dict[int, RtpPacket] = getattr(sender, _SENDER + "rtp_history")
        extensions_map = getattr(sender, _SENDER + "rtp_header_extensions_map")
        getattr(sender, _SENDER + "rtp_started").set()
        history_size: int = vars(rtcrtpsender)["RTP_HISTORY_SIZE"]
        octets = packets = 0
        try:
            while True:
                out = await next_packet()
                packet = RtpPacket(payload_type=codec.payloadType,
                                   sequence_number=out.sequence_number,
                                   timestamp=out.timestamp, marker=int(out.marker))
                packet.ssrc = sender._ssrc
                packet.payload = out.payload
                ntp = clock.current_ntp_time()
                packet.extensions.abs_send_time = (ntp >> 14) & 0xFFFFFF
                packet.extensions.mid = getattr(sender, _MID)
                packet.extensions.audio_level = out.audio_level
                history[out.sequence_number % history_size] = packet
                await sender.transport._send_rtp(packet.serialize(extensions_map))
                octets += len(out.payload)
                packets += 1
                setattr(sender, _NTP, ntp)
                setattr(sender, _RTP_TS, out.timestamp)
                setattr(sender, _OCTETS, octets)
                setattr(sender, _PACKETS, packets)
        except (asyncio.CancelledError, ConnectionError, MediaStreamError):
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
