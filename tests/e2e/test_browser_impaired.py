"""A real browser inside an impaired network (issue 16, items 4 and 7): the mentee's
Chromium runs in a network namespace (``ip netns exec``) whose veth link to the host
gets a real 150 kbit/s cap; the mentor's page is on the host.

A page that cannot send its video through the cap is moved to audio-only as a weak
uplink (a real bottleneck is still a weak link, whatever the busy-computer rule
says), everyone sees it, and its video comes back after the cap is lifted.
"""

from __future__ import annotations

import json
import stat
import tempfile
import time
from collections.abc import Iterator
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
    port = reachable_server.base_url.rsplit(":", 1)[1]
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
    server = reachable_server
    sid, mentor = server.create_session("one_on_one")
    mentee = server.invite(sid, mentor, "mentee", "Ana")["url"]
    port = server.base_url.rsplit(":", 1)[1]
    maya = open_room(browser, f"{server.base_url}/s/{sid}#token={mentor}", "Maya")
    ana = open_room(browser_in_netns, mentee.replace(server.base_url,
                                                     f"http://{HOST_ADDRESS}:{port}"), "Ana")
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
