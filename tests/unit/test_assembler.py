"""The relay's frame assembler: release on the marker bit, give up on gaps."""

from __future__ import annotations

from media.assembler import FrameAssembler

START = 0x10
KEY = b"\x00key"  # VP8 keyframe: bit 0 of the first byte is 0
DELTA = b"\x01dlt"


def add(
    a: FrameAssembler, seq: int, ts: int, *, start: bool, marker: bool, data: bytes, now: float
) -> tuple[list[bytes], bool]:
    frames, pli = a.add(
        sequence_number=seq,
        timestamp=ts,
        marker=marker,
        payload_head=START if start else 0,
        data=data,
        now=now,
    )
    return [f.data for f in frames], pli


def test_a_frame_is_released_when_its_marker_packet_arrives() -> None:
    a = FrameAssembler(is_video=True)
    assert add(a, 1, 100, start=True, marker=False, data=KEY, now=0) == ([], False)
    assert add(a, 2, 100, start=False, marker=True, data=b"-end", now=0.001) == (
        [KEY + b"-end"],
        False,
    )


def test_reordered_packets_still_make_one_frame() -> None:
    a = FrameAssembler(is_video=True)
    add(a, 11, 100, start=False, marker=True, data=b"b", now=0)
    frames, _ = add(a, 10, 100, start=True, marker=False, data=KEY, now=0)
    assert frames == [KEY + b"b"]


def test_deltas_before_the_first_keyframe_are_not_forwarded() -> None:
    a = FrameAssembler(is_video=True)
    assert add(a, 1, 100, start=True, marker=True, data=DELTA, now=0)[0] == []
    assert add(a, 2, 200, start=True, marker=True, data=KEY, now=0.03)[0] == [KEY]
    assert add(a, 3, 300, start=True, marker=True, data=DELTA, now=0.06)[0] == [DELTA]


def test_a_lost_packet_is_given_up_after_the_gap_timeout_and_asks_for_a_keyframe() -> None:
    a = FrameAssembler(is_video=True, gap_timeout=0.12)
    add(a, 1, 100, start=True, marker=True, data=KEY, now=0)
    add(a, 2, 200, start=True, marker=False, data=DELTA, now=0.033)  # seq 3 is lost
    frames, pli = add(a, 4, 300, start=True, marker=True, data=DELTA, now=0.066)
    assert (frames, pli) == ([], False)  # waits behind the incomplete frame
    frames, pli = add(a, 5, 400, start=True, marker=True, data=DELTA, now=0.2)
    assert frames == [] and pli  # gave up; deltas are useless until a keyframe
    frames, pli = add(a, 6, 500, start=True, marker=True, data=KEY, now=0.25)
    assert frames == [KEY] and not pli


def test_late_and_duplicate_packets_are_dropped() -> None:
    a = FrameAssembler(is_video=False)
    assert add(a, 5, 0, start=False, marker=False, data=b"a", now=0)[0] == [b"a"]
    assert add(a, 5, 0, start=False, marker=False, data=b"a", now=0)[0] == []
    assert add(a, 4, 0, start=False, marker=False, data=b"z", now=0)[0] == []


def test_sequence_numbers_wrap() -> None:
    a = FrameAssembler(is_video=False)
    assert add(a, 65535, 0, start=False, marker=False, data=b"a", now=0)[0] == [b"a"]
    assert add(a, 0, 960, start=False, marker=False, data=b"b", now=0)[0] == [b"b"]


def test_an_incomplete_frame_is_given_up_once_newer_frames_span_the_gap_timeout() -> None:
    # packets read in one burst (the process was descheduled): no wall time passes
    a = FrameAssembler(is_video=True, gap_timeout=0.1)
    add(a, 1, 0, start=True, marker=True, data=KEY, now=0)
    add(a, 2, 3000, start=True, marker=False, data=DELTA, now=1)  # seq 3 is lost
    frames, pli = add(a, 4, 6000, start=True, marker=True, data=DELTA, now=1)
    assert (frames, pli) == ([], False)  # 33 ms of media: still waiting for seq 3
    frames, pli = add(a, 5, 3000 + 9001, start=True, marker=True, data=DELTA, now=1)
    assert frames == [] and pli


def test_a_keyframe_is_asked_for_again_while_only_deltas_arrive() -> None:
    a = FrameAssembler(is_video=True)
    assert add(a, 1, 100, start=True, marker=True, data=DELTA, now=0) == ([], True)
    assert add(a, 2, 200, start=True, marker=True, data=DELTA, now=0.03) == ([], True)
    assert add(a, 3, 300, start=True, marker=True, data=KEY, now=0.06) == ([KEY], False)


def test_a_wholly_lost_frame_holds_back_the_next_delta_then_asks_for_a_keyframe() -> None:
    a = FrameAssembler(is_video=True, gap_timeout=0.1)
    add(a, 1, 0, start=True, marker=True, data=KEY, now=0)
    # seq 2 (one whole frame) is lost; the next delta would decode wrongly
    assert add(a, 3, 6000, start=True, marker=True, data=DELTA, now=0.066) == ([], False)
    frames, pli = add(a, 4, 9000, start=True, marker=True, data=DELTA, now=0.2)
    assert frames == [] and pli
    assert add(a, 5, 12000, start=True, marker=True, data=KEY, now=0.23)[0] == [KEY]


def test_a_retransmitted_frame_fills_the_gap_and_everything_is_released_in_order() -> None:
    a = FrameAssembler(is_video=True)
    add(a, 1, 0, start=True, marker=True, data=KEY, now=0)
    assert add(a, 3, 6000, start=True, marker=True, data=b"\x01two", now=0.066)[0] == []
    assert add(a, 2, 3000, start=True, marker=True, data=b"\x01one", now=0.08) == (
        [b"\x01one", b"\x01two"],
        False,
    )


def test_padding_packets_fill_sequence_numbers_without_making_frames() -> None:
    a = FrameAssembler(is_video=True)
    add(a, 1, 0, start=True, marker=True, data=KEY, now=0)
    assert add(a, 2, 0, start=False, marker=False, data=b"", now=0.01) == ([], False)
    assert add(a, 3, 3000, start=True, marker=True, data=DELTA, now=0.033) == ([DELTA], False)


def test_a_keyframe_paced_over_a_second_is_delivered_whole() -> None:
    for spread in (0.3, 1.0):  # a 30 KB keyframe at 300 kbit/s takes ~800 ms
        a = FrameAssembler(is_video=True, gap_timeout=0.1)
        parts = [KEY] + [bytes([n]) * 1000 for n in range(1, 30)]
        released: list[bytes] = []
        for n, part in enumerate(parts):
            frames, pli = add(a, 100 + n, 9000, start=n == 0, marker=n == len(parts) - 1,
                              data=part, now=n * spread / len(parts))
            released += frames
            assert not pli
        assert released == [b"".join(parts)]
        frames, pli = add(a, 130, 12000, start=True, marker=True, data=DELTA, now=spread + 0.03)
        assert frames == [DELTA] and not pli
