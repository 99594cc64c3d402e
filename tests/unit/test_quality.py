"""Connection quality: scoring samples, hysteresis without flapping, the media mode."""

from __future__ import annotations

from media.quality import (
    LinkSample,
    MediaMode,
    QualityLevel,
    QualityTracker,
    instant_level,
    media_mode,
)

Window = tuple[float, float, float | None, float, float | None, int]
# (loss, jitter ms, rtt ms, delivered kbit/s, expected kbit/s, packets) per 2 s window,
# shaped like what a 640x480 A+V participant reports on each kind of link
GOOD: Window = (0.0, 5, 20, 900, 900, 180)
CAPPED: Window = (0.22, 60, 450, 140, 900, 60)  # a 150 kbit/s cap
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
    assert instant_level(at(0, CAPPED)) is QualityLevel.POOR
    assert instant_level(at(0, DEAD)) is QualityLevel.LOST


def test_a_capped_link_degrades_at_the_first_poor_sample() -> None:
    changes = run(QualityTracker(), [GOOD, GOOD, CAPPED, CAPPED])
    assert changes == [(4.0, QualityLevel.POOR)]


def test_recovery_is_one_step_at_a_time_after_the_link_stayed_good() -> None:
    tracker = QualityTracker(recover_after=10)
    changes = run(tracker, [LOSSY] + [GOOD] * 14)  # good from t=2
    assert changes == [
        (0.0, QualityLevel.POOR),
        (12.0, QualityLevel.FAIR),
        (22.0, QualityLevel.GOOD),
    ]


def test_a_flapping_link_does_not_flap_the_level() -> None:
    tracker = QualityTracker(recover_after=10)
    changes = run(tracker, [LOSSY, GOOD, GOOD, LOSSY, GOOD, GOOD, GOOD, LOSSY, GOOD] * 3)
    assert changes == [(0.0, QualityLevel.POOR)]  # never good for 10 s in a row


def test_one_slightly_lossy_sample_is_noise_but_two_are_fair() -> None:
    assert run(QualityTracker(), [GOOD, SLIGHT, GOOD, GOOD]) == []
    assert run(QualityTracker(), [GOOD, SLIGHT, SLIGHT]) == [(4.0, QualityLevel.FAIR)]


def test_the_mode_protects_audio_and_respects_the_persons_choice() -> None:
    good, poor, lost = QualityLevel.GOOD, QualityLevel.POOR, QualityLevel.LOST
    assert media_mode(good, good) == (MediaMode.VIDEO, "your connection is good")
    assert media_mode(good, poor)[0] is MediaMode.AUDIO_ONLY  # weak downlink
    assert media_mode(poor, good)[0] is MediaMode.AUDIO_ONLY  # weak uplink
    assert media_mode(good, lost)[0] is MediaMode.CHAT_ONLY
    assert media_mode(good, good, media_connected=False) == (
        MediaMode.CHAT_ONLY,
        "media could not connect",
    )
    assert media_mode(good, good, chosen=MediaMode.AUDIO_ONLY) == (
        MediaMode.AUDIO_ONLY,
        "you chose it",
    )
    assert media_mode(good, lost, chosen=MediaMode.AUDIO_ONLY)[0] is MediaMode.CHAT_ONLY
