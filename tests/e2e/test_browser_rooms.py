"""Real browsers in real rooms: every page sees and hears every other participant."""

from __future__ import annotations

import time
from typing import Any

import pytest

from session_room.ids import Identity, SessionId
from session_room.roles import Role
from signaling.auth import InviteSigner
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser
DEADLINE = 30.0


def open_room(browser: Any, url: str, name: str) -> Any:
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed {r.url}: {r.failure}"))
    page.goto(url)
    for attempt in (1, 2):
        try:
            page.wait_for_selector("#display-name", state="visible", timeout=DEADLINE * 500)
            break
        except Exception as exc:  # say what the page shows instead of the join form
            shown = page.evaluate("() => [document.body.dataset.screen, document.body.innerText"
                                  ".slice(0, 300)]")
            report = f"no join form at {url.split('#')[0]}: {shown}; {problems[:10]}"
            if attempt == 2 or shown[0] != "loading":
                raise AssertionError(report) from exc
            # seen twice in full CI runs, never alone: a page whose scripts did not run;
            # a person would reload, so the test does, and prints what it saw
            print(f"reloading: {report}")
            page.reload()
    page.fill("#display-name", name)
    page.click("#join-button")
    page.wait_for_function(
        "() => window.mentorRooms && window.mentorRooms.state().phase === 'joined'",
        timeout=DEADLINE * 1000,
    )
    return page


def wait_for_media(pages: list[Any], expected_remotes: int) -> None:
    """Waits until every page decodes video and receives audio from every other one."""
    deadline = time.monotonic() + DEADLINE
    first: dict[int, list[dict[str, Any]]] = {}
    last_problem = ""
    while time.monotonic() < deadline:
        ok = True
        for i, page in enumerate(pages):
            stats = page.evaluate("window.mentorRooms.remoteStats()")
            if len(stats) != expected_remotes:
                ok, last_problem = False, f"page {i} has {len(stats)} remotes"
                continue
            base = first.setdefault(i, stats)
            by_id = {s["participant_id"]: s for s in base}
            for s in stats:
                b = by_id.get(s["participant_id"], s)
                if not (
                    s["video_width"] > 0
                    and s["frames_decoded"] > b["frames_decoded"] + 10
                    and s["audio_packets_received"] > b["audio_packets_received"] + 10
                ):
                    ok, last_problem = False, f"page {i}: {s} (first {b})"
        if ok:
            return
        time.sleep(0.5)
    raise AssertionError(f"media did not flow: {last_problem}")


def test_one_on_one_in_two_browsers_sees_and_hears_each_other(
    browser: Any, live_server: LiveServer
) -> None:
    sid, mentor = live_server.create_session("one_on_one")
    mentee = live_server.invite(sid, mentor, "mentee", "Ana")
    base = live_server.base_url
    pages = [
        open_room(browser, f"{base}/s/{sid}#token={mentor}", "Maya"),
        open_room(browser, mentee["url"].replace("http://testserver", base), "Ana"),
    ]
    try:
        wait_for_media(pages, 1)
        names = pages[0].locator("#tiles .tile .tile-name").all_text_contents()
        assert "Ana" in names
        roles = pages[1].locator("#tiles .tile .tile-role").all_text_contents()
        assert any("mentor" in r.lower() for r in roles)
    finally:
        for page in pages:
            page.context.close()


def test_a_circle_of_four_receives_everyone_and_a_leave_removes_the_tile(
    browser: Any, live_server: LiveServer
) -> None:
    sid, mentor = live_server.create_session("circle", 6)
    urls = [f"{live_server.base_url}/s/{sid}#token={mentor}"] + [
        live_server.invite(sid, mentor, "mentee", f"M{i}")["url"] for i in range(3)
    ]
    pages = [open_room(browser, url, f"P{i}") for i, url in enumerate(urls)]
    try:
        wait_for_media(pages, 3)
        leaver_id = pages[3].evaluate("window.mentorRooms.state().self_id")
        pages[3].click("#leave-button")
        pages[3].click("#leave-confirm")
        for page in pages[:3]:
            page.wait_for_function(
                "id => !window.mentorRooms.state().tiles.includes(id)",
                arg=leaver_id,
                timeout=10_000,
            )
            assert page.locator(f"[data-participant-id='{leaver_id}']").count() == 0
    finally:
        for page in pages:
            page.context.close()


def test_a_full_room_is_refused_with_a_clear_message_in_the_browser(
    browser: Any, live_server: LiveServer
) -> None:
    sid, mentor = live_server.create_session("one_on_one")
    first = live_server.invite(sid, mentor, "mentee")["url"]
    second = live_server.invite(sid, mentor, "mentee")["url"]
    ok = open_room(browser, first, "Ana")
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(second)
        page.fill("#display-name", "Eve")
        page.click("#join-button")
        page.wait_for_function("() => window.mentorRooms.state().phase === 'error'", timeout=10_000)
        assert "full" in page.locator("#room-error").inner_text().lower()
        forged = InviteSigner("y" * 40).issue(
            SessionId(sid), Role.MENTEE, Identity("ID_f"), "Eve", 600
        )[0]
        page.goto(f"{live_server.base_url}/s/{sid}#token={forged}")
        page.reload()
        page.fill("#display-name", "Eve")
        page.click("#join-button")
        page.wait_for_function("() => window.mentorRooms.state().phase === 'error'", timeout=10_000)
        assert "not valid" in page.locator("#room-error").inner_text().lower()
    finally:
        context.close()
        ok.context.close()


def remote_of(page: Any, participant_id: str) -> dict[str, Any]:
    stats: list[dict[str, Any]] = page.evaluate("window.mentorRooms.remoteStats()")
    return next(s for s in stats if s["participant_id"] == participant_id)


def test_mute_and_camera_off_show_on_the_other_tile_and_video_comes_back(
    browser: Any, live_server: LiveServer
) -> None:
    sid, mentor = live_server.create_session("one_on_one")
    mentee = live_server.invite(sid, mentor, "mentee", "Ana")["url"]
    pages = [
        open_room(browser, f"{live_server.base_url}/s/{sid}#token={mentor}", "Maya"),
        open_room(browser, mentee, "Ana"),
    ]
    try:
        wait_for_media(pages, 1)
        maya = pages[0].evaluate("window.mentorRooms.state().self_id")
        tile = pages[1].locator(f"#tiles [data-participant-id='{maya}']")
        pages[0].click("#toggle-mic")
        pages[0].click("#toggle-camera")
        pages[1].wait_for_selector(
            f"#tiles [data-participant-id='{maya}'][data-audio-muted][data-video-muted]"
            ":not([data-show-video])",
            timeout=10_000,
        )
        label = tile.get_attribute("aria-label") or ""
        assert "microphone muted" in label and "camera off" in label
        assert tile.locator(".tile-camera-off").is_visible()
        pages[0].click("#toggle-mic")
        pages[0].click("#toggle-camera")
        pages[1].wait_for_selector(
            f"#tiles [data-participant-id='{maya}'][data-show-video]"
            ":not([data-audio-muted]):not([data-video-muted])",
            timeout=10_000,
        )
        before = remote_of(pages[1], maya)["frames_decoded"]
        pages[1].wait_for_function(
            "([id, n]) => window.mentorRooms.remoteStats().then("
            "s => s.some(r => r.participant_id === id && r.frames_decoded > n + 30))",
            arg=[maya, before],
            timeout=10_000,
        )
    finally:
        for page in pages:
            page.context.close()


def test_an_observer_receives_everyone_without_publishing_or_getting_a_tile(
    browser: Any, live_server: LiveServer
) -> None:
    sid, mentor = live_server.create_session("one_on_one")
    mentee = live_server.invite(sid, mentor, "mentee", "Ana")["url"]
    observer = live_server.invite(sid, mentor, "observer", "Obi")["url"]
    pages = [
        open_room(browser, f"{live_server.base_url}/s/{sid}#token={mentor}", "Maya"),
        open_room(browser, mentee, "Ana"),
        open_room(browser, observer, "Obi"),
    ]
    try:
        wait_for_media(pages[2:], 2)  # the observer sees and hears both
        wait_for_media(pages[:2], 1)  # and nobody receives media from the observer
        obi = pages[2].evaluate("window.mentorRooms.state().self_id")
        assert pages[2].locator("#toggle-camera").is_hidden()
        for page in pages[:2]:
            assert page.locator(f"#tiles [data-participant-id='{obi}']").count() == 0
            listed = page.locator(f"#participant-list [data-participant-id='{obi}']")
            assert listed.get_attribute("data-role") == "observer"
    finally:
        for page in pages:
            page.context.close()
