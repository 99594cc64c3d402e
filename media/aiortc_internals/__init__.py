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
  on the packet path :func:`install_packet_sender` (``packets.py``) replaces it with
  a :class:`PacketSink` that packs, protects and sends each rewritten packet itself:
  it reads ``__mid``, ``__rtp_header_extensions_map`` (its ``__ids``), ``_ssrc``,
  ``_rtx_ssrc``, ``__rtx_payload_type``; keeps ``__ntp_timestamp``,
  ``__rtp_timestamp``, ``__octet_count``, ``__packet_count`` (sender reports) and
  ``__rtx_sequence_number``; sets ``__rtp_started`` / ``__rtp_exited``; replaces
  ``_retransmit`` (looked up on the instance per NACK); sends through the DTLS
  transport's ``_state`` / ``_tx_srtp`` and the ICE connection's ``_nominated[1]``
  pair (``protocol.transport.sendto``, as aioice's ``StunProtocol.send_data``).
* aioice ``Connection.data_received`` (called on the instance by ``StunProtocol``):
  :func:`install_direct_receive` (``receive.py``) hands SRTP/SRTCP straight to the
  DTLS transport's ``_rx_srtp`` and ``_handle_rtp_data`` / ``_handle_rtcp_data``, as
  its ``_recv_next`` does, without aioice's queue and a task wake-up per datagram.
* ``RTCRtpReceiver._send_rtcp_pli(media_ssrc)``: sends a keyframe request upstream.
* ``RTCRtpSender._send_keyframe``: looked up on the instance when a subscriber's
  PLI/FIR arrives; we re-point it to the publisher's throttled keyframe request
  (the stock one sets an encoder flag that the passthrough path ignores).
* ``RTCRtpReceiver._RTCRtpReceiver__remote_streams``: per-SSRC ``StreamStatistics``
  (packets received and lost, jitter in clock units) that ``getStats`` reports;
  read synchronously for the uplink quality sampler, leaving out the SSRCs in
  ``RTCRtpReceiver._RTCRtpReceiver__rtx_ssrc`` (retransmission streams).
* Simulcast (``simulcast.py``): the DTLS transport's ``_rtp_header_extensions_map``
  (its ``__ids.rtp_stream_id`` / ``repaired_rtp_stream_id``), the receiver's
  ``__rtx_ssrc`` (RTX streams paired by repaired RID) and ``__nack_generator``
  (replaced by one generator per SSRC), and ``_handle_rtp_packet`` looked up on the
  instance by the DTLS transport (wrapped to learn the pairs).
* ``aioice.ice.get_host_addresses``: looked up at call time by
  ``Connection.gather_candidates``; replaced to gather host candidates only on the
  configured addresses (e.g. 127.0.0.1 in tests, which aioice skips by default).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import aioice.ice
from aiortc import RTCRtpReceiver, RTCRtpSender

from media.aiortc_internals.packets import PacketSink, install_packet_sender
from media.aiortc_internals.receive import install_direct_receive, run_now
from media.aiortc_internals.simulcast import (
    SimulcastOffer,
    answer_simulcast,
    install_simulcast,
    read_simulcast_offer,
)
from media.assembler import DEFAULT_GAP_TIMEOUT, AssembledFrame, FrameAssembler
from media.events import StreamCounters

__all__ = ["PacketSink", "PassthroughBuffer", "SimulcastOffer", "answer_simulcast",
           "check_internals", "install_direct_receive", "install_packet_sender",
           "install_passthrough", "install_simulcast", "read_simulcast_offer",
           "receiver_streams", "restrict_host_addresses", "route_keyframe_requests",
           "run_now", "send_keyframe_request"]

_JITTER_ATTR = "_RTCRtpReceiver__jitter_buffer"
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
        self.on_packet: Callable[[int, int, int, bool, bytes, tuple[bool, int] | None],
                                 None] | None = None
        """Set: the packet path (each packet handed on as it arrives, no assembly), with
        its layer index first (0 without simulcast)."""
        self.rids: tuple[str, ...] = ()
        """The simulcast layers' RIDs, lowest first (empty: one layer)."""
        self.layer_of: dict[int, int] = {}
        """Each simulcast stream's SSRC to its layer index, learned from its RID."""
        self.ssrc_of: dict[int, int] = {}
        """Each layer index to its stream's SSRC."""

    @property
    def capacity(self) -> int:
        """Mirrors ``JitterBuffer.capacity`` (unused by the receiver)."""
        return 0

    def add(self, packet: Any) -> tuple[bool, None]:
        """Called by the receiver for each media packet; returns ``(pli, frame)``."""
        self.ssrc = packet.ssrc
        payload: bytes = packet.payload
        if self.on_packet is not None:
            layer = self.layer_of.get(packet.ssrc, 0) if self.rids else 0
            if self.rids and packet.ssrc not in self.layer_of:
                rid = packet.extensions.rtp_stream_id
                if rid not in self.rids:
                    return False, None  # a stream not yet named by its RID
                layer = self.layer_of[packet.ssrc] = self.rids.index(rid)
                self.ssrc_of[layer] = packet.ssrc
            self.on_packet(layer, packet.sequence_number, packet.timestamp,
                           bool(packet.marker), payload, packet.extensions.audio_level)
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


async def send_keyframe_request(receiver: RTCRtpReceiver, buffer: PassthroughBuffer,
                                layer: int = 0) -> None:
    """Sends a PLI for the stream ``buffer`` has seen (its ``layer``'s, with simulcast;
    no-op before any packet)."""
    ssrc = buffer.ssrc_of.get(layer) if buffer.rids else buffer.ssrc
    if ssrc is not None:
        await receiver._send_rtcp_pli(ssrc)


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
