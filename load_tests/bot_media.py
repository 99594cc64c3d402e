"""Synthetic media for bots: a live VP8 encoder track, an Opus tone track, and a
receiver probe that counts frames without decoding.

Bots touch two aiortc internals, kept here: a sender's ``_send_keyframe`` (so a
relayed PLI makes the bot encode a keyframe) and a receiver's jitter buffer (so a
bot subscriber can count and fingerprint encoded frames without decoding them).
"""

from __future__ import annotations

import asyncio
import fractions
import hashlib
import math
import time
from dataclasses import dataclass, field
from typing import Any

import av
import numpy as np
from aiortc import RTCRtpReceiver, RTCRtpSender
from aiortc.mediastreams import MediaStreamTrack

VIDEO_TIME_BASE = fractions.Fraction(1, 90_000)
AUDIO_TIME_BASE = fractions.Fraction(1, 48_000)


@dataclass(frozen=True, slots=True)
class EncodedPacket:
    """Pre-encoded media as aiortc's sender packs it (``bytes()``, pts, time_base)."""

    data: bytes
    pts: int
    time_base: fractions.Fraction

    def __bytes__(self) -> bytes:
        return self.data


PENDING_FRAMES = 16
"""Incomplete video frames a probe waits for (about half a second at 30 fps)."""
LOOPS: dict[tuple[int, int, int, int, bool], list[bytes]] = {}
"""Encoded loops by (width, height, bitrate, frames), shared by this process's sources:
a load generator encodes each loop once instead of once per publisher."""


class VideoSource(MediaStreamTrack):
    """A moving test pattern encoded live to VP8 (keyframes on request).

    With ``loop_frames`` the first ``loop_frames`` encoded frames (starting with a
    keyframe) are kept and then replayed in a loop, each loop from its keyframe
    and a keyframe request restarting it: a valid stream at a fraction of the CPU
    (live VP8 at 320x240 costs about half a core here), for rigs where many
    processes share two cores. Frame hashes then repeat, so latency
    fingerprinting needs the live mode.

    Attributes:
        sent: SHA-1 of every encoded frame handed to the sender, in order.
        send_times: ``time.monotonic()`` when each frame was handed over.
        paused: While true no frame is produced (the server asked the bot to stop
            sending video); the first frame after it is a keyframe.
    """

    kind = "video"

    def __init__(
        self, width: int = 320, height: int = 240, fps: int = 30, bitrate: int = 400_000,
        loop_frames: int = 0,
        padded: bool = False,
    ) -> None:
        super().__init__()
        self.fps = fps
        self._loop_frames = loop_frames
        self._pad_to = bitrate // 8 // fps if padded else 0
        self._key = (width, height, bitrate, loop_frames, padded)
        self._cache: list[bytes] = LOOPS.get(self._key, []) if loop_frames else []
        self._loop_at = 0
        self._codec = av.CodecContext.create("libvpx", "w")
        self._codec.width = width
        self._codec.height = height
        self._codec.pix_fmt = "yuv420p"
        self._codec.time_base = fractions.Fraction(1, fps)
        self._codec.framerate = fractions.Fraction(fps, 1)
        self._codec.bit_rate = bitrate
        self._codec.options = {
            "deadline": "realtime",
            "cpu-used": "8",
            "lag-in-frames": "0",
            "error-resilient": "1",
            "auto-alt-ref": "0",
        }
        self._codec.gop_size = 3000
        self._width, self._height = width, height
        self._index = 0
        self._start: float | None = None
        self.force_keyframe = True
        self.paused = False
        self.sent: list[bytes] = []
        self.send_times: list[float] = []
        self.keyframes = 0
        y = np.arange(height, dtype=np.uint16)[:, None]
        x = np.arange(width, dtype=np.uint16)[None, :]
        self._base = ((x + y) % 256).astype(np.uint8)

    def _next_data(self) -> bytes:
        if self._loop_frames and len(self._cache) >= self._loop_frames:
            if self.force_keyframe:
                self._loop_at, self.force_keyframe = 0, False
            data = self._cache[self._loop_at]
            self._loop_at = (self._loop_at + 1) % self._loop_frames
            return data
        frame = self._frame()
        if self.force_keyframe or (self._loop_frames and not self._cache):
            frame.pict_type = av.video.frame.PictureType.I
            self.force_keyframe = False
        data = b"".join(bytes(p) for p in self._codec.encode(frame))
        if self._pad_to and data and data[0] & 0x01:  # a test pattern needs few bits: pad
            data += bytes(max(0, self._pad_to - len(data)))  # interframes to the bitrate
        if self._loop_frames and data:
            self._cache.append(data)
            if len(self._cache) >= self._loop_frames:
                LOOPS.setdefault(self._key, self._cache)  # later sources replay it at once
        return data

    def request_keyframe(self) -> None:
        """Makes the next frame a keyframe."""
        self.force_keyframe = True

    def encoded_loop(self) -> list[bytes]:
        """The loop's encoded frames, a keyframe first: encoded now unless this process
        already has them (``loop_frames`` must be set)."""
        if not self._loop_frames:
            raise ValueError("encoded_loop needs loop_frames")
        while len(self._cache) < self._loop_frames:
            self._next_data()
            self._index += 1
        return self._cache[: self._loop_frames]

    def _frame(self) -> av.VideoFrame:
        luma = (self._base + (self._index * 4) % 256).astype(np.uint8)
        yuv = np.concatenate([luma, np.full((self._height // 2, self._width), 128, np.uint8)])
        frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
        frame.pts = self._index
        frame.time_base = fractions.Fraction(1, self.fps)
        return frame

    async def recv(self) -> EncodedPacket:  # type: ignore[override]
        if self._start is None:
            self._start = time.monotonic()
        while True:
            due = self._start + self._index / self.fps
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if self.paused:
                self._index += 1
                self.force_keyframe = True
                continue
            pts = self._index * (90_000 // self.fps)
            data = self._next_data()
            self._index += 1
            if data:
                if data and not data[0] & 0x01:
                    self.keyframes += 1
                self.sent.append(hashlib.sha1(data).digest())
                self.send_times.append(time.monotonic())
                return EncodedPacket(data, pts, VIDEO_TIME_BASE)


class AudioSource(MediaStreamTrack):
    """A 440 Hz tone encoded to Opus, 20 ms per packet."""

    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self._codec = av.CodecContext.create("libopus", "w")
        self._codec.sample_rate = 48_000
        self._codec.layout = "stereo"
        self._codec.format = "s16"
        self._codec.bit_rate = 32_000
        self._codec.time_base = AUDIO_TIME_BASE
        self._samples = 0
        self._start: float | None = None
        self._pending: list[EncodedPacket] = []

    def encode_next(self) -> None:
        """Encodes the next 20 ms of the tone (its packets join the pending ones)."""
        t = (np.arange(960) + self._samples) / 48_000
        tone = (np.sin(2 * math.pi * 440 * t) * 3000).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(
            np.repeat(tone, 2)[None, :], format="s16", layout="stereo"
        )
        frame.sample_rate = 48_000
        frame.pts = self._samples
        frame.time_base = AUDIO_TIME_BASE
        self._samples += 960
        for p in self._codec.encode(frame):
            self._pending.append(EncodedPacket(bytes(p), self._samples - 960, AUDIO_TIME_BASE))

    def encoded_loop(self, packets: int = 50) -> list[bytes]:
        """The first ``packets`` Opus packets (50: one second, a whole number of periods
        of the tone), encoded now, for replaying."""
        while len(self._pending) < packets:
            self.encode_next()
        return [p.data for p in self._pending[:packets]]

    async def recv(self) -> EncodedPacket:  # type: ignore[override]
        if self._start is None:
            self._start = time.monotonic()
        while not self._pending:
            due = self._start + self._samples / 48_000
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self.encode_next()
        return self._pending.pop(0)


def route_keyframe_requests(sender: RTCRtpSender, source: VideoSource) -> None:
    """Makes PLI/FIR received by ``sender`` force a keyframe from ``source``."""
    sender._send_keyframe = source.request_keyframe  # type: ignore[method-assign]


@dataclass(slots=True)
class ReceiveProbe:
    """Counts complete encoded frames a bot receives (no decoding).

    Attributes:
        frames: Number of complete frames (marker bit seen).
        arrivals: ``time.monotonic()`` of each complete frame.
        hashes: SHA-1 of each complete frame's depayloaded bytes (video only).
        packets: Packets received.
    """

    kind: str
    fingerprint: bool = True
    frames: int = 0
    packets: int = 0
    byte_count: int = 0
    arrivals: list[float] = field(default_factory=list)
    hashes: list[bytes] = field(default_factory=list)
    _pending: dict[int, dict[int, Any]] = field(default_factory=dict)

    @property
    def capacity(self) -> int:
        return 0

    def add(self, packet: Any) -> tuple[bool, None]:
        """Counts a frame once its packets from the VP8 start packet to the marker are
        all in, in any order (a retransmission may complete it), within the last
        :data:`PENDING_FRAMES` frames, as a receiver's jitter buffer would."""
        self.packets += 1
        self.byte_count += len(packet.payload)
        if self.kind == "audio":
            self.frames += 1
            self.arrivals.append(time.monotonic())
            return False, None
        parts = self._pending.setdefault(packet.timestamp, {})
        parts[packet.sequence_number] = packet
        if len(self._pending) > PENDING_FRAMES:
            del self._pending[next(iter(self._pending))]  # the oldest never completed
        start = next((q for q, p in parts.items() if p.payload and p.payload[0] & 0x10
                      and not p.payload[0] & 0x0F), None)
        end = next((q for q, p in parts.items() if p.marker), None)
        if start is None or end is None or len(parts) != ((end - start) & 0xFFFF) + 1:
            return False, None
        del self._pending[packet.timestamp]
        self.frames += 1
        self.arrivals.append(time.monotonic())
        if self.fingerprint:
            seqs = [(start + i) & 0xFFFF for i in range(len(parts))]
            self.hashes.append(hashlib.sha1(b"".join(parts[q]._data for q in seqs)).digest())
        return False, None


def install_probe(receiver: RTCRtpReceiver, kind: str, fingerprint: bool = True) -> ReceiveProbe:
    """Replaces a bot receiver's jitter buffer with a :class:`ReceiveProbe` (which hashes
    each video frame unless ``fingerprint`` is false)."""
    probe = ReceiveProbe(kind, fingerprint)
    receiver._RTCRtpReceiver__jitter_buffer = probe  # type: ignore[attr-defined]
    return probe
