"""What packet-mode bots send and how they count what arrives, without aiortc's
send and receive path.

:func:`video_loop` and :func:`audio_loop` packetize the bots' pre-encoded media once
per process, as aiortc's payloaders would; :class:`PacketProbe` counts received RTP
from its headers. :mod:`load_tests.bot_packets` puts both on aiortc's transports.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from load_tests.bot_media import AudioSource, ReceiveProbe, VideoSource

CLOCK_RATES = {"video": 90_000, "audio": 48_000}
MAX_NACK = 128
"""At most this many packets are NACKed for one gap (aiortc tracks as many)."""
VP8_PAYLOAD = 1300 - 4
"""VP8 bytes per packet after the 4-byte payload descriptor (aiortc's ``PACKET_MAX``)."""


@dataclass(frozen=True, slots=True)
class PacketLoop:
    """A pre-packetized loop of frames: per frame, its RTP payloads in order, each as
    (head, rest). For VP8 the head is the payload descriptor's first two bytes and the
    sender puts the frame's 15-bit picture id between head and rest; for Opus the head
    is empty."""

    frames: tuple[tuple[tuple[bytes, bytes], ...], ...]
    ticks: int
    """RTP timestamp increment per frame."""
    interval: float
    """Seconds per frame."""
    vp8: bool


_LOOPS: dict[tuple[object, ...], PacketLoop] = {}


class PlaceholderTrack(MediaStreamTrack):
    """A track that only gives a sender its kind: a packet sender sends instead."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    async def recv(self) -> Any:
        raise MediaStreamError


def vp8_payloads(frame: bytes) -> tuple[tuple[bytes, bytes], ...]:
    """One encoded VP8 frame as RTP payloads (descriptor: X and I set, S on the first
    packet, partition 0; a 2-byte picture id goes between the two parts)."""
    chunks = [frame[i:i + VP8_PAYLOAD] for i in range(0, len(frame), VP8_PAYLOAD)]
    return tuple((b"\x90\x80" if i == 0 else b"\x80\x80", chunk)
                 for i, chunk in enumerate(chunks))


def video_loop(width: int, height: int, bitrate: int, frames: int = 60,
               padded: bool = True, fps: int = 30) -> PacketLoop:
    """The VP8 loop of :class:`VideoSource` (a keyframe, then interframes), encoded and
    packetized once per process."""
    key = ("vp8", width, height, bitrate, frames, padded, fps)
    if key not in _LOOPS:
        source = VideoSource(width, height, fps, bitrate, loop_frames=frames, padded=padded)
        _LOOPS[key] = PacketLoop(tuple(vp8_payloads(f) for f in source.encoded_loop()),
                                 90_000 // fps, 1 / fps, True)
    return _LOOPS[key]


def audio_loop() -> PacketLoop:
    """One second of the Opus tone of :class:`AudioSource`, 20 ms per packet (its
    second second: the encoder's first packets are smaller)."""
    key = ("opus",)
    if key not in _LOOPS:
        packets = AudioSource().encoded_loop(100)[50:]
        _LOOPS[key] = PacketLoop(tuple(((b"", p),) for p in packets), 960, 0.02, False)
    return _LOOPS[key]


def vp8_keyframe(data: bytes, at: int) -> bool:
    """Whether the VP8 payload starting at ``data[at]`` (a frame's first packet) holds
    a keyframe: the descriptor skipped, the payload header's P bit is 0."""
    first, at = data[at], at + 1
    if first & 0x80:
        extension, at = data[at], at + 1
        if extension & 0x80:
            at += 2 if data[at] & 0x80 else 1
        at += bool(extension & 0x40) + bool(extension & 0x30)
    return at < len(data) and not data[at] & 0x01


@dataclass(slots=True)
class PacketProbe(ReceiveProbe):
    """A :class:`ReceiveProbe` that counts from RTP headers, without depacketizing.

    ``packets`` and ``byte_count`` (payload bytes) count every packet, retransmissions
    included. A video frame counts when its marker packet arrives and every packet
    from its VP8 start packet on arrived in order before it (a frame completed only by
    a retransmission is not counted); every audio packet is a frame. ``lost`` is RFC
    3550's cumulative loss of the media stream (expected minus received, before
    retransmission, as aiortc's receiver statistics count it); ``jitter_ms`` is RFC
    3550's interarrival jitter, taken at each frame's marker packet.

    Attributes:
        on_gap: Called with the SSRC and the missing sequence numbers of each gap
            (video: the bot NACKs them).
        keyframes: VP8 keyframes whose first packet arrived (in order).
    """

    ssrc: int = 0
    received: int = 0
    """Media packets received (not retransmissions), for the loss count."""
    retransmissions: int = 0
    keyframes: int = 0
    on_gap: Callable[[int, list[int]], None] | None = None
    _base: int = -1
    _max: int = -1
    _cycles: int = 0
    _frame_ok: bool = False
    _jitter: float = 0.0
    _last_arrival: float = -1.0
    _last_ts: int = 0
    _prior: tuple[int, int] = (0, 0)
    """Packets expected and received at the last receiver report."""

    @property
    def lost(self) -> int:
        """Packets of the media stream that never arrived (before retransmission)."""
        if self._base < 0:
            return 0
        return max(0, self._cycles + self._max - self._base + 1 - self.received)

    def report_block(self) -> bytes | None:
        """An RTCP receiver-report block for this stream (RFC 3550 6.4.1, no sender
        report to refer to), or None before the first packet."""
        if self._base < 0:
            return None
        expected = self._cycles + self._max - self._base + 1
        interval = expected - self._prior[0]
        lost = interval - (self.received - self._prior[1])
        self._prior = (expected, self.received)
        fraction = (lost << 8) // interval if interval > 0 and lost > 0 else 0
        cumulative = max(-(1 << 23), min((1 << 23) - 1, expected - self.received))
        return struct.pack("!IB3sIIII", self.ssrc, fraction,
                           cumulative.to_bytes(3, "big", signed=True),
                           self._cycles + self._max, int(self._jitter), 0, 0)

    @property
    def jitter_ms(self) -> float:
        """Interarrival jitter, in milliseconds."""
        return 1000.0 * self._jitter / CLOCK_RATES.get(self.kind, 90_000)

    def count(self, data: bytes) -> None:
        """Counts one received RTP packet (``data``: the packet, SRTP removed)."""
        b0 = data[0]
        offset = 12 + ((b0 & 0x0F) << 2)
        if b0 & 0x10:
            offset += 4 + (((data[offset + 2] << 8) | data[offset + 3]) << 2)
        size = len(data) - offset - (data[-1] if b0 & 0x20 else 0)
        if not self.ssrc:
            self.ssrc = int.from_bytes(data[8:12], "big")
        start = 0
        if size > 0 and (data[offset] & 0x1F) == 0x10 and self.kind == "video":
            start = 2 if vp8_keyframe(data, offset) else 1
        self._seen((data[2] << 8) | data[3], int.from_bytes(data[4:8], "big"),
                   data[1] & 0x80, start, max(0, size), False)

    def count_packet(self, packet: Any) -> None:
        """Counts one media packet parsed by aiortc (before the socket hook is on)."""
        if not self.ssrc:
            self.ssrc = packet.ssrc
        payload: bytes = packet.payload
        start = 0
        if payload and (payload[0] & 0x1F) == 0x10 and self.kind == "video":
            start = 2 if vp8_keyframe(payload, 0) else 1
        self._seen(packet.sequence_number, packet.timestamp, packet.marker, start,
                   len(payload), False)

    def add(self, packet: Any) -> tuple[bool, None]:
        """aiortc's receiver hands retransmissions here, unwrapped (as to a jitter
        buffer): counted as packets only."""
        payload: bytes = packet.payload
        self._seen(packet.sequence_number, packet.timestamp, packet.marker, 0,
                   len(payload), True)
        return False, None

    def _seen(self, seq: int, ts: int, marker: int, start: int, size: int,
              retransmission: bool) -> None:
        """``start``: 0 inside a frame, 1 a VP8 frame's first packet, 2 a keyframe's."""
        self.packets += 1
        self.byte_count += size
        if retransmission:
            self.retransmissions += 1
            return
        self.received += 1
        last = self._max
        if last < 0:
            self._base = self._max = seq
            self._frame_ok = start > 0
        else:
            ahead = (seq - last) & 0xFFFF
            if ahead == 0 or ahead >= 0x8000:  # duplicate or late: no frame from it
                return
            if seq < last:
                self._cycles += 1 << 16
            self._max = seq
            if ahead > 1:
                self._frame_ok = start > 0
                if self.on_gap is not None:
                    self.on_gap(self.ssrc, [(last + i) & 0xFFFF
                                            for i in range(1, min(ahead, MAX_NACK + 1))])
            elif start:
                self._frame_ok = True
        self.keyframes += start == 2
        if self.kind == "audio":
            self._frame(ts)
        elif marker:
            if self._frame_ok:
                self._frame(ts)
            self._frame_ok = False

    def _frame(self, ts: int) -> None:
        now = time.monotonic()
        self.frames += 1
        self.arrivals.append(now)
        clock = CLOCK_RATES.get(self.kind, 90_000)
        if self._last_arrival >= 0:
            elapsed = ((ts - self._last_ts + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)
            d = abs((now - self._last_arrival) * clock - elapsed)
            self._jitter += (d - self._jitter) / 16
        self._last_arrival, self._last_ts = now, ts
