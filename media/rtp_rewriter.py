"""Per-subscriber RTP header rewriting for packet-level forwarding (issue 15).

An SFU forwards each RTP packet as it arrives and rewrites, per subscriber, the
sequence number and timestamp with per-stream offsets: a gap upstream stays a gap
downstream (the subscriber's loss concealment, NACKs and statistics see it), and the
numbering continues forward across a publisher switch or a restart after an overflow
(the subscriber's decoder sees one stream). A video subscriber may only (re)start on
the first packet of a keyframe, read from the VP8 payload descriptor (RFC 7741) and
payload header, never by reassembling frames.

Pure: no I/O, no clock; the relay's packet path feeds it headers and payloads.
"""

from __future__ import annotations

from media.assembler import SequenceUnwrapper

VIDEO_FRAME_TICKS = 90_000 // 30
"""The timestamp step put between two sources (one frame at 30 fps)."""
AUDIO_FRAME_TICKS = 960
"""20 ms of 48 kHz Opus."""
TOP_LAYER = 2
"""The highest simulcast layer index (three layers: 0, 1, 2)."""
TOP_TEMPORAL = 2
"""The highest temporal layer id (VP8 L1T3: 0, 1, 2)."""


def vp8_keyframe_start(payload: bytes) -> bool:
    """True if this RTP payload is the first packet of a VP8 keyframe: the descriptor's
    S bit set with partition index 0, and the payload header's P bit clear.

    Args:
        payload: The RTP payload, starting with the VP8 payload descriptor.
    """
    if not payload:
        return False
    first = payload[0]
    if not first & 0x10 or first & 0x07:  # not the start of partition 0
        return False
    i = 1
    if first & 0x80:  # X: extension byte follows
        if len(payload) < 2:
            return False
        ext = payload[1]
        i = 2
        if ext & 0x80:  # I: picture id, 7 or 15 bits
            if len(payload) <= i:
                return False
            i += 2 if payload[i] & 0x80 else 1
        if ext & 0x40:  # L: TL0PICIDX
            i += 1
        if ext & 0x30:  # T or K: TID/Y/KEYIDX
            i += 1
    return len(payload) > i and not payload[i] & 0x01


def _vp8_tid_offset(payload: bytes) -> int:
    """Where the TID/Y/KEYIDX byte is in a VP8 descriptor, or 0 if it has none."""
    if len(payload) < 2 or not payload[0] & 0x80 or not payload[1] & 0x20:
        return 0
    ext, i = payload[1], 2
    if ext & 0x80:  # I: picture id, 7 or 15 bits
        if len(payload) <= i:
            return 0
        i += 2 if payload[i] & 0x80 else 1
    if ext & 0x40:  # L: TL0PICIDX
        i += 1
    return i if len(payload) > i else 0


def vp8_temporal_id(payload: bytes) -> int:
    """The temporal layer id (TID) of a VP8 packet; 0 if it carries none."""
    i = _vp8_tid_offset(payload)
    return payload[i] >> 6 if i else 0


def vp8_temporal_switch_point(payload: bytes) -> bool:
    """True if this packet starts a base-layer (TID 0) VP8 frame: a point where the
    temporal layers forwarded may change (every later frame refers only to frames
    from here on, in the usual L1T2/L1T3 patterns)."""
    if not payload or not payload[0] & 0x10 or payload[0] & 0x07:
        return False
    i = _vp8_tid_offset(payload)
    return not (payload[i] >> 6 if i else 0)


class StreamRewriter:
    """Maps one subscriber's incoming packets (from whichever publisher it follows) to
    the sequence numbers and timestamps of the one stream it sends.

    Args:
        kind: ``"audio"`` or ``"video"``.
        first_sequence: The first sequence number to send (random in a real sender).
        first_timestamp: The first timestamp to send.
    """

    def __init__(self, kind: str, first_sequence: int = 0, first_timestamp: int = 0) -> None:
        self.kind = kind
        self._step = VIDEO_FRAME_TICKS if kind == "video" else AUDIO_FRAME_TICKS
        self._unwrapper = SequenceUnwrapper()
        self._waiting = True
        self._seq_offset = 0
        self._ts_offset = 0
        self._start_ext = 0
        self._next_seq = first_sequence  # 64-bit, output space
        self._last_ts = (first_timestamp - self._step) & 0xFFFFFFFF
        self.gaps_forwarded = 0
        """Packets missing upstream that were passed on as gaps: loss the subscriber
        will see that is not its link's fault. Counted when the gap is forwarded and
        never taken back when a late packet fills it, as a browser's loss deltas are
        never negative (its cumulative loss falls, the delta clamps at 0)."""
        self._highest_out: int | None = None

    @property
    def waiting(self) -> bool:
        """True until the next start point (a keyframe's first packet, for video)."""
        return self._waiting

    def restart(self) -> None:
        """The same source, but forwarding must resume at a start point (after this
        subscriber's queue overflowed, or video was switched off and on)."""
        self._waiting = True

    def switch(self) -> None:
        """Another source follows (another publisher, or a new stream of the same):
        its numbering is unrelated to the previous one's."""
        self._unwrapper = SequenceUnwrapper()
        self._waiting = True

    def drop(self, sequence_number: int) -> None:
        """Leaves out a packet on purpose (a temporal layer not forwarded): when it is
        the next in order, the ones after it close up, so the subscriber sees no gap.
        (One left out of order stays a gap, as a loss would.)"""
        ext = self._unwrapper.unwrap(sequence_number)
        if self._waiting or ext < self._start_ext:
            return
        if ext + self._seq_offset == self._next_seq:
            self._seq_offset -= 1

    def rewrite(self, sequence_number: int, timestamp: int,
                keyframe_start: bool) -> tuple[int, int] | None:
        """The (sequence number, timestamp) to send this packet with, or ``None`` if it
        must not be forwarded (before a start point, or from before it).

        Args:
            sequence_number: The packet's upstream sequence number.
            timestamp: Its upstream timestamp.
            keyframe_start: :func:`vp8_keyframe_start` of its payload (read once per
                packet by the publisher; ignored for audio).
        """
        ext = self._unwrapper.unwrap(sequence_number)
        if self._waiting:
            if self.kind == "video" and not keyframe_start:
                return None
            self._waiting = False
            self._start_ext = ext
            self._seq_offset = self._next_seq - ext
            self._ts_offset = (self._last_ts + self._step - timestamp) & 0xFFFFFFFF
        elif ext < self._start_ext:
            return None  # from before the start point (a late retransmission)
        out = ext + self._seq_offset
        if self._highest_out is not None and out > self._highest_out + 1:
            self.gaps_forwarded += out - self._highest_out - 1
        if self._highest_out is None or out > self._highest_out:
            self._highest_out = out
            self._next_seq = out + 1
            self._last_ts = (timestamp + self._ts_offset) & 0xFFFFFFFF
        return out & 0xFFFF, (timestamp + self._ts_offset) & 0xFFFFFFFF
