"""Screen sharing in real browsers (issue 16, item 6): Chromium's fake capture (the
``--use-fake-ui-for-media-stream`` picker accepts the whole fake screen)."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer
from tests.e2e.test_browser_quality import self_id, state
from tests.e2e.test_browser_rooms import open_room, wait_for_media

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DEADLINE = 30.0

STAGE = """() => {
  const stage = document.getElementById('screen-stage');
  const video = document.getElementById('screen-video');
  return {
    shown: !stage.hidden,
    width: video.videoWidth,
    height: stage.clientHeight,
    caption: document.getElementById('screen-caption').textContent,
    button: document.getElementById('share-screen-label').textContent,
    disabled: document.getElementById('share-screen-button').disabled,
  };
}"""
STOP_FROM_BROWSER_BAR = """() => {
  const track = document.getElementById('screen-video').srcObject.getVideoTracks()[0];
  track.dispatchEvent(new Event('ended'));
}"""


def stage(page: Any) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(STAGE)
    return result


def wait_until(check: Any, what: str, seconds: float = DEADLINE) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"{what}: not within {seconds} s"
        time.sleep(0.25)


def tile_height(page: Any, participant_id: str) -> int:
    return int(page.locator(f"#tiles [data-participant-id='{participant_id}']")
               .evaluate("(el) => el.clientHeight"))


def test_a_mentee_shares_the_mentor_takes_over_and_the_browser_bar_stops_it(
    browser: Any, live_server: LiveServer
) -> None:
    sid, mentor = live_server.create_session("one_on_one")
    mentee = live_server.invite(sid, mentor, "mentee", "Ana")
    base = live_server.base_url
    maya = open_room(browser, f"{base}/s/{sid}#token={mentor}", "Maya")
    ana = open_room(browser, mentee["url"].replace("http://testserver", base), "Ana")
    try:
        wait_for_media([maya, ana], 1)
        ana_id = self_id(ana)
        assert stage(ana)["button"] == "Share screen" and not stage(maya)["shown"]
        ana.click("#share-screen-button")
        wait_until(lambda: stage(maya)["shown"] and stage(maya)["width"] > 0,
                   "the mentor sees the mentee's screen")
        seen = stage(maya)
        assert seen["caption"] == "Ana is sharing their screen"
        assert seen["width"] >= 1000  # the screen keeps its detail (1280 wide here)
        assert tile_height(maya, ana_id) < seen["height"] / 2  # cameras small beside it
        assert stage(ana)["button"] == "Stop sharing"
        assert stage(ana)["caption"] == "You are sharing your screen"
        sharing = [p for p in state(maya)["participants"] if p.get("sharing_screen")]
        assert [p["participant_id"] for p in sharing] == [ana_id]
        live = httpx.get(f"{base}/api/admin/live/{sid}", headers=live_server.admin_headers)
        since = {p["display_name"]: p["sharing_since"] for p in live.json()["participants"]}
        assert since["Ana"] is not None and since["Maya"] is None, since

        maya.click("#share-screen-button")  # "Present instead": the mentor takes over
        wait_until(lambda: stage(ana)["caption"] == "Maya is sharing their screen"
                   and stage(ana)["width"] > 0, "the mentee sees the mentor's screen")
        assert stage(ana)["button"] == "Present instead" and stage(ana)["disabled"]
        assert stage(maya)["button"] == "Stop sharing"

        maya.evaluate(STOP_FROM_BROWSER_BAR)
        wait_until(lambda: not stage(ana)["shown"] and not stage(maya)["shown"],
                   "the share ends everywhere")
        assert stage(ana)["button"] == "Share screen" and not stage(ana)["disabled"]
        report = httpx.get(f"{base}/api/sessions/{sid}/attendance",
                           headers=live_server.admin_headers).json()
        shared = {p["display_name"]: p["seconds_sharing"] for p in report["people"]}
        assert shared["Ana"] > 0 and shared["Maya"] > 0, shared
    finally:
        for page in (maya, ana):
            page.context.close()
