"""Link quality in real browsers: pages report what they receive, show everyone's
connection, follow the media mode (audio only, chat only) and rebuild their media
without a reload."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.e2e.test_browser_rooms import open_room, wait_for_media

pytestmark = pytest.mark.browser


@contextmanager
def pair(browser: Any, server: LiveServer) -> Iterator[tuple[Any, Any]]:
    """Maya (mentor) and Ana (mentee) in a one-on-one, media flowing both ways; both
    pages are closed afterwards."""
    sid, mentor = server.create_session("one_on_one")
    mentee = server.invite(sid, mentor, "mentee", "Ana")["url"]
    maya = open_room(browser, f"{server.base_url}/s/{sid}#token={mentor}", "Maya")
    ana = open_room(browser, mentee, "Ana")
    try:
        wait_for_media([maya, ana], 1)
        yield maya, ana
    finally:
        for page in (maya, ana):
            page.context.close()


def state(page: Any) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate("window.mentorRooms.state()")
    return result


def self_id(page: Any) -> str:
    return str(state(page)["self_id"])


def counters(page: Any, participant_id: str) -> tuple[int, int]:
    """(video frames decoded, audio packets received) of one remote participant."""
    stats: list[dict[str, Any]] = page.evaluate("window.mentorRooms.remoteStats()")
    for s in stats:
        if s["participant_id"] == participant_id:
            return int(s["frames_decoded"]), int(s["audio_packets_received"])
    return 0, 0


def wait_until(check: Callable[[], str], seconds: float) -> None:
    """Polls ``check`` (which returns "" when satisfied, else what is still wrong)."""
    deadline = time.monotonic() + seconds
    problem = check()
    while problem and time.monotonic() < deadline:
        time.sleep(0.3)
        problem = check()
    assert not problem, problem


def over(page: Any, participant_id: str, window: float = 1.5) -> tuple[int, int]:
    """How many video frames and audio packets from a participant arrived in ``window``."""
    v0, a0 = counters(page, participant_id)
    time.sleep(window)
    v1, a1 = counters(page, participant_id)
    return v1 - v0, a1 - a0


def video_stopped_audio_flows(page: Any, participant_id: str) -> str:
    frames, packets = over(page, participant_id)
    return "" if frames == 0 and packets > 20 else f"{frames} frames, {packets} packets"


def both_flow(page: Any, participant_id: str) -> str:
    frames, packets = over(page, participant_id)
    if frames > 10 and packets > 20:
        return ""
    seen = state(page)
    sender = [p for p in seen["participants"] if p["participant_id"] == participant_id]
    return f"{frames} frames, {packets} packets; receiver {seen['self_link']}; sender {sender}"


def tile_status(page: Any, participant_id: str) -> str:
    tile = page.locator(f"#tiles [data-participant-id='{participant_id}']")
    text: str = tile.locator(".tile-status").inner_text()
    return text


def test_pages_report_quality_and_audio_only_stops_video_both_ways_until_automatic(
    browser: Any, live_server: LiveServer
) -> None:
    with pair(browser, live_server) as (maya, ana):
        maya_id, ana_id = self_id(maya), self_id(ana)
        for page in (maya, ana):
            page.wait_for_function(
                "n => window.mentorRooms.state().quality_reports_sent >= n + 2",
                arg=state(page)["quality_reports_sent"], timeout=5_000,
            )
        for page, other in ((maya, ana_id), (ana, maya_id)):
            badge = page.locator(f"#tiles [data-participant-id='{other}'] .tile-quality")
            assert badge.inner_text() == "good"
            assert badge.get_attribute("aria-label") == "Connection: good"
            assert page.locator("#self-tile .tile-quality").inner_text() == "good"
            assert state(page)["self_link"]["media_mode"] == "video"

        maya.click("#more-button")
        maya.select_option("#media-mode-choice", "audio_only")
        maya.wait_for_function(
            "() => window.mentorRooms.state().notice.toLowerCase().includes('audio only')",
            timeout=5_000,
        )
        ana.wait_for_function(
            "id => document.querySelector(`#tiles [data-participant-id='${id}'] .tile-status`)"
            ".textContent === 'audio only'",
            arg=maya_id, timeout=5_000,
        )
        link = state(maya)["self_link"]
        assert link == {**link, "media_mode": "audio_only", "mode_reason": "chosen",
                        "sends_video": False, "receives_video": False}
        seen = next(p for p in state(ana)["participants"] if p["participant_id"] == maya_id)
        assert not seen["sends_video"] and seen["media_mode"] == "audio_only"
        wait_until(lambda: video_stopped_audio_flows(ana, maya_id), 10)  # Maya sends no video
        wait_until(lambda: video_stopped_audio_flows(maya, ana_id), 10)  # nor receives any
        assert "you chose audio only" in tile_status(maya, ana_id)

        maya.click("#more-button")
        maya.select_option("#media-mode-choice", "")
        wait_until(lambda: both_flow(ana, maya_id), 20)
        wait_until(lambda: both_flow(maya, ana_id), 20)
        assert state(maya)["self_link"]["sends_video"] is True
        ana.wait_for_selector(f"#tiles [data-participant-id='{maya_id}'][data-show-video]")


def test_restart_media_rebuilds_both_directions_without_a_reload(
    browser: Any, live_server: LiveServer
) -> None:
    with pair(browser, live_server) as (maya, ana):
        maya_id, ana_id = self_id(maya), self_id(ana)
        maya.evaluate("window.__stillHere = 'yes'")
        before = counters(maya, ana_id)[0]
        maya.evaluate("window.mentorRooms.restartMedia()")
        assert state(maya)["notice"] == "Reconnecting media…"
        # A new receive connection counts from zero again.
        wait_until(lambda: "" if counters(maya, ana_id)[0] < before else "same receiver", 10)
        wait_until(lambda: both_flow(maya, ana_id), 30)
        wait_until(lambda: both_flow(ana, maya_id), 30)
        assert maya.evaluate("window.__stillHere") == "yes"
        assert state(maya)["phase"] == "joined"
        assert "reconnecting" not in state(maya)["notice"].lower()


def test_chat_only_keeps_the_board_working_and_stops_audio(
    browser: Any, live_server: LiveServer
) -> None:
    with pair(browser, live_server) as (maya, ana):
        maya_id, ana_id = self_id(maya), self_id(ana)
        maya.click("#more-button")
        maya.select_option("#media-mode-choice", "chat_only")
        ana.wait_for_function(
            "id => document.querySelector(`#tiles [data-participant-id='${id}'] .tile-status`)"
            ".textContent === 'chat only'",
            arg=maya_id, timeout=5_000,
        )
        maya.wait_for_function(
            "() => window.mentorRooms.state().notice.toLowerCase().includes('chat only')",
            timeout=5_000,
        )

        def silent() -> str:
            frames, packets = over(ana, maya_id)
            return "" if frames == 0 and packets == 0 else f"{frames} frames, {packets} packets"

        wait_until(silent, 10)  # Maya sends neither video nor audio
        muted = maya.evaluate(
            "id => document.querySelector(`#tiles [data-participant-id='${id}'] video`).muted",
            ana_id,
        )
        assert muted is True  # and does not play Ana's audio
        ana.click("#tab-chat")
        ana.fill("#chat-input", "Can you read me?")
        ana.press("#chat-input", "Enter")
        maya.click("#tab-chat")
        line = maya.locator("#chat-log li.chat-message:not([data-pending])")
        line.filter(has_text="Can you read me?").wait_for(timeout=5_000)
