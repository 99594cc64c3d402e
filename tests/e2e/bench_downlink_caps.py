"""Benchmark, not collected by the suite (``python -m load_tests.impairment_times --tests
tests/e2e/bench_downlink_caps.py``): a real Chromium in a network namespace behind
downlink caps of 1000, 600, 300 and 150 kbit/s, one after the other, each in a fresh
session. Per cap it records the video the page ends on (its width; 0 is audio-only) 25 s
after the cap, when it first got there and from when it stayed there, the longest wait
between two audio packet counts rising while capped, and how long full video (640x480)
took to come back after the cap lifted.
"""

from __future__ import annotations

import os
import time
from typing import Any

import pytest

from tests.e2e.test_browser_impaired import (  # noqa: F401 (fixtures)
    AUDIO_GAP_MONITOR,
    browser_in_netns,
    gaps,
    netns_link,
    open_pair,
    reachable_server,
    wait_for,
)
from tests.e2e.test_browser_quality import self_id
from tests.e2e.test_browser_rooms import wait_for_media
from tests.impairment.netns import Link, Way
from tests.impairment.test_bad_network import record

pytestmark = [pytest.mark.browser, pytest.mark.impairment, pytest.mark.timeout(900)]
CAPS = tuple(int(c) for c in os.environ.get("BENCH_CAPS", "1000,600,300,150").split(","))
SETTLE_SECONDS = 25.0


def test_downlink_caps(browser: Any, browser_in_netns: Any, netns_link: Link,  # noqa: F811
                       reachable_server: Any) -> None:  # noqa: F811
    for cap in CAPS:  # a fresh session per cap: no backoff carried from the one before
        one_cap(browser, browser_in_netns, netns_link, reachable_server, cap)


def one_cap(browser: Any, inside: Any, link: Link, server: Any, cap: int) -> None:
    maya, ana = open_pair(browser, inside, server)
    try:
        wait_for_media([maya, ana], 1)
        assert self_id(ana)
        ana.evaluate(AUDIO_GAP_MONITOR)
        wait_for(lambda: gaps(ana)["width"] == 640, 90, "full video before the cap")
        time.sleep(5)
        gaps(ana, reset=True)
        link.cap(Way.DOWNLINK, cap)
        capped = time.monotonic()
        seen: list[tuple[float, int]] = []
        while time.monotonic() - capped < SETTLE_SECONDS:
            width = 0 if ana.evaluate("() => window.mentorRooms.state().self_link"
                                      ".receives_video") is False else gaps(ana)["width"]
            seen.append((time.monotonic() - capped, int(width)))
            time.sleep(0.25)
        final = seen[-1][1]
        first = next(t for t, w in seen if w == final)
        reach = next(t for i, (t, w) in enumerate(seen)
                     if all(w2 == final for _, w2 in seen[i:]))
        longest = gaps(ana)["maxGapMs"]
        link.lift()
        back = wait_for(lambda: gaps(ana)["width"] == 640, 90, "full video after the cap")
        print(f"{cap} kbit/s: width {final} first after {first:.1f} s, for good after "
              f"{reach:.1f} s, audio gap "
              f"{longest:.0f} ms, back to 640 in {back:.1f} s")
        record(f"downlink_cap_{cap}kbit", final_width=final, first_s=first, settled_s=reach,
               max_audio_gap_ms=longest, back_to_full_s=back)
    finally:
        for page in (maya, ana):
            page.context.close()
