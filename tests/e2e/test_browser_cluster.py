"""A browser that opens a session on the node that does not own it follows the
``redirect`` to the owner and receives the media of the participant already there."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.e2e.test_browser_admin import BotProcess
from tests.e2e.test_browser_rooms import open_room
from tests.integration.test_cluster import nodes, ws
from tests.redis_server import RedisProcess

pytestmark = pytest.mark.browser
__all__ = ["nodes"]


def test_a_browser_joining_through_the_other_node_is_redirected_and_gets_media(
    browser: Any, nodes: tuple[LiveServer, LiveServer, RedisProcess],
) -> None:
    a, b, _ = nodes
    sid, mentor = a.create_session("one_on_one")
    mentee_url = a.invite(sid, mentor, "mentee", "Ana")["url"]  # a link to node a
    bot = BotProcess(ws(b, sid), mentor, "Maya bot")  # the session is placed on b
    try:
        bot.wait_for("joined", 30)
        page = open_room(browser, mentee_url, "Ana")
        deadline = time.monotonic() + 30
        while True:
            stats = page.evaluate("window.mentorRooms.remoteStats()")
            if stats and stats[0]["frames_decoded"] > 10 and stats[0]["audio_packets_received"]:
                break
            assert time.monotonic() < deadline, stats
            time.sleep(0.25)
        names = [p["display_name"] for p in page.evaluate("window.mentorRooms.state()")[
            "participants"]]
        assert names == ["Maya bot"]
        page.context.close()
    finally:
        bot.stop()
