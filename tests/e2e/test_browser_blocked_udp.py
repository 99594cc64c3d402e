"""A real Chromium whose network blocks all UDP (issue 16, item 7): the mentee's page
runs in a network namespace whose nftables rules drop every UDP packet.

Without a TURN server the page is chat-only while UDP is blocked (the board still
works over the WebSocket) and video comes back after the block lifts. With coturn
reachable over TCP, the page's media rebuild finds its way through TURN over TCP and
video comes back while UDP stays blocked.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LiveServer, start_server
from tests.e2e.test_browser_impaired import (  # noqa: F401 (fixtures)
    browser_in_netns,
    launch_in_netns,
    netns_link,
    open_pair,
    reachable_server,
    seen_by,
    wait_for,
)
from tests.e2e.test_browser_quality import counters, self_id
from tests.e2e.test_browser_rooms import wait_for_media
from tests.e2e.test_browser_turn import running_coturn
from tests.impairment.netns import HOST_ADDRESS, Link

pytestmark = [pytest.mark.browser, pytest.mark.impairment, pytest.mark.slow,
              pytest.mark.timeout(400)]


def join_pair(browser: Any, inside: Any, server: LiveServer) -> tuple[Any, Any, str]:
    maya, ana = open_pair(browser, inside, server)
    wait_for_media([maya, ana], 1)
    return maya, ana, self_id(ana)


def video_arrives(maya: Any, ana: Any, ana_id: str, what: str) -> None:
    """Waits for the mentee's video to reach the mentor (loose: a rebuilt connection's
    first samples can read as a weak uplink for a while; docs/benchmarks.md has the
    measured times)."""
    frames = counters(maya, ana_id)[0]
    try:
        # a failed probe doubles the uplink's wait (20 s, then 40 s): allow two of them
        wait_for(lambda: counters(maya, ana_id)[0] > frames + 20, 120, what)
    except AssertionError:
        print("seen", seen_by(maya, ana_id), "received", maya.evaluate(
            "window.mentorRooms.remoteStats()"), "sent", ana.evaluate(
            "window.mentorRooms.sentLayers()"))
        raise


def test_blocked_udp_is_chat_only_and_video_comes_back_after_the_block(
    browser: Any, browser_in_netns: Any, netns_link: Link,  # noqa: F811
    reachable_server: LiveServer,  # noqa: F811
) -> None:
    maya, ana, ana_id = join_pair(browser, browser_in_netns, reachable_server)
    try:
        netns_link.block_udp()
        took = wait_for(lambda: seen_by(maya, ana_id)["media_mode"] == "chat_only", 30,
                        "the mentee is chat-only")
        netns_link.lift()
        lifted = time.monotonic()
        wait_for(lambda: seen_by(maya, ana_id)["media_mode"] == "video", 60,
                 "the mentee back in video mode")
        video_arrives(maya, ana, ana_id, "the mentee's video")
        print(f"chromium in netns, UDP blocked: chat-only after {took:.1f} s, video back "
              f"{time.monotonic() - lifted:.1f} s after the block lifted")
    finally:
        for page in (maya, ana):
            page.context.close()


@pytest.fixture
def tcp_turn(tmp_path: Path) -> Iterator[tuple[int, str]]:
    """coturn on the veth's host address (the page reaches it over TCP)."""
    with running_coturn(HOST_ADDRESS, tmp_path, "49210-49250") as running:
        yield running


def test_blocked_udp_goes_through_turn_over_tcp_and_keeps_video(
    browser: Any, netns_link: Link, tcp_turn: tuple[int, str],  # noqa: F811
) -> None:
    port, secret = tcp_turn
    server = start_server({
        "MENTOR_ROOMS_HOST": "0.0.0.0",
        "MENTOR_ROOMS_MEDIA_HOST_ADDRESSES": f'["{HOST_ADDRESS}"]',
        "MENTOR_ROOMS_TURN_URLS": f'["turn:{HOST_ADDRESS}:{port}?transport=tcp"]',
        "MENTOR_ROOMS_TURN_SECRET": secret,
    })
    try:
        with launch_in_netns(browser, netns_link, server) as inside:
            maya, ana, ana_id = join_pair(browser, inside, server)
            try:
                netns_link.block_udp()
                blocked = time.monotonic()
                wait_for(lambda: (ana.evaluate("window.mentorRooms.receivePath()") or {})
                         .get("local") == "relay", 60, "the mentee's media through TURN")
                wait_for(lambda: seen_by(maya, ana_id)["media_mode"] == "video", 60,
                         "the mentee in video mode through TURN over TCP")
                video_arrives(maya, ana, ana_id, "the mentee's video through TURN over TCP")
                print(f"chromium in netns, UDP blocked, TURN over TCP: video "
                      f"{time.monotonic() - blocked:.1f} s after the block")
            finally:
                for page in (maya, ana):
                    page.context.close()
    finally:
        server.stop()
