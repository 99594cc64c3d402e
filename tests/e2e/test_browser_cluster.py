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


def test_the_dashboard_on_one_node_shows_and_ends_a_session_on_the_other(
    browser: Any, nodes: tuple[LiveServer, LiveServer, RedisProcess],
) -> None:
    from tests.integration.test_cluster import ADMIN

    a, b, _ = nodes
    sid, mentor = a.create_session("one_on_one", title="Across nodes")
    bot = BotProcess(ws(b, sid), mentor, "Maya bot")  # the session lives on b
    page = browser.new_context().new_page()
    try:
        bot.wait_for("joined", 30)
        page.goto(f"{a.base_url}/admin/live")  # the admin talks to node a
        page.fill("#live-token", ADMIN)
        page.click("#live-login button[type=submit]")
        card = f"article.live-session[data-session-id='{sid}']"
        page.wait_for_selector(f"{card} tr.live-participant", timeout=15_000)
        assert page.locator(f"{card} .live-title").inner_text() == "Across nodes"
        page.once("dialog", lambda dialog: dialog.accept())
        page.click(f"{card} .live-end")  # a's REST forwards it to b, the owner
        assert bot.wait_for("closed", 15)["reason"] == "session_ended"
        page.wait_for_selector(card, state="detached", timeout=10_000)
    finally:
        page.context.close()
        bot.stop()


def test_a_browser_whose_node_dies_rejoins_a_fresh_room_on_the_live_node(
    browser: Any, nodes: tuple[LiveServer, LiveServer, RedisProcess],
) -> None:
    a, b, _ = nodes
    sid, mentor = a.create_session("one_on_one")
    bot = BotProcess(ws(b, sid), mentor, "Maya bot")  # places the session on b
    try:
        bot.wait_for("joined", 30)
        mentee_url = a.invite(sid, mentor, "mentee", "Ana")["url"]
        page = open_room(browser, mentee_url, "Ana")  # redirected to b
        b.process.kill()
        page.wait_for_function(  # dropped, reconnecting through a, placed on a
            "() => window.mentorRooms.state().phase === 'joined'"
            " && window.mentorRooms.state().participants.length === 0", timeout=45_000)
        assert page.evaluate("window.mentorRooms.board().reconnects") >= 1
        page.context.close()
    finally:
        bot.stop()
