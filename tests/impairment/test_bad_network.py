"""Under real impairment (network namespace, tbf caps, nftables loss), a participant
with a bad link goes audio-only or chat-only in time, keeps audio and the session,
and comes back; the other participant is unaffected.

Measured times are appended as JSON lines to ``$IMPAIRMENT_RESULTS`` when it is set
(see docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable

import pytest

from signaling import protocol
from tests.impairment.conftest import Rig
from tests.impairment.netns import Way

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.impairment,
              pytest.mark.timeout(180)]

MAX_AUDIO_GAP = 0.5
STABLE_BEFORE = 11.0
"""Seconds in video mode before impairing (more than the base recovery wait)."""


async def until(check: Callable[[], bool], timeout: float, what: str) -> float:
    """Waits until ``check()``; returns the seconds it took."""
    start = time.monotonic()
    while not check():
        elapsed = time.monotonic() - start
        assert elapsed < timeout, f"{what}: not within {timeout} s"
        await asyncio.sleep(0.05)
    return time.monotonic() - start


def record(test: str, **figures: float) -> None:
    path = os.environ.get("IMPAIRMENT_RESULTS")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps({"test": test, **figures}) + "\n")


def video_flowing(rig: Rig) -> Callable[[], bool]:
    """True once the mentee received 10 more video frames than when this was made."""
    base = rig.mentee.last["video"]
    return lambda: rig.mentee.last["video"] >= base + 10


def mentor_unaffected(rig: Rig) -> None:
    me = rig.mentor.participants.get(rig.mentor.participant_id)
    assert me is None or (me.media_mode is protocol.MediaMode.VIDEO
                          and me.quality >= protocol.QualityLevel.FAIR), me


def mentee_seen_by_mentor(rig: Rig) -> protocol.ParticipantInfo:
    return rig.mentor.participants[rig.mentee.participant_id]


def full_video(status: dict[str, object]) -> bool:
    return bool(status["mode"] == "video" and status["sends_video"] and status["receives_video"]
                and status["quality"] == protocol.QualityLevel.GOOD)


async def settled(rig: Rig) -> None:
    """Waits until the mentee has been in video mode both ways for a while (a drop
    right after a recovery counts as a failed recovery and doubles the next wait,
    which would couple one test to the previous one) and receives video."""
    def stable() -> bool:
        statuses = rig.mentee.statuses
        last_degraded = max((s["t"] for s in statuses if not full_video(s)),
                            default=statuses[0]["t"] if statuses else time.monotonic())
        mentor = rig.mentor.participants.get(rig.mentor.participant_id)
        return (rig.mentee.participant_id != "" and full_video(rig.mentee.last)
                and time.monotonic() - last_degraded > STABLE_BEFORE
                and (mentor is None or mentor.media_mode is protocol.MediaMode.VIDEO))

    await until(stable, 90, "mentee in video mode")
    await until(video_flowing(rig), 30, "video reaches the mentee")


def max_gap(times: list[float]) -> float:
    return max((b - a for a, b in zip(times, times[1:], strict=False)), default=float("inf"))


async def degrade_and_recover(rig: Rig, test: str, impair: Callable[[], None],
                              within: float = 5) -> None:
    await settled(rig)
    start = time.monotonic()
    impair()
    try:
        await _degrade_and_recover(rig, test, start, within)
    finally:
        rig.link.lift()  # a failed check must not leave the next test impaired


async def _degrade_and_recover(rig: Rig, test: str, start: float, within: float) -> None:
    reaction = await until(lambda: not rig.mentee.last["receives_video"], within,
                           "relay stops video to the mentee")
    assert rig.mentee.last["mode"] == "audio_only"
    assert rig.mentee.last["reason"] == "weak_downlink"
    await asyncio.sleep(4)
    switched = start + reaction
    gap = max_gap(rig.mentee.audio_arrivals(start - 1, switched + 3))
    assert gap <= MAX_AUDIO_GAP, f"audio stalled for {gap:.2f} s around the switch"
    mentor_unaffected(rig)
    assert mentee_seen_by_mentor(rig).sends_video  # the mentee's own video still goes out
    rig.link.lift()
    lifted = time.monotonic()
    # 10 s of better samples, or 20 s after one failed probe: measured (record), not asserted
    await until(lambda: rig.mentee.last["receives_video"], 45, "video back to the mentee")
    await until(video_flowing(rig), 5, "video frames arrive again")
    recovery = time.monotonic() - lifted
    mentor_unaffected(rig)
    record(test, reaction_s=reaction, recovery_s=recovery, max_audio_gap_s=gap)


async def test_a_downlink_capped_at_150_kbits_goes_audio_only_keeps_audio_and_recovers(
    rig: Rig,
) -> None:
    await degrade_and_recover(rig, "downlink_cap_150kbit",
                              lambda: rig.link.cap(Way.DOWNLINK, 150))


async def test_a_downlink_losing_20_percent_goes_audio_only_keeps_audio_and_recovers(
    rig: Rig,
) -> None:
    # video steps down first (a lower layer, fewer frames): the loss does not fall with
    # the rate, so it ends in audio-only a few report windows later
    await degrade_and_recover(rig, "downlink_loss_20pct",
                              lambda: rig.link.lose(Way.DOWNLINK, 20), within=10)


async def test_a_weak_uplink_stops_sending_video_and_the_others_see_it(rig: Rig) -> None:
    await settled(rig)
    start = time.monotonic()
    rig.link.cap(Way.UPLINK, 150)
    reaction = await until(lambda: not mentee_seen_by_mentor(rig).sends_video, 5,
                           "the mentor sees the mentee stop sending video")
    seen = mentee_seen_by_mentor(rig)
    assert (seen.media_mode, seen.mode_reason) == (protocol.MediaMode.AUDIO_ONLY,
                                                   protocol.ModeReason.WEAK_UPLINK)
    await until(lambda: not rig.mentee.last["sends_video"], 2, "the mentee is told")
    mentor_unaffected(rig)
    rig.link.lift()
    lifted = time.monotonic()
    # the level rises after 10 s of better samples, or 20 s after one failed probe (the
    # wait doubles): the time itself is measured (record below), not asserted here
    await until(lambda: mentee_seen_by_mentor(rig).sends_video, 45, "mentee sends video again")
    frames = rig.mentor.remote(rig.mentee.participant_id).video
    assert frames is not None
    base = frames.frames
    await until(lambda: frames.frames >= base + 10, 5, "the mentor receives it")
    record("uplink_cap_150kbit", reaction_s=reaction, recovery_s=time.monotonic() - lifted,
           since_start_s=time.monotonic() - start)


async def test_blocked_media_is_chat_only_and_the_session_still_reaches_them(rig: Rig) -> None:
    await settled(rig)
    start = time.monotonic()
    rig.link.block_udp()
    reaction = await until(lambda: rig.mentee.last["mode"] == "chat_only", 10,
                           "the mentee is chat-only")
    seen = mentee_seen_by_mentor(rig)
    assert seen.media_mode is protocol.MediaMode.CHAT_ONLY
    heard = len(rig.mentee.messages)
    sent = time.monotonic()
    await rig.mentor.send(protocol.ChatSend(id="c1", client_message_id="m1",
                                            text="Can you read me?"))
    await rig.mentor.send(protocol.AgendaAdd(id="a1", title="Plan B", details="",
                                                planned_minutes=5))
    await until(lambda: {m["type"] for m in rig.mentee.messages[heard:]}
                >= {"chat_message", "agenda_changed"}, 5, "chat and agenda reach the mentee")
    delivered = time.monotonic() - sent
    mentor_unaffected(rig)
    rig.link.lift()
    lifted = time.monotonic()
    # The issue sets no limit here, and the wait may have doubled after an earlier
    # test's failed recovery; the first samples after the block also count its
    # sequence gap as loss (see docs/benchmarks.md).
    await until(lambda: rig.mentee.last["mode"] == "video", 60, "back to video")
    await until(video_flowing(rig), 30, "video frames arrive again")
    record("udp_blocked", reaction_s=reaction, message_delivery_s=delivered,
           recovery_s=time.monotonic() - lifted, since_start_s=lifted - start)
