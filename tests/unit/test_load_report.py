"""Load test report: summary numbers, sanity flags, terminal table, JSON and PNG files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from load_tests.report import format_table, percentile, plot_png, summarize, write_json


def video(fps: float, packets: int = 1000, lost: int = 0, frames: int = 900) -> dict[str, Any]:
    return {
        "kind": "video",
        "fps": fps,
        "kbps": 1200.0,
        "packets": packets,
        "lost": lost,
        "frames": frames,
    }


def audio(packets: int = 1500, lost: int = 0) -> dict[str, Any]:
    return {
        "kind": "audio",
        "fps": 50.0,
        "kbps": 32.0,
        "packets": packets,
        "lost": lost,
        "frames": 1500,
    }


def fake_raw(**changes: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "config": {
            "scenario": "circle",
            "rooms": 2,
            "participants": 3,
            "media": "video",
            "duration": 30.0,
        },
        "started_at": 1_700_000_000.0,
        "elapsed_s": 31.5,
        "joins": {"attempted": 6, "succeeded": 6, "refused": {}},
        "errors": {},
        "join_latency_s": [0.010, 0.020, 0.030, 0.040, 0.100],
        "first_frame_s": [0.5, 0.6],
        "signaling_rtt_s": [0.002, 0.004],
        "fanout_s": [],
        "subscriptions": [video(30.0), video(29.6), video(29.0, packets=990, lost=10), audio()],
        "timeline": [
            {
                "t": 0.0,
                "participants": 0,
                "server_cpu": None,
                "server_rss_mb": None,
                "video_fps_mean": None,
                "rx_mbps": 0.0,
                "errors": 0,
            },
            {
                "t": 1.0,
                "participants": 6,
                "server_cpu": 0.25,
                "server_rss_mb": 80.0,
                "video_fps_mean": 29.5,
                "rx_mbps": 7.2,
                "errors": 0,
            },
            {
                "t": 2.0,
                "participants": 6,
                "server_cpu": 0.75,
                "server_rss_mb": 95.0,
                "video_fps_mean": 29.9,
                "rx_mbps": 7.4,
                "errors": 0,
            },
        ],
    }
    raw.update(changes)
    return raw


def test_percentiles_use_the_nearest_rank() -> None:
    values = [5.0, 1.0, 4.0, 2.0, 3.0]
    assert percentile(values, 0.0) == 1.0
    assert percentile(values, 0.5) == 3.0
    assert percentile(values, 0.95) == 5.0
    assert percentile(values, 1.0) == 5.0
    assert percentile([], 0.5) == 0.0


def test_latencies_are_summarized_in_milliseconds_rounded_to_a_tenth() -> None:
    summary = summarize(fake_raw())
    join = summary["join_latency_ms"]
    assert join == {"count": 5, "p50": 30.0, "p95": 100.0, "p99": 100.0, "max": 100.0}
    assert summary["signaling_rtt_ms"]["p50"] == 2.0  # index round(0.5) == 0 of [2, 4]
    assert summary["fanout_ms"] == {"count": 0, "p50": None, "p95": None, "p99": None, "max": None}


def test_join_success_rate_is_the_share_of_attempts_that_succeeded() -> None:
    assert summarize(fake_raw())["join_success_rate"] == 1.0
    joins = {"attempted": 4, "succeeded": 3, "refused": {"4403": 1}}
    summary = summarize(fake_raw(joins=joins))
    assert summary["join_success_rate"] == 0.75
    assert summary["joins"] == joins
    assert summarize(fake_raw(joins={"attempted": 0, "succeeded": 0}))["join_success_rate"] is None


def test_video_subscriptions_report_loss_and_the_share_at_full_frame_rate() -> None:
    v = summarize(fake_raw())["subscriptions"]["video"]
    assert v["count"] == 3
    assert v["fps_min"] == 29.0 and v["fps_p50"] == 29.6
    assert v["share_at_29_5_fps"] == pytest.approx(2 / 3, abs=1e-4)
    assert v["loss_pct_max"] == pytest.approx(1.0)  # 10 lost of 990 + 10
    assert v["loss_pct_p50"] == 0.0
    assert v["frames_min"] == 900 and v["kbps_min"] == 1200.0


def test_audio_subscriptions_have_no_frame_rate_share_and_absent_kinds_are_left_out() -> None:
    subs = summarize(fake_raw(subscriptions=[audio(packets=0, lost=0)]))["subscriptions"]
    assert list(subs) == ["audio"]
    assert subs["audio"]["share_at_29_5_fps"] is None
    assert subs["audio"]["loss_pct_max"] == 0.0  # no packets counted: no loss


def test_server_figures_skip_missing_samples() -> None:
    server = summarize(fake_raw())["server"]
    assert server == {"cpu_mean": 0.5, "cpu_max": 0.75, "rss_mb_start": 80.0, "rss_mb_max": 95.0}
    empty = summarize(fake_raw(timeline=[]))["server"]
    assert set(empty.values()) == {None}


def test_a_clean_run_is_sane() -> None:
    assert summarize(fake_raw())["sane"] == []


def test_sanity_flags_a_silent_subscription_errors_and_refused_joins() -> None:
    raw = fake_raw(
        subscriptions=[video(30.0), video(0.0, frames=0)],
        errors={"room_full": 2},
        joins={"attempted": 6, "succeeded": 5, "refused": {"4403": 1}},
    )
    summary = summarize(raw)
    assert summary["errors_total"] == 2
    sane = " | ".join(summary["sane"])
    assert "a subscription received no frames" in sane
    assert "errors were received" in sane and "room_full" in sane
    assert "not every join succeeded" in sane and "4403" in sane


def test_sanity_flags_a_media_run_where_no_track_arrived() -> None:
    sane = summarize(fake_raw(subscriptions=[audio()]))["sane"]
    assert sane == ["media was video but no video track was received"]


def test_the_table_shows_every_section_with_units() -> None:
    table = format_table(summarize(fake_raw(errors={"rate_limited": 1})))
    for label in (
        "scenario=circle",
        "join success rate",
        "100.0%",
        "Latency (ms)",
        "signaling RTT",
        "fan-out",
        "first remote frame",
        "share at >= 29.5 fps",
        "66.7%",
        "loss max",
        "1.00%",
        "% of a core",
        "50.0% of a core",
        "95.0 MB",
        "rate_limited x1",
        "PROBLEM: errors were received",
    ):
        assert label in table, label
    assert max(len(line) for line in table.splitlines()) <= 100


def test_the_table_of_an_empty_run_still_renders() -> None:
    table = format_table(summarize({}))
    assert "none received" in table and "PROBLEM: no join was attempted" in table


def test_write_json_round_trips(tmp_path: Path) -> None:
    raw = fake_raw()
    summary = summarize(raw)
    path = tmp_path / "out" / "run.json"
    write_json(path, raw, summary)
    assert json.loads(path.read_text(encoding="utf-8")) == {"summary": summary, "raw": raw}


@pytest.mark.parametrize("timeline", [fake_raw()["timeline"], []])
def test_plot_png_writes_a_png_headless(tmp_path: Path, timeline: list[dict[str, Any]]) -> None:
    path = tmp_path / "run.png"
    plot_png(path, fake_raw(timeline=timeline))
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 1000
