"""Packet-mode bots on aiortc's transports: replay pre-packetized RTP, count what
arrives from RTP headers.

On aiortc's own path a bot's sender packetizes each frame and builds and serializes
``RtpPacket`` objects; each received datagram goes through aioice's STUN parser, a
queue and three coroutines, then the receiver parses the header and its extensions,
feeds a bandwidth estimator, a NACK generator and statistics, depayloads VP8 and
re-assembles frames. In packet mode:

* **Sending** (:class:`PacketSender`): the loops of :mod:`load_tests.packet_media`,
  sent by the process's :class:`~load_tests.packet_clock.MediaClock` on its tick grid
  (each sender keeps its own phase): the RTP header written with ``struct`` (with the
  extensions aiortc's sender writes, mid and abs-send-time), the frame's picture id in
  the VP8 descriptor, SRTP-protected with the DTLS transport's session, straight to the
  socket of the nominated ICE pair. A PLI/FIR restarts the loop at its keyframe; NACKs
  are answered from the last :data:`HISTORY` packets (as RTX where negotiated);
  aiortc's RTCP loop sends sender reports from the counters kept here.
* **Receiving** (:class:`PacketProbe`): a bot's UDP sockets are read by the clock, not
  by the event loop. Once a received stream's SSRC is known, its datagrams are
  SRTP-unprotected and counted from the header before aioice sees them.
  Retransmissions (RTX), keyframe requests and NACKs still take aiortc's path; RTCP
  that only feeds statistics the bots never read (sender and receiver reports, REMB)
  is dropped unread. Receiver reports go out from the probe's counters.

The aiortc 1.16 / aioice 0.13 / pylibsrtp 1.0 internals used, all here (guarded by
``tests/unit/test_bot_packets.py``): ``RTCRtpSender._run_rtp`` / ``_send_keyframe`` /
``_retransmit`` (looked up on the instance), its ``__rtp_started``, ``__rtp_exited``,
``__mid``, ``__rtp_header_extensions_map``, ``__rtx_payload_type`` and the sender-report
counters ``__ntp_timestamp``, ``__rtp_timestamp``, ``__packet_count``,
``__octet_count``; ``RTCRtpReceiver._handle_rtp_packet`` (looked up on the instance),
its ``__jitter_buffer``, ``__nack_generator``, ``__remote_bitrate_estimator``,
``__codecs``, ``__rtx_ssrc``, ``__rtcp_ssrc``, ``__rtcp_started``, ``__rtcp_exited``,
``_run_rtcp`` (looked up on the instance), ``_send_rtcp_nack`` and ``_send_rtcp_pli``;
``RTCDtlsTransport._tx_srtp`` / ``_rx_srtp`` / ``_state``;
``aioice.Connection._nominated[1]`` (its ``protocol`` and ``remote_addr``) and
``_protocols`` (their transports' sockets are read by the clock);
``pylibsrtp.Session._srtp`` / ``_cdata`` / ``_buffer`` and ``pylibsrtp._binding``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import struct
import time
import weakref
from collections.abc import Callable
from typing import Any

import pylibsrtp
from aiortc import RTCRtpReceiver, RTCRtpSender
from aiortc.rtcdtlstransport import RTCDtlsTransport, State
from aiortc.rtp import HeaderExtensions
from pylibsrtp._binding import ffi, lib  # type: ignore[import-not-found]

from load_tests.packet_clock import clock
from load_tests.packet_media import (
    PacketLoop,
    PacketProbe,
    PlaceholderTrack,
    audio_loop,
    video_loop,
)

logger = logging.getLogger(__name__)

_HEADER = struct.Struct("!BBHII")
_RR_HEADER = struct.Struct("!BBHI")
_SENDER = "_RTCRtpSender__"
_RECEIVER = "_RTCRtpReceiver__"
_NTP_OFFSET = 2_208_988_800
"""Seconds from the NTP epoch (1900) to the Unix epoch."""
_SENTINEL = 0xABCDEF
"""An abs-send-time value whose bytes mark where the value sits in the extension block."""
HISTORY = 128
"""Packets a sender keeps for retransmission (aiortc keeps as many)."""
_SR, _RR, _PSFB, _REMB = 200, 201, 206, 15


def _srtp(session: pylibsrtp.Session, protect: bool) -> Callable[[bytes], bytes]:
    """``session.protect`` / ``unprotect`` without the per-call allocation and checks
    (one reused length cell); raises ``pylibsrtp.Error`` like them."""
    srtp, cdata, buffer = session._srtp[0], session._cdata, session._buffer
    size = ffi.new("int *")
    process = lib.srtp_protect if protect else lib.srtp_unprotect
    limit = len(cdata) - (pylibsrtp.SRTP_MAX_TRAILER_LEN if protect else 0)

    def run(data: bytes) -> bytes:
        n = len(data)
        if n > limit:
            raise pylibsrtp.Error("packet is too long")
        size[0] = n
        buffer[0:n] = data
        if process(srtp, cdata, size):
            raise pylibsrtp.Error("srtp failed")
        return buffer[0:size[0]]  # type: ignore[no-any-return]

    run.session = session  # type: ignore[attr-defined]  # keeps the C session alive
    return run


class PacketSender:
    """Sends a :class:`PacketLoop` in real time through one aiortc sender.

    Attributes:
        paused: While true no frame is sent (the server asked the bot to stop sending
            video); the first frame after it is the loop's keyframe.
        frames_sent, packets_sent, keyframes: What went out so far.
        keyframe_requests: PLI/FIR received.
    """

    def __init__(self, loop: PacketLoop, audio_level: int | None = None) -> None:
        self.loop = loop
        self.audio_level = audio_level
        """Audio: the RFC 6464 level every packet carries (dBov below full scale, 127 is
        silence; ``None``: no level), as a browser sends it with each Opus packet."""
        self.paused = False
        self.frames_sent = self.packets_sent = self.keyframes = self.keyframe_requests = 0
        self._restart, self._stopped = True, False
        self._at = self._index = self._octets = 0
        self._seq, self._rtx_seq = random.randrange(32768), random.randrange(32768)
        self._picture_id = random.randrange(1 << 15)
        self._origin = random.randrange(1 << 32)
        self._history: list[bytes | None] = [None] * HISTORY
        self._sender: RTCRtpSender | None = None
        self._stopped_future: asyncio.Future[None] | None = None
        self._started = 0.0
        self._pt = self._ssrc = self._ext_at = self._first = 0
        self._block = b""
        self._rtx: tuple[int | None, int, int] = (None, 0, 12)
        """RTX payload type (None: not negotiated), RTX SSRC, RTP header length."""
        self._transport: Any = None
        self._dtls: Any = None
        self._addr: Any = None
        self._protect: Callable[[bytes], bytes] = bytes

    def stop(self) -> None:
        """Stops sending (the sender's RTP task then ends)."""
        self._stopped = True
        if self._stopped_future is not None and not self._stopped_future.done():
            self._stopped_future.set_result(None)

    def request_keyframe(self) -> None:
        """Restarts the loop at its keyframe (what a PLI or FIR does)."""
        self.keyframe_requests += 1
        self._restart = True

    def install(self, sender: RTCRtpSender) -> None:
        """Makes ``sender`` run this loop instead of packetizing its track's frames;
        call before the sender starts (right after ``addTrack``)."""
        self._sender = sender
        sender._run_rtp = self._run_rtp  # type: ignore[method-assign]
        sender._send_keyframe = self.request_keyframe  # type: ignore[method-assign]
        sender._retransmit = self._retransmit  # type: ignore[method-assign]

    async def _run_rtp(self, codec: Any) -> None:
        sender = self._sender
        assert sender is not None
        getattr(sender, _SENDER + "rtp_started").set()
        events = asyncio.get_running_loop()
        self._stopped_future = events.create_future()
        try:
            self._start(sender, codec.payloadType)
            clock().add(self, self._started)
            await self._stopped_future
        except (asyncio.CancelledError, ConnectionError):
            pass
        finally:
            self._stopped = True
            getattr(sender, _SENDER + "rtp_exited").set()

    def _start(self, sender: RTCRtpSender, payload_type: int) -> None:
        dtls = self._dtls = sender.transport
        pair = dtls.transport._connection._nominated.get(1)
        if pair is None:
            raise ConnectionError("no nominated ICE pair")
        self._transport, self._addr = pair.protocol.transport, pair.remote_addr
        self._protect = _srtp(dtls._tx_srtp, protect=True)
        _hook_for(dtls)  # drops the reports and REMB the server sends back, unread
        extensions = getattr(sender, _SENDER + "rtp_header_extensions_map")
        level = self.audio_level
        profile, value = extensions.set(HeaderExtensions(
            mid=getattr(sender, _SENDER + "mid"), abs_send_time=_SENTINEL,
            audio_level=None if level is None or self.loop.vp8 else (level < 127, level)))
        self._block = struct.pack("!HH", profile, len(value) >> 2) + value if value else b""
        self._ext_at = self._block.find(_SENTINEL.to_bytes(3, "big"))
        self._first = 0x90 if self._block else 0x80
        self._pt, self._ssrc = payload_type, sender._ssrc
        self._rtx = (getattr(sender, _SENDER + "rtx_payload_type"), sender._rtx_ssrc,
                     12 + len(self._block))
        self._started = asyncio.get_running_loop().time()

    def send_frame(self) -> float | None:
        """Sends the next frame; returns when the one after is due (None: stopped)."""
        if self._stopped or self._dtls._state is not State.CONNECTED:
            self.stop()
            return None
        loop, index = self.loop, self._index
        self._index = index + 1
        due = self._started + self._index * loop.interval
        if self.paused:
            self._restart = True
            return due
        if self._restart:
            self._at, self._restart = 0, False
        self.keyframes += loop.vp8 and self._at == 0
        frame = loop.frames[self._at]
        self._at = (self._at + 1) % len(loop.frames)
        ntp = int((time.time() + _NTP_OFFSET) * 4294967296.0)
        ext, at = self._block, self._ext_at
        if at >= 0:
            ext = ext[:at] + ((ntp >> 14) & 0xFFFFFF).to_bytes(3, "big") + ext[at + 3:]
        pid = b""
        if loop.vp8:
            pid = (0x8000 | self._picture_id).to_bytes(2, "big")
            self._picture_id = (self._picture_id + 1) & 0x7FFF
        ts = (self._origin + index * loop.ticks) & 0xFFFFFFFF
        seq, last, first, pt, ssrc = self._seq, len(frame) - 1, self._first, self._pt, self._ssrc
        history, protect, sendto, addr = (self._history, self._protect,
                                          self._transport.sendto, self._addr)
        for i, (head, tail) in enumerate(frame):
            raw = b"".join((_HEADER.pack(first, pt | 0x80 if i == last else pt, seq, ts, ssrc),
                            ext, head, pid, tail))
            history[seq % HISTORY] = raw
            sendto(protect(raw), addr)
            self._octets += len(head) + len(pid) + len(tail)
            seq = (seq + 1) & 0xFFFF
        self._seq = seq
        self.packets_sent += len(frame)
        self.frames_sent += 1
        sender = self._sender
        setattr(sender, _SENDER + "ntp_timestamp", ntp)
        setattr(sender, _SENDER + "rtp_timestamp", ts)
        setattr(sender, _SENDER + "packet_count", self.packets_sent)
        setattr(sender, _SENDER + "octet_count", self._octets)
        return due

    async def _retransmit(self, sequence_number: int) -> None:
        """Answers a NACK from the history (wrapped as RTX when negotiated)."""
        raw = self._history[sequence_number % HISTORY]
        if (raw is None or int.from_bytes(raw[2:4], "big") != sequence_number
                or self._stopped or self._dtls._state is not State.CONNECTED):
            return
        rtx_pt, rtx_ssrc, header = self._rtx
        if rtx_pt is not None:
            raw = b"".join((_HEADER.pack(raw[0], (raw[1] & 0x80) | rtx_pt, self._rtx_seq,
                                         int.from_bytes(raw[4:8], "big"), rtx_ssrc),
                            raw[12:header], raw[2:4], raw[header:]))
            self._rtx_seq = (self._rtx_seq + 1) & 0xFFFF
        self._transport.sendto(self._protect(raw), self._addr)


def install_packet_sender(sender: RTCRtpSender, loop: PacketLoop,
                          audio_level: int | None = None) -> PacketSender:
    """A :class:`PacketSender` of ``loop`` installed on ``sender`` (before it starts)."""
    packet_sender = PacketSender(loop, audio_level)
    packet_sender.install(sender)
    return packet_sender


class _SocketHook:
    """Per DTLS transport (a bot's peer connection): its sockets are read by the
    :class:`MediaClock`, which hands each datagram here before aioice.

    Counts the RTP of known SSRCs into their probes and drops sender and receiver
    reports and REMB unread (a bot reads no statistics); passes the rest on."""

    def __init__(self, dtls: RTCDtlsTransport) -> None:
        self.by_ssrc: dict[bytes, PacketProbe] = {}
        unprotect = _srtp(dtls._rx_srtp, protect=False)
        by_ssrc, media_clock = self.by_ssrc, clock()
        for protocol in dtls.transport._connection._protocols:  # the peer may send to
            original = protocol.datagram_received              # any of them

            def handle(data: bytes, addr: Any,
                       original: Callable[[bytes, Any], None] = original) -> None:
                if len(data) > 12 and 127 < data[0] < 192:
                    kind = data[1]
                    if 191 < kind < 209:  # RTCP: by its first packet
                        if kind in (_SR, _RR) or (kind == _PSFB and data[0] & 0x1F == _REMB):
                            return
                    else:
                        probe = by_ssrc.get(data[8:12])
                        if probe is not None:
                            try:
                                probe.count(unprotect(data))
                            except pylibsrtp.Error:
                                pass
                            return
                original(data, addr)

            media_clock.watch(getattr(protocol, "transport", None), handle)  # not TURN's


_HOOKS: weakref.WeakKeyDictionary[RTCDtlsTransport, _SocketHook] = weakref.WeakKeyDictionary()


def _hook_for(dtls: RTCDtlsTransport) -> _SocketHook:
    """The connected transport's hook, installed on first use."""
    hook = _HOOKS.get(dtls)
    if hook is None:
        hook = _HOOKS[dtls] = _SocketHook(dtls)
    return hook


def install_packet_probe(receiver: RTCRtpReceiver, kind: str) -> PacketProbe:
    """Counts what ``receiver`` gets with a :class:`PacketProbe`: from the socket once
    its SSRC is known, through aiortc only for retransmissions (RTX). Call before the
    receiver starts; a gap in a video stream is NACKed."""
    probe = PacketProbe(kind, fingerprint=False)
    setattr(receiver, _RECEIVER + "jitter_buffer", probe)  # RTX, unwrapped, ends up here
    setattr(receiver, _RECEIVER + "nack_generator", None)  # NACKs are the probe's
    setattr(receiver, _RECEIVER + "remote_bitrate_estimator", None)
    original = receiver._handle_rtp_packet
    codecs: dict[int, Any] = getattr(receiver, _RECEIVER + "codecs")
    rtx: dict[int, int] = getattr(receiver, _RECEIVER + "rtx_ssrc")

    def nack(ssrc: int, lost: list[int]) -> None:
        asyncio.ensure_future(receiver._send_rtcp_nack(ssrc, lost))

    if kind == "video":
        probe.on_gap = nack

    async def handle_rtp_packet(packet: Any, arrival_time_ms: int) -> None:
        codec = codecs.get(packet.payload_type)
        if packet.ssrc in rtx or codec is None or codec.name.lower() == "rtx":
            await original(packet, arrival_time_ms)
            return
        probe.count_packet(packet)  # until the hook takes this SSRC off the socket
        _hook_for(receiver.transport).by_ssrc[packet.ssrc.to_bytes(4, "big")] = probe

    async def run_rtcp() -> None:  # receiver reports from the probe, as a browser sends
        getattr(receiver, _RECEIVER + "rtcp_started").set()
        try:
            while True:
                await asyncio.sleep(0.5 + random.random())
                block, ssrc = probe.report_block(), getattr(receiver, _RECEIVER + "rtcp_ssrc")
                if block is not None and ssrc is not None:
                    with contextlib.suppress(ConnectionError):
                        await receiver.transport._send_rtp(_RR_HEADER.pack(0x81, _RR, 7, ssrc)
                                                           + block)
        except asyncio.CancelledError:
            pass
        finally:
            getattr(receiver, _RECEIVER + "rtcp_exited").set()

    receiver._handle_rtp_packet = handle_rtp_packet  # type: ignore[method-assign]
    receiver._run_rtcp = run_rtcp  # type: ignore[method-assign]
    return probe


async def send_keyframe_request(receiver: RTCRtpReceiver, probe: PacketProbe) -> None:
    """Sends a PLI for the stream ``probe`` counts (no-op before its first packet)."""
    if probe.ssrc:
        await receiver._send_rtcp_pli(probe.ssrc)


__all__ = ["PacketLoop", "PacketProbe", "PacketSender", "PlaceholderTrack", "audio_loop",
           "install_packet_probe", "install_packet_sender", "send_keyframe_request",
           "video_loop"]
