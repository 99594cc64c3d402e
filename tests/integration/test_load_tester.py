"""The load tester: a short smoke run against a real server, with sane numbers, and its
refusal to target anything but loopback unless told the server is the user's own."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, LiveServer, start_server

pytestmark = pytest.mark.media


@pytest.fixture
def server() -> Iterator[LiveServer]:
    live = start_server()
    yield live
    live.process.kill()


def run_load_tester(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "load_tests", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("bots", ["packet", "aiortc"])
def test_a_short_run_reports_frames_on_every_subscription_and_no_errors(
    server: LiveServer, tmp_path: Path, bots: str,
) -> None:
    out = tmp_path / "smoke"
    done = run_load_tester("--url", server.base_url, "--scenario", "mix", "--rooms", "3",
                           "--participants", "3", "--media", "video", "--resolution", "320x240",
                           "--bitrate", "300k", "--ramp", "20", "--duration", "8",
                           "--chat-every", "1", "--action-every", "1", "--out", str(out),
                           "--credential", server.admin_token, "--bots", bots)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "join (ws open -> joined)" in done.stdout and "Sanity" in done.stdout
    report = json.loads(out.with_suffix(".json").read_text())
    summary, raw = report["summary"], report["raw"]
    assert summary["sane"] == [], summary["sane"]
    assert raw["joins"]["attempted"] >= 7 and summary["join_success_rate"] == 1.0
    assert raw["errors"] == {}
    subs = raw["subscriptions"]
    assert {s["kind"] for s in subs} == {"audio", "video"}
    assert all(s["frames"] > 0 for s in subs)  # counted on arrival, not on sending
    assert summary["join_latency_ms"]["count"] == raw["joins"]["succeeded"]
    assert summary["first_frame_ms"]["count"] >= 1
    assert summary["signaling_rtt_ms"]["count"] > 0 and summary["fanout_ms"]["count"] > 0
    assert summary["server"]["rss_mb_max"] is not None
    assert summary["load_generator"]["cpu_max"] is not None
    assert summary["load_generator"]["server_cpu_all_joined"] is not None  # both sides' CPU
    assert report["raw"]["config"]["packet_bots"] is (bots == "packet")
    assert out.with_suffix(".png").read_bytes().startswith(b"\x89PNG")


def test_it_refuses_a_non_loopback_target_unless_told_it_is_the_users_own() -> None:
    done = run_load_tester("--url", "http://192.0.2.10:8000", "--duration", "1")
    assert done.returncode == 2 and "--i-own-this-server" in done.stderr
    done = run_load_tester("--url", "http://192.0.2.10:9/", "--i-own-this-server",
                           "--duration", "1")
    assert done.returncode == 2 and "no Mentor Rooms server answers" in done.stderr
