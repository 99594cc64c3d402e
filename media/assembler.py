"""Pure frame assembly for the relay's ingress (no I/O, no clock reads).

Replaces aiortc's jitter buffer for relayed tracks. The stock buffer releases a
video frame only when the next one starts (+33 ms), holds audio for four packets
(+80 ms) and, when a packet and its retransmission are both lost, releases nothing
until 512 packets have arrived (seconds of frozen video for every subscriber).

This assembler releases a video frame as soon as its last packet (marker bit) and
every packet back to its first (VP8 start bit) are present, and gives up on an
incomplete frame after ``gap_timeout`` seconds: it drops it, asks for a keyframe
and forwards nothing but a keyframe until one arrives, asking again for every
delta frame it drops meanwhile (the caller throttles the requests). Audio packets are released
as they arrive (each Opus packet is a frame); late or duplicate ones are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

VP8_START_BIT = 0x10
VP8_PARTITION_MASK = 0x07
VIDEO_CLOCK = 90_000
DEFAULT_GAP_TIMEOUT = 0.1
"""Seconds to wait for a missing packet before giving up on its frame."""
MAX_PENDING_FRAMES = 64


@dataclass(frozen=True, slots=True)
class AssembledFrame:
    """One complete encoded frame.

    Attributes:
        data: The encoded frame (VP8 frame or Opus packet), depayloaded.
        timestamp: The RTP timestamp of the frame.
        keyframe: True for a VP8 keyframe (always True for audio).
    """

    data: bytes
    timestamp: int
    keyframe: bool


@dataclass(slots=True)
class _Pending:
    last_seen: float
    """When its latest packet arrived: a frame paced over the link keeps arriving."""
    parts: dict[int, bytes] = field(default_factory=dict)
    start_seq: int | None = None
    end_seq: int | None = None

    def complete(self) -> bool:
        if self.start_seq is None or self.end_seq is None:
            return False
        return all(s in self.parts for s in range(self.start_seq, self.end_seq + 1))

    def data(self) -> bytes:
        assert self.start_seq is not None and self.end_seq is not None
        return b"".join(self.parts[s] for s in range(self.start_seq, self.end_seq + 1))


class SequenceUnwrapper:
    """Turns 16-bit RTP sequence numbers into monotonic-ish 64-bit integers."""

    def __init__(self) -> None:
        self._last: int | None = None

    def unwrap(self, seq: int) -> int:
        """Returns the extended sequence number closest to the last one seen."""
        if self._last is None:
            self._last = seq
            return seq
        delta = (seq - self._last) & 0xFFFF
        if delta >= 0x8000:
            delta -= 0x10000
        ext = self._last + delta
        if ext > self._last:
            self._last = ext
        return ext


def is_vp8_keyframe(data: bytes) -> bool:
    """True if ``data`` (a depayloaded VP8 frame) starts a keyframe."""
    return bool(data) and (data[0] & 0x01) == 0


class FrameAssembler:
    """Assembles RTP packets of one stream into frames.

    Args:
        is_video: VP8 video (assemble by start/marker bits) or audio (pass through).
        gap_timeout: Seconds an incomplete video frame may block later ones.
    """

    def __init__(self, is_video: bool, gap_timeout: float = DEFAULT_GAP_TIMEOUT) -> None:
        self.is_video = is_video
        self.gap_timeout = gap_timeout
        self._unwrapper = SequenceUnwrapper()
        self._pending: dict[int, _Pending] = {}
        self._released_up_to: int | None = None
        self._padding: set[int] = set()
        self._waiting_for_keyframe = is_video
        self.frames_dropped = 0

    def add(
        self,
        *,
        sequence_number: int,
        timestamp: int,
        marker: bool,
        payload_head: int,
        data: bytes,
        now: float,
    ) -> tuple[list[AssembledFrame], bool]:
        """Adds one packet.

        Args:
            sequence_number: The packet's 16-bit RTP sequence number.
            timestamp: The packet's RTP timestamp.
            marker: The RTP marker bit.
            payload_head: The first byte of the RTP payload (VP8 descriptor).
            data: The depayloaded payload.
            now: Arrival time (monotonic seconds).

        Returns:
            The frames released by this packet, in order, and whether a keyframe
            should be requested from the sender.
        """
        ext = self._unwrapper.unwrap(sequence_number)
        if self._released_up_to is not None and ext <= self._released_up_to:
            return [], False
        if not self.is_video:
            self._released_up_to = ext
            return [AssembledFrame(data, timestamp, True)], False
        if not data:
            # padding (bandwidth probing): fills its sequence number, carries no frame
            self._padding.add(ext)
            return self._release(now)
        pending = self._pending.get(timestamp)
        if pending is None:
            pending = self._pending[timestamp] = _Pending(last_seen=now)
        pending.last_seen = now
        pending.parts[ext] = data
        if payload_head & VP8_START_BIT and not payload_head & VP8_PARTITION_MASK:
            pending.start_seq = ext
        if marker:
            pending.end_seq = ext
        return self._release(now)

    def _release(self, now: float) -> tuple[list[AssembledFrame], bool]:
        released: list[AssembledFrame] = []
        want_keyframe = False
        while self._pending:
            self._skip_padding()
            ts, oldest = min(self._pending.items(), key=lambda kv: min(kv[1].parts))
            complete = oldest.complete()
            if complete and not self._gap_before(oldest):
                del self._pending[ts]
                assert oldest.end_seq is not None
                self._released_up_to = oldest.end_seq
                frame = AssembledFrame(oldest.data(), ts, False)
                keyframe = is_vp8_keyframe(frame.data)
                if keyframe:
                    self._waiting_for_keyframe = False
                if self._waiting_for_keyframe:
                    # a lost request (or one the sender ignored) must not freeze the
                    # stream: keep asking while deltas arrive; the publisher throttles
                    self.frames_dropped += 1
                    want_keyframe = True
                    continue
                released.append(AssembledFrame(frame.data, ts, keyframe))
                continue
            if self._expired(ts, oldest, now) or len(self._pending) > MAX_PENDING_FRAMES:
                self.frames_dropped += 1
                want_keyframe = True
                self._waiting_for_keyframe = True
                if not complete:
                    del self._pending[ts]
                    self._released_up_to = max(oldest.parts)
                # else: whole frames before this one were lost; it is released next
                # round if it is a keyframe (deltas after a lost frame are useless)
                continue
            break
        self._skip_padding()
        return released, want_keyframe

    def _gap_before(self, frame: _Pending) -> bool:
        """True if packets between the last released one and ``frame`` are missing
        (a whole frame lost): its deltas would decode wrongly. A keyframe needs no
        predecessor, so nothing is missing while one is awaited."""
        if self._waiting_for_keyframe or self._released_up_to is None:
            return False
        return frame.start_seq != self._released_up_to + 1

    def _skip_padding(self) -> None:
        if self._released_up_to is None:
            self._padding.clear()
            return
        while self._released_up_to + 1 in self._padding:
            self._released_up_to += 1
        if self._padding:
            self._padding = {s for s in self._padding if s > self._released_up_to}
            if len(self._padding) > MAX_PENDING_FRAMES:
                self._padding.clear()

    def _expired(self, ts: int, oldest: _Pending, now: float) -> bool:
        """An incomplete frame expires once none of its packets came for
        ``gap_timeout`` of wall-clock time (a large keyframe paced over a slow link
        keeps arriving and is never given up), or once a frame ``gap_timeout`` of media
        time newer has started (packets read in a burst after the process was
        descheduled)."""
        if now - oldest.last_seen > self.gap_timeout:
            return True
        horizon = int(self.gap_timeout * VIDEO_CLOCK)
        return any(
            0 < (other - ts) & 0xFFFFFFFF < 0x80000000 and (other - ts) & 0xFFFFFFFF > horizon
            for other in self._pending
        )

    @property
    def waiting_for_keyframe(self) -> bool:
        """True while only a keyframe can be forwarded (start, or after a loss)."""
        return self._waiting_for_keyframe
