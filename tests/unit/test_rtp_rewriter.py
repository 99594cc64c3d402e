"""Per-subscriber RTP rewriting for packet forwarding: gaps stay gaps, numbering
continues across switches, video starts on a keyframe's first packet."""

from __future__ import annotations

from media.rtp_rewriter import VIDEO_FRAME_TICKS, StreamRewriter, vp8_keyframe_start

# VP8 descriptor: X=1, S=1, PID=0; extension I=1 (15-bit picture id); then payload header
KEY_START = bytes([0x90, 0x80, 0x80, 0x01, 0x00]) + b"key"
DELTA_START = bytes([0x90, 0x80, 0x80, 0x02, 0x01]) + b"dlt"
MIDDLE = bytes([0x80, 0x80, 0x80, 0x01]) + b"..."  # S=0: not a start


def start(payload: bytes) -> bool:
    return vp8_keyframe_start(payload)


def test_vp8_keyframe_starts_are_read_from_the_descriptor() -> None:
    assert vp8_keyframe_start(KEY_START)
    assert vp8_keyframe_start(bytes([0x10, 0x00]))  # no extension, keyframe
    assert not vp8_keyframe_start(DELTA_START)
    assert not vp8_keyframe_start(MIDDLE)
    assert not vp8_keyframe_start(bytes([0x11, 0x00]))  # partition 1
    assert not vp8_keyframe_start(b"")
    assert not vp8_keyframe_start(bytes([0x90, 0x80]))  # truncated


def test_video_starts_on_a_keyframe_and_an_upstream_gap_stays_a_gap() -> None:
    r = StreamRewriter("video", first_sequence=100, first_timestamp=5000)
    assert r.rewrite(7, 1000, start(DELTA_START)) is None
    assert r.rewrite(8, 1000, start(MIDDLE)) is None
    assert r.rewrite(9, 4000, start(KEY_START)) == (100, 5000)
    assert r.rewrite(10, 4000, start(MIDDLE)) == (101, 5000)
    # 11 and 12 were lost upstream
    assert r.rewrite(13, 7000, start(DELTA_START)) == (104, 8000)
    assert r.gaps_forwarded == 2
    assert r.rewrite(11, 7000, start(MIDDLE)) == (102, 8000)  # a late retransmission fills it
    assert r.gaps_forwarded == 2  # counted as the browser counts: its loss delta never < 0


def test_numbering_continues_forward_across_a_publisher_switch() -> None:
    r = StreamRewriter("video", first_sequence=65534, first_timestamp=0xFFFFF000)
    assert r.rewrite(500, 90_000, start(KEY_START)) == (65534, 0xFFFFF000)
    assert r.rewrite(501, 93_000, start(DELTA_START)) == (65535, 0xFFFFF000 + 3000)
    r.switch()
    assert r.rewrite(40_000, 1_000_000, start(DELTA_START)) is None  # waits for a keyframe
    seq, ts = r.rewrite(40_001, 1_003_000, start(KEY_START)) or (-1, -1)
    assert seq == 0  # wrapped, one after the last sent
    assert ts == (0xFFFFF000 + 3000 + VIDEO_FRAME_TICKS) & 0xFFFFFFFF
    assert r.rewrite(40_000, 1_000_000, start(MIDDLE)) is None  # from before the start point
    assert r.gaps_forwarded == 0


def test_audio_forwards_every_packet_and_keeps_gaps_across_wraparound() -> None:
    r = StreamRewriter("audio", first_sequence=10, first_timestamp=0)
    assert r.rewrite(65534, 960, start(b"opus")) == (10, 0)
    assert r.rewrite(65535, 1920, start(b"opus")) == (11, 960)
    assert r.rewrite(2, 4800, start(b"opus")) == (14, 3840)  # 0 and 1 lost across the wrap
    assert r.gaps_forwarded == 2


def test_a_restart_after_an_overflow_waits_for_a_keyframe_and_continues() -> None:
    r = StreamRewriter("video", first_sequence=0, first_timestamp=0)
    assert r.rewrite(1, 3000, start(KEY_START)) == (0, 0)
    r.restart()
    assert r.rewrite(2, 6000, start(DELTA_START)) is None
    assert r.rewrite(50, 90_000, start(KEY_START)) == (1, VIDEO_FRAME_TICKS)
