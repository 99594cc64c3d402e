"""A real browser inside an impaired network (issue 16, items 4 and 7): the mentee's
Chromium runs in a network namespace (``ip netns exec``) whose veth link to the host
gets real caps; the mentor's page is on the host.

A page that cannot send its video through a 150 kbit/s uplink cap is moved to
audio-only as a weak uplink (a real bottleneck is still a weak link, whatever the
busy-computer rule says), everyone sees it, and its video comes back after the cap
is lifted. A page behind a 600 kbit/s downlink cap gets the lower layer (still
video, everyone sees "low video"), behind 150 kbit/s audio-only without an audio
gap, and full video again after the cap lifts.
"""

from __future__ import annotations

import json
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LiveServer, start_server
from tests.e2e.conftest import ARGS, CHROMIUM
from tests.e2e.test_browser_quality import counters, self_id, state
from tests.e2e.test_browser_rooms import open_room, wait_for_media
from tests.impairment.netns import HOST_ADDRESS, Link, Way, namespace_link, unavailable_reason

pytestmark = [pytest.mark.browser, pytest.mark.impairment, pytest.mark.slow,
              pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def netns_link() -> Iterator[Link]:
    reason = unavailable_reason()
    if reason is not None or CHROMIUM is None:
        pytest.skip(f"needs network namespaces and Debian chromium: {reason}")
    with namespace_link("mr-imp-b") as made:
        yield made


@pytest.fixture(scope="module")
def reachable_server(netns_link: Link) -> Iterator[LiveServer]:
    """A server the namespace reaches (all addresses; media on the veth's host side)."""
    server = start_server({
        "MENTOR_ROOMS_HOST": "0.0.0.0",
        "MENTOR_ROOMS_MEDIA_HOST_ADDRESSES": json.dumps([HOST_ADDRESS]),
    })
    yield server
    server.stop()


@pytest.fixture
def browser_in_netns(browser: Any, netns_link: Link,
                     reachable_server: LiveServer) -> Iterator[Any]:
    """A second Chromium, launched by the same Playwright, inside the namespace. It
    reaches the server at the veth's host address over plain HTTP, which Chromium must
    be told to treat as a secure origin (camera and microphone need one)."""
    with launch_in_netns(browser, netns_link, reachable_server) as instance:
        yield instance


@contextmanager
def launch_in_netns(browser: Any, netns_link: Link, server: LiveServer) -> Iterator[Any]:
    """A Chromium inside ``netns_link``'s namespace that treats ``server`` (at the veth's
    host address) as a secure origin; the link's impairments are lifted afterwards."""
    port = server.base_url.rsplit(":", 1)[1]
    origin = f"--unsafely-treat-insecure-origin-as-secure=http://{HOST_ADDRESS}:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        launcher = Path(tmp) / "chromium-in-netns"
        launcher.write_text(f"#!/bin/sh\nexec ip netns exec {netns_link.ns} {CHROMIUM} \"$@\"\n")
        launcher.chmod(launcher.stat().st_mode | stat.S_IXUSR)
        instance = browser.browser_type.launch(executable_path=str(launcher), headless=True,
                                               args=[*ARGS, origin])
        try:
            yield instance
        finally:
            netns_link.lift()
            instance.close()


def open_pair(browser: Any, inside: Any, server: LiveServer) -> tuple[Any, Any]:
    """A one-on-one: the mentor Maya's page on the host, the mentee Ana's in the
    namespace (reaching the server at the veth's host address)."""
    sid, mentor = server.create_session("one_on_one")
    mentee = server.invite(sid, mentor, "mentee", "Ana")["url"]
    port = server.base_url.rsplit(":", 1)[1]
    maya = open_room(browser, f"{server.base_url}/s/{sid}#token={mentor}", "Maya")
    ana = open_room(inside, mentee.replace(server.base_url, f"http://{HOST_ADDRESS}:{port}"),
                    "Ana")
    return maya, ana


def seen_by(page: Any, participant_id: str) -> dict[str, Any]:
    return next(p for p in state(page)["participants"] if p["participant_id"] == participant_id)


def wait_for(check: Any, seconds: float, what: str) -> float:
    """Polls ``check`` until true; returns the seconds it took."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, f"{what}: not within {seconds} s"
        time.sleep(0.25)
    return time.monotonic() - started


def test_a_page_behind_a_150_kbit_uplink_cap_goes_audio_only_and_comes_back(
    browser: Any, browser_in_netns: Any, netns_link: Link, reachable_server: LiveServer
) -> None:
    maya, ana = open_pair(browser, browser_in_netns, reachable_server)
    try:
        wait_for_media([maya, ana], 1)
        ana_id = self_id(ana)
        time.sleep(3)  # a few good samples first
        netns_link.cap(Way.UPLINK, 150)
        reaction = wait_for(lambda: seen_by(maya, ana_id)["media_mode"] == "audio_only", 15,
                            "the mentor sees the mentee go audio-only")
        seen = seen_by(maya, ana_id)
        assert seen["mode_reason"] == "weak_uplink" and not seen["sends_video"], seen
        tile = maya.locator(f"#tiles [data-participant-id='{ana_id}'] .tile-status")
        assert "weak connection" in tile.inner_text()
        audio_before = counters(maya, ana_id)[1]
        time.sleep(3)
        assert counters(maya, ana_id)[1] > audio_before + 50, "audio stopped under the cap"
        netns_link.lift()
        lifted = time.monotonic()
        wait_for(lambda: seen_by(maya, ana_id)["media_mode"] == "video", 60,
                 "the mentee's video is allowed back")
        frames = counters(maya, ana_id)[0]
        wait_for(lambda: counters(maya, ana_id)[0] > frames + 30, 20, "video reaches the mentor")
        print(f"chromium in netns, 150 kbit/s uplink cap: audio-only after {reaction:.1f} s, "
              f"video back {time.monotonic() - lifted:.1f} s after the cap lifted")
    finally:
        for page in (maya, ana):
            page.context.close()


AUDIO_GAP_MONITOR = """() => {
  const hook = window.mentorRooms;
  const watch = { last: 0, at: performance.now(), maxGapMs: 0, width: 0 };
  window.audioGaps = watch;
  window.setInterval(async () => {
    const stats = await hook.remoteStats();
    const now = performance.now();
    const audio = stats.length ? stats[0].audio_packets_received : 0;
    watch.width = stats.length ? stats[0].video_width : 0;
    if (audio > watch.last) {
      watch.maxGapMs = Math.max(watch.maxGapMs, now - watch.at);
      watch.last = audio;
      watch.at = now;
    }
  }, 50);
}"""


def gaps(page: Any, reset: bool = False) -> dict[str, float]:
    """The longest wait between two audio packet counts rising (ms), and the width of
    the video shown; ``reset`` starts a new longest wait."""
    script = "() => { const w = window.audioGaps; const out = {...w};"
    script += " w.maxGapMs = 0; return out; }" if reset else " return out; }"
    result: dict[str, float] = page.evaluate(script)
    return result


def test_a_page_behind_downlink_caps_steps_down_to_a_lower_layer_then_audio_only_and_back(
    browser: Any, browser_in_netns: Any, netns_link: Link, reachable_server: LiveServer
) -> None:
    maya, ana = open_pair(browser, browser_in_netns, reachable_server)
    try:
        wait_for_media([maya, ana], 1)
        ana_id, maya_id = self_id(ana), self_id(maya)
        ana.evaluate(AUDIO_GAP_MONITOR)
        wait_for(lambda: gaps(ana)["width"] == 640, 20, "the mentee gets the top layer")
        figures = []
        netns_link.cap(Way.DOWNLINK, 600)
        capped = time.monotonic()
        wait_for(lambda: gaps(ana)["width"] == 320, 20, "a lower layer under 600 kbit/s")
        figures.append(f"600 kbit/s: 320x240 after {time.monotonic() - capped:.1f} s")
        frames = counters(ana, maya_id)[0]  # the lowest step is a quarter of the frame rate
        wait_for(lambda: counters(ana, maya_id)[0] > frames + 20, 12,
                 "video stalled at the lower layer")
        assert seen_by(maya, ana_id)["media_mode"] == "video"
        assert seen_by(maya, ana_id)["video_step"] < 4  # everyone sees the lower step
        label = maya.locator(f"#tiles [data-participant-id='{ana_id}'] .tile-link")
        assert "low video" in label.inner_text()
        gaps(ana, reset=True)
        netns_link.cap(Way.DOWNLINK, 150)
        capped = time.monotonic()
        took = wait_for(lambda: seen_by(maya, ana_id)["media_mode"] == "audio_only", 15,
                        "audio-only under 150 kbit/s")
        assert seen_by(maya, ana_id)["mode_reason"] == "weak_downlink"
        time.sleep(3)
        longest = gaps(ana)["maxGapMs"]
        figures.append(f"150 kbit/s: audio-only after {took:.1f} s, longest audio gap "
                       f"{longest:.0f} ms")
        assert longest < 1000, f"audio stopped for {longest:.0f} ms under the cap"
        netns_link.lift()
        lifted = time.monotonic()
        wait_for(lambda: gaps(ana)["width"] == 640, 40, "full video after the cap lifts")
        figures.append(f"lifted: 640x480 after {time.monotonic() - lifted:.1f} s")
        print("chromium in netns, downlink caps: " + "; ".join(figures))
    finally:
        for page in (maya, ana):
            page.context.close()

