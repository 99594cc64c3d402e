"""Counters and client reports become link samples: deltas, windows, nothing to score."""

from __future__ import annotations

from media.events import LinkCounters, StreamCounters
from signaling import protocol
from signaling.worker.link_sampler import WARM_UP_REPORTS, LinkSampler


def report(received: int, lost: int, payload: int = 10_000) -> protocol.QualityReport:
    return protocol.QualityReport(window_ms=1000, packets_received=received,
                                  packets_lost=lost, bytes_received=payload, jitter_ms=4.0,
                                  available_outgoing_kbps=120.0)


def up(packets: int, lost: int, payload: int, jitter: float = 3.0) -> LinkCounters:
    return LinkCounters((StreamCounters(1, packets, lost, jitter),), payload, True)


def test_an_uplink_sample_is_the_delta_between_two_readings() -> None:
    sampler = LinkSampler()
    assert sampler.uplink("p", up(100, 0, 10_000), 10.0) is None
    sample = sampler.uplink("p", up(180, 20, 60_000), 12.0)
    assert sample is not None
    assert (sample.packets, sample.loss, sample.delivered_kbps) == (80, 0.2, 200.0)


def test_an_uplink_sample_uses_the_senders_own_capacity_estimate_once_it_ramped_up() -> None:
    sampler = LinkSampler()
    sampler.uplink("p", up(100, 0, 10_000), 10.0)  # a new connection
    sampler.downlink("p", report(50, 0), LinkCounters(down_bytes=1), 10.5)
    sample = sampler.uplink("p", up(200, 0, 20_000), 12.0)
    assert sample is not None and sample.capacity_kbps is None  # its estimate starts low
    sampler.downlink("p", report(50, 0), LinkCounters(down_bytes=2), 20.5)
    sample = sampler.uplink("p", up(300, 0, 30_000), 22.0)
    assert sample is not None and sample.capacity_kbps == 120.0


def test_nothing_published_or_nothing_sent_is_not_scored() -> None:
    sampler = LinkSampler()
    sampler.uplink("p", LinkCounters(publishing=False), 10.0)
    assert sampler.uplink("p", LinkCounters(publishing=False), 12.0) is None
    sampler.downlink("p", report(0, 0, 0), LinkCounters(down_bytes=500), 10.0)
    assert sampler.downlink("p", report(0, 0, 0), LinkCounters(down_bytes=500), 11.0) is None


def test_a_downlink_sample_compares_what_arrived_with_what_the_relay_sent() -> None:
    sampler = LinkSampler()
    sample = None
    for second in range(WARM_UP_REPORTS + 2):  # the relay sends 400 kbit/s, 100 arrive
        sample = sampler.downlink("p", report(75, 25, 12_500),
                                  LinkCounters(down_bytes=50_000 * second), 10.0 + second)
    assert sample is not None
    assert (sample.loss, sample.delivered_kbps, sample.expected_kbps) == (0.25, 100.0, 400.0)
    sampler.forget("p")
    assert sampler.downlink("p", report(1, 0), LinkCounters(down_bytes=60_000), 12.0) is None


def test_a_restarted_receive_connection_does_not_look_like_a_negative_bitrate() -> None:
    sampler = LinkSampler()
    sampler.downlink("p", report(50, 0), LinkCounters(down_bytes=90_000), 10.0)
    sample = sampler.downlink("p", report(50, 0), LinkCounters(down_bytes=1_000), 11.0)
    assert sample is not None and sample.expected_kbps is None


def test_a_new_publish_connection_starts_a_new_reading_instead_of_a_lost_sample() -> None:
    sampler = LinkSampler()
    sampler.uplink("p", up(5_000, 0, 900_000), 10.0)
    assert sampler.uplink("p", up(90, 0, 9_000), 12.0) is None
    sample = sampler.uplink("p", up(190, 0, 19_000), 14.0)
    assert sample is not None and sample.packets == 100


def test_jitter_counts_only_for_streams_that_kept_flowing() -> None:
    sampler = LinkSampler()
    video, audio = 1, 2

    def reading(v_packets: int, v_jitter: float) -> LinkCounters:
        return LinkCounters((StreamCounters(video, v_packets, 0, v_jitter),
                             StreamCounters(audio, v_packets, 0, 5.0)), 1000, True)

    sampler.uplink("p", reading(100, 5.0), 0.0)
    sampler.uplink("p", reading(100, 5.0), 2.0)  # video paused (audio too, here)
    resumed = sampler.uplink("p", reading(200, 900.0), 4.0)  # the estimate jumps on resume
    assert resumed is not None and resumed.jitter_ms == 0.0
    steady = sampler.uplink("p", reading(300, 20.0), 6.0)
    assert steady is not None and steady.jitter_ms == 20.0


def test_the_delivered_ratio_spans_two_windows_so_misaligned_windows_do_not_read_as_poor() -> None:
    sampler = LinkSampler()
    for tick in range(WARM_UP_REPORTS + 1):
        sampler.downlink("p", report(100, 0, 50_000), LinkCounters(down_bytes=50_000 * tick),
                         10.0 + tick)
    base, at = 50_000 * WARM_UP_REPORTS, 10.0 + WARM_UP_REPORTS
    first = sampler.downlink("p", report(100, 0, 10_000), LinkCounters(down_bytes=base + 50_000),
                             at + 1)
    second = sampler.downlink("p", report(100, 0, 90_000),
                              LinkCounters(down_bytes=base + 100_000), at + 2)
    assert first is not None and second is not None
    assert second.delivered_kbps == second.expected_kbps == 400.0


def test_a_starting_receive_connection_is_not_judged_by_its_delivered_ratio() -> None:
    sampler = LinkSampler()
    sampler.downlink("p", report(5, 0, 1_000), LinkCounters(down_bytes=0), 10.0)
    sample = sampler.downlink("p", report(5, 0, 1_000), LinkCounters(down_bytes=90_000), 11.0)
    assert sample is not None and sample.expected_kbps is None


def test_loss_upstream_passed_on_as_gaps_is_not_the_downlinks_loss() -> None:
    sampler = LinkSampler()
    sampler.downlink("p", report(90, 0), LinkCounters(down_bytes=0, down_gaps=0), 10.0)
    # the browser missed 10 packets: 8 never reached the relay (forwarded as gaps)
    sample = sampler.downlink("p", report(90, 10), LinkCounters(down_bytes=10_000, down_gaps=8),
                              11.0)
    assert sample is not None
    assert abs(sample.loss - 2 / 92) < 1e-9


def test_gaps_the_browser_reports_a_window_late_are_still_not_the_downlinks_loss() -> None:
    sampler = LinkSampler()
    sampler.downlink("p", report(90, 0), LinkCounters(down_bytes=0, down_gaps=0), 10.0)
    # the relay forwarded 6 gaps just before the report; the browser counts them next time
    first = sampler.downlink("p", report(90, 0), LinkCounters(down_bytes=10_000, down_gaps=6),
                             11.0)
    second = sampler.downlink("p", report(90, 6), LinkCounters(down_bytes=20_000, down_gaps=6),
                              12.0)
    assert first is not None and second is not None
    assert (first.loss, second.loss) == (0.0, 0.0)
    # the credit lasts one window: later loss of the link itself counts again
    third = sampler.downlink("p", report(90, 0), LinkCounters(down_bytes=30_000, down_gaps=6),
                             13.0)
    fourth = sampler.downlink("p", report(90, 9), LinkCounters(down_bytes=40_000, down_gaps=6),
                              14.0)
    assert third is not None and fourth is not None
    assert abs(fourth.loss - 9 / 99) < 1e-9


def test_a_busy_page_or_a_late_relay_marks_its_samples_as_a_busy_device() -> None:
    sampler = LinkSampler()
    busy = report(90, 0).model_copy(update={"device_busy": True})
    sampler.downlink("p", busy, LinkCounters(down_bytes=0), 10.0)
    down = sampler.downlink("p", busy, LinkCounters(down_bytes=10_000), 11.0)
    sampler.uplink("p", up(100, 0, 10_000), 10.0)
    upl = sampler.uplink("p", up(200, 0, 20_000), 12.0)  # the page's last report says busy
    assert down is not None and upl is not None
    assert down.device_busy and upl.device_busy
    calm = LinkSampler()
    calm.uplink("q", up(100, 0, 10_000), 10.0)
    quiet = calm.uplink("q", up(200, 0, 20_000), 12.0)
    assert quiet is not None and not quiet.device_busy
    calm.relay_busy = True  # the relay's own loop ran late: its readings are suspect too
    late = calm.uplink("q", up(300, 0, 30_000), 14.0)
    assert late is not None and late.device_busy


def test_a_browsers_estimate_is_not_scored_for_a_while_after_its_video_is_allowed_back() -> None:
    sampler = LinkSampler()
    sampler.uplink("p", up(100, 0, 10_000), 10.0)
    sampler.downlink("p", report(50, 0), LinkCounters(down_bytes=1), 10.5)
    sampler.uplink("p", up(200, 0, 20_000), 22.0)
    sampler.video_allowed("p", False)  # audio-only: the estimate is scored as it falls
    sample = sampler.uplink("p", up(300, 0, 30_000), 24.0)
    assert sample is not None and sample.capacity_kbps == 120.0
    sampler.video_allowed("p", True)  # it probed with audio alone and starts low
    for at in (26.0, 28.0, 34.0):
        sample = sampler.uplink("p", up(int(100 * at), 0, int(1000 * at)), at)
        assert sample is not None and sample.capacity_kbps is None
    sample = sampler.uplink("p", up(3600, 0, 36_000), 36.0)
    assert sample is not None and sample.capacity_kbps == 120.0
