"""Connection quality: scoring samples, hysteresis without flapping, the media mode.

The windows below are shaped like what the relay and a browser reported on the
impairments of tests/impairment (a 150 kbit/s cap, 20 % random loss, blocked UDP).
"""

from __future__ import annotations

from session_room.media_mode import LinkState
from session_room.quality import (
    LinkDirection,
    LinkSample,
    MediaMode,
    ModeReason,
    QualityLevel,
    QualityTracker,
    instant_level,
)

Window = tuple[float, float, float | None, float, float | None, int]
# (loss, jitter ms, rtt ms, delivered kbit/s, expected kbit/s, packets) per 2 s window,
# shaped like what a 640x480 A+V participant reports on each kind of link
GOOD: Window = (0.0, 5, 20, 900, 900, 180)
CAPPED: Window = (0.85, 60, 450, 140, 900, 60)  # a 150 kbit/s cap under video
CAPPED_AUDIO: Window = (0.0, 8, 60, 45, 45, 100)  # the same cap carrying audio only
SQUEEZED: Window = (0.22, 60, 450, 140, 900, 60)
LOSSY: Window = (0.2, 20, 40, 700, 900, 140)  # 20 % random loss
SLIGHT: Window = (0.04, 10, 30, 880, 900, 175)
DEAD: Window = (0.0, 0, None, 0, 900, 0)  # nothing arrives


def at(t: float, w: Window) -> LinkSample:
    return LinkSample(t, *w)


def run(
    tracker: QualityTracker, kinds: list[Window], start: float = 0.0, step: float = 2.0
) -> list[tuple[float, QualityLevel]]:
    """Feeds samples every ``step`` seconds; returns the level changes."""
    changes = []
    for i, kind in enumerate(kinds):
        when = start + i * step
        changed = tracker.add(at(when, kind))
        if changed is not None:
            changes.append((when, changed))
    return changes


def test_samples_are_scored_by_loss_jitter_rtt_and_delivered_bitrate() -> None:
    assert instant_level(at(0, GOOD)) is QualityLevel.GOOD
    assert instant_level(at(0, SLIGHT)) is QualityLevel.FAIR
    assert instant_level(at(0, LOSSY)) is QualityLevel.POOR
    assert instant_level(at(0, SQUEEZED)) is QualityLevel.POOR
    assert instant_level(at(0, CAPPED)) is QualityLevel.LOST
    assert instant_level(at(0, DEAD)) is QualityLevel.LOST
    assert instant_level(at(0, CAPPED_AUDIO)) is QualityLevel.GOOD


def test_a_sender_that_estimates_little_capacity_cannot_carry_video() -> None:
    sample = LinkSample(0, 0.0, 5, 20, 120, 120, 150, capacity_kbps=120)
    assert instant_level(sample) is QualityLevel.POOR


def test_a_squeezed_link_degrades_at_the_first_poor_sample() -> None:
    changes = run(QualityTracker(), [GOOD, GOOD, SQUEEZED, SQUEEZED])
    assert changes == [(4.0, QualityLevel.POOR)]


def test_recovery_waits_until_the_link_stayed_good_then_rises_to_the_worst_seen() -> None:
    tracker = QualityTracker(recover_after=10)
    changes = run(tracker, [LOSSY] + [GOOD] * 3 + [SLIGHT] + [GOOD] * 10)  # better from t=2
    assert changes == [(0.0, QualityLevel.POOR), (12.0, QualityLevel.FAIR),
                       (24.0, QualityLevel.GOOD)]


def test_a_failed_recovery_doubles_the_wait_and_a_stable_link_resets_it() -> None:
    tracker = QualityTracker(recover_after=10)
    # lost under video, good as soon as video stops; video back at t=12 fails again
    changes = run(tracker, [CAPPED] + [CAPPED_AUDIO] * 6 + [CAPPED] + [CAPPED_AUDIO] * 12)
    assert changes == [(0.0, QualityLevel.LOST), (12.0, QualityLevel.GOOD),
                       (14.0, QualityLevel.LOST), (36.0, QualityLevel.GOOD)]
    assert tracker.recover_after == 20
    run(tracker, [GOOD] * 35 + [LOSSY], start=38)  # held 70 s: the next drop resets
    assert tracker.recover_after == 10


def test_a_flapping_link_does_not_flap_the_level() -> None:
    tracker = QualityTracker(recover_after=10)
    changes = run(tracker, [LOSSY, GOOD, GOOD, LOSSY, GOOD, GOOD, GOOD, LOSSY, GOOD] * 3)
    assert changes == [(0.0, QualityLevel.POOR)]  # never good for 10 s in a row


def test_one_slightly_lossy_sample_is_noise_but_two_are_fair() -> None:
    assert run(QualityTracker(), [GOOD, SLIGHT, GOOD, GOOD]) == []
    assert run(QualityTracker(), [GOOD, SLIGHT, SLIGHT]) == [(4.0, QualityLevel.FAIR)]


def feed(state: LinkState, direction: LinkDirection, kinds: list[Window], start: float) -> None:
    for i, kind in enumerate(kinds):
        state.add(direction, at(start + 2 * i, kind))


def test_a_weak_downlink_stops_video_to_them_but_not_from_them() -> None:
    state = LinkState(recover_after=10)
    feed(state, LinkDirection.DOWNLINK, [GOOD, CAPPED], 0)
    view = state.view()
    assert (view.mode, view.reason) == (MediaMode.AUDIO_ONLY, ModeReason.WEAK_DOWNLINK)
    assert (view.receives_video, view.sends_video) == (False, True)
    assert view.quality is QualityLevel.LOST


def test_a_weak_uplink_is_asked_to_stop_sending_video() -> None:
    state = LinkState()
    feed(state, LinkDirection.UPLINK, [LOSSY], 0)
    view = state.view()
    assert (view.mode, view.reason) == (MediaMode.AUDIO_ONLY, ModeReason.WEAK_UPLINK)
    assert (view.receives_video, view.sends_video) == (True, False)


def test_a_link_drowned_by_video_gets_to_try_audio_alone_before_chat_only() -> None:
    state = LinkState(recover_after=10)
    feed(state, LinkDirection.DOWNLINK, [CAPPED, CAPPED_AUDIO, CAPPED_AUDIO], 0)
    assert state.view().mode is MediaMode.AUDIO_ONLY
    feed(state, LinkDirection.DOWNLINK, [CAPPED_AUDIO] * 5, 6)  # good for 10 s
    assert state.view().mode is MediaMode.VIDEO


def test_nothing_arriving_even_without_video_means_chat_only_until_it_recovers() -> None:
    state = LinkState(recover_after=10)
    feed(state, LinkDirection.UPLINK, [DEAD, DEAD], 0)
    assert state.view().mode is MediaMode.AUDIO_ONLY  # first: try audio alone
    feed(state, LinkDirection.UPLINK, [DEAD], 4)
    view = state.view()
    assert (view.mode, view.reason) == (MediaMode.CHAT_ONLY, ModeReason.NO_AUDIO)
    assert not view.sends_video and not view.receives_video
    feed(state, LinkDirection.UPLINK, [GOOD] * 7, 6)
    assert state.view().mode is MediaMode.VIDEO


def test_failed_media_is_chat_only_and_a_chosen_mode_caps_what_the_network_allows() -> None:
    state = LinkState()
    state.connected = False
    assert state.view().reason is ModeReason.MEDIA_FAILED
    state.connected = True
    state.chosen = MediaMode.AUDIO_ONLY
    view = state.view()
    assert (view.mode, view.reason, view.sends_video, view.receives_video) == (
        MediaMode.AUDIO_ONLY, ModeReason.CHOSEN, False, False)
    feed(state, LinkDirection.DOWNLINK, [DEAD, DEAD, DEAD], 0)
    assert state.view().mode is MediaMode.CHAT_ONLY  # the network may lower it further
    state.chosen = None
    assert state.view().reason is ModeReason.NO_AUDIO


def test_choosing_audio_only_while_already_audio_only_for_a_weak_link_is_honoured() -> None:
    state = LinkState()
    feed(state, LinkDirection.UPLINK, [LOSSY], 0)
    automatic = state.view()
    assert (automatic.mode, automatic.reason) == (MediaMode.AUDIO_ONLY, ModeReason.WEAK_UPLINK)
    assert automatic.receives_video  # the automatic mode still forwards video to them
    state.chosen = MediaMode.AUDIO_ONLY
    view = state.view()
    assert (view.mode, view.reason, view.sends_video, view.receives_video) == (
        MediaMode.AUDIO_ONLY, ModeReason.CHOSEN, False, False)
    state.chosen = MediaMode.VIDEO  # choosing video is no cap: the link decides
    assert state.view() == automatic


STARVED: Window = (0.0, 45, 30, 500, 900, 120)  # late packets, a low estimate, no loss


def test_a_busy_computer_with_no_loss_is_fair_at_worst_and_never_audio_only() -> None:
    state = LinkState()
    for i in range(30):  # a minute of a starved sender: estimate 100 kbit/s, jitter 45 ms
        loss, jitter, rtt, delivered, expected, packets = STARVED
        state.add(LinkDirection.UPLINK, LinkSample(2 * i, loss, jitter, rtt, delivered, expected,
                                                   packets, capacity_kbps=100.0,
                                                   device_busy=True))
        view = state.view()
        assert view.mode is MediaMode.VIDEO and view.sends_video, i
        assert view.quality >= QualityLevel.FAIR and view.device_busy
    assert state.view().quality is QualityLevel.FAIR  # shown as "computer busy", not weak
    # the same link without the busy device is a weak uplink
    assert instant_level(LinkSample(0, 0.0, 45, 30, 500, 900, 120, capacity_kbps=100.0)) is (
        QualityLevel.POOR)


def test_a_busy_computer_behind_a_real_bottleneck_is_still_a_weak_link() -> None:
    capped = LinkSample(0, 0.2, 60, 450, 140, 900, 60, capacity_kbps=100.0, device_busy=True)
    assert instant_level(capped) is QualityLevel.POOR  # loss and a long round trip
    state = LinkState()
    state.add(LinkDirection.UPLINK, capped)
    assert (state.view().mode, state.view().reason) == (MediaMode.AUDIO_ONLY,
                                                        ModeReason.WEAK_UPLINK)


def test_an_audio_only_senders_low_estimate_does_not_keep_its_video_off() -> None:
    state = LinkState(recover_after=10)
    feed(state, LinkDirection.UPLINK, [LOSSY], 0)
    assert state.view().mode is MediaMode.AUDIO_ONLY
    for i in range(7):  # the cap is gone: nothing lost, but audio alone keeps the estimate low
        state.add(LinkDirection.UPLINK, LinkSample(2 + 2 * i, 0.0, 5, 20, 50, None, 100,
                                                   capacity_kbps=60.0))
    assert state.view().mode is MediaMode.VIDEO
