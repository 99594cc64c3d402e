"""The layer policy: a viewer's downlink budget, and how it is shared between streams."""

from __future__ import annotations

from session_room.layers import (
    DownlinkBudget,
    StreamDemand,
    StreamKind,
    VideoStep,
    allocate,
    step_costs,
)
from session_room.quality import LinkSample

COSTS = step_costs(top_kbps=700.0, low_kbps=240.0)


def sample(at: float, delivered: float, loss: float = 0.0, busy: bool = False,
           sent: float | None = None) -> LinkSample:
    return LinkSample(at=at, loss=loss, jitter_ms=5.0, rtt_ms=40.0, delivered_kbps=delivered,
                      expected_kbps=sent, packets=100, device_busy=busy)


def camera(key: str, **kw: object) -> StreamDemand:
    return StreamDemand(key, costs=COSTS, **kw)  # type: ignore[arg-type]


def test_without_a_budget_every_camera_gets_the_top_layer_unless_its_tile_is_small() -> None:
    steps = allocate(None, [camera("a"), camera("b", tile_height=180)], audio_streams=2)
    assert steps == {"a": VideoStep.FULL, "b": VideoStep.LOW}


def test_a_600_kbps_budget_keeps_video_at_the_low_layer() -> None:
    assert allocate(510, [camera("a")], audio_streams=1) == {"a": VideoStep.LOW}


def test_a_300_kbps_budget_keeps_video_at_a_lower_frame_rate() -> None:
    assert allocate(255, [camera("a")], audio_streams=1) == {"a": VideoStep.LOW_HALF_FPS}


def test_a_150_kbps_budget_is_audio_only() -> None:
    assert allocate(127, [camera("a")], audio_streams=1) == {"a": VideoStep.OFF}


def test_a_screen_share_is_served_before_the_speaker_and_the_speaker_before_the_rest() -> None:
    screen = StreamDemand("s", StreamKind.SCREEN, costs=COSTS)
    streams = [camera("a"), camera("b", speaking=True), screen]
    steps = allocate(40 * 3 + 700 + 240 + 110, streams, audio_streams=3)
    assert steps == {"s": VideoStep.FULL, "b": VideoStep.LOW, "a": VideoStep.LOW_FPS}
    tight = allocate(40 * 3 + 108 * 2 + 10, streams, audio_streams=3)
    assert tight == {"s": VideoStep.LOW_FPS, "b": VideoStep.LOW_FPS, "a": VideoStep.OFF}


def test_a_weak_sample_cuts_the_budget_to_what_arrived_at_once() -> None:
    budget = DownlinkBudget()
    assert not budget.add(sample(0, 900))
    assert budget.kbps is None
    assert budget.add(sample(2, 560, loss=0.2))
    assert budget.kbps == 0.85 * 560
    assert allocate(budget.kbps, [camera("a")], audio_streams=1) == {"a": VideoStep.LOW}


def test_a_busy_computer_never_cuts_the_budget() -> None:
    budget = DownlinkBudget()
    for i in range(10):
        budget.add(sample(i * 2, 80, loss=0.01, busy=True))
    assert budget.kbps is None


def test_the_budget_climbs_back_one_step_at_a_time_after_the_link_recovers() -> None:
    budget = DownlinkBudget(rise_after=6)
    budget.add(sample(0, 150, loss=0.3))
    at, seen = 0.0, []
    while budget.kbps is not None:
        at += 1
        budget.add(sample(at, 40))
        seen.append(allocate(budget.kbps, [camera("a")], audio_streams=1)["a"])
    steps = [s for i, s in enumerate(seen) if i == 0 or s != seen[i - 1]]
    assert steps == [VideoStep.OFF, VideoStep.LOW_HALF_FPS, VideoStep.LOW, VideoStep.FULL]
    assert at <= 14


def test_a_failed_recovery_doubles_the_wait() -> None:
    budget = DownlinkBudget(rise_after=6)
    budget.add(sample(0, 150, loss=0.3))
    for at in range(1, 7):
        budget.add(sample(at, 40))
    assert budget.kbps is not None and budget.kbps > 200  # rose at 6 s
    budget.add(sample(7, 150, loss=0.3))  # still capped
    assert budget.wait == 12
    for at in range(8, 19):
        budget.add(sample(at, 40))
    assert budget.kbps is not None and budget.kbps < 150  # not yet
    budget.add(sample(19, 40))
    assert budget.kbps is not None and budget.kbps > 200


def test_loss_that_persists_after_a_cut_steps_down_to_audio_only_in_a_few_samples() -> None:
    budget = DownlinkBudget()
    sent, steps = 800.0, []
    for i in range(4):  # 20 % random loss: whatever is sent, a fifth is lost
        budget.add(sample(i, sent * 0.8, loss=0.2, sent=sent))
        step = allocate(budget.kbps, [camera("a")], audio_streams=1)["a"]
        steps.append(step)
        sent = COSTS[step] + 40
    assert steps[0] is VideoStep.LOW and VideoStep.OFF in steps[:3], steps


def test_a_cap_keeps_its_budget_while_the_cut_waits_for_a_keyframe() -> None:
    budget = DownlinkBudget()
    budget.add(sample(0, 300, loss=0.6, sent=750))  # a 300 kbit/s cap under full video
    first = budget.kbps
    budget.add(sample(1, 300, loss=0.6, sent=750))  # the lower layer has not started yet
    assert budget.kbps == first == 255
    assert allocate(budget.kbps, [camera("a")], audio_streams=1)["a"] > VideoStep.OFF


def test_a_stream_without_lower_steps_still_ends_audio_only_under_persisting_loss() -> None:
    budget = DownlinkBudget()  # a publisher of one layer, no temporal layers: 800 whatever
    for i in range(5):
        budget.add(sample(i, 640, loss=0.2, sent=800))
    assert budget.kbps is not None and budget.kbps < 150
