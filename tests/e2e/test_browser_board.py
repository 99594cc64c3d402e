"""The shared board in real browsers: agenda, timer, chat and notes stay in step
between pages, user text never runs as markup, and a page rejoins after a restart."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import connect

from signaling.protocol import PROTOCOL_VERSION
from tests.conftest import LiveServer, start_server
from tests.e2e.test_browser_rooms import open_room

pytestmark = pytest.mark.browser
SKEW_MS = 7_000


def board(page: Any) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate("window.mentorRooms.board()")
    return result


def pair(browser: Any, server: LiveServer, kind: str = "one_on_one") -> tuple[str, str, list[Any]]:
    sid, mentor = server.create_session(kind, None if kind == "one_on_one" else 4)
    mentee = server.invite(sid, mentor, "mentee", "Ana")["url"]
    pages = [
        open_room(browser, f"{server.base_url}/s/{sid}#token={mentor}", "Maya"),
        open_room(browser, mentee, "Ana"),
    ]
    return sid, mentor, pages


def close_all(pages: list[Any]) -> None:
    for page in pages:
        page.context.close()


def test_an_agenda_change_a_timer_start_and_a_chat_message_appear_on_the_other_page(
    browser: Any, live_server: LiveServer
) -> None:
    _, _, (maya, ana) = pair(browser, live_server)
    try:
        maya.fill("#agenda-title-input", "Review the portfolio")
        maya.fill("#agenda-minutes-input", "15")
        maya.click("#agenda-add-button")
        item = ana.locator("#agenda-list li.agenda-item .agenda-title")
        item.filter(has_text="Review the portfolio").wait_for(timeout=5_000)
        maya.click("#agenda-next-button")
        ana.wait_for_selector("#agenda-list li.agenda-item[data-status='current'] .agenda-delta")
        maya.fill("#timer-minutes-input", "10")
        maya.click("#timer-start")
        ana.wait_for_selector("#timer-display[data-state='running']", timeout=5_000)
        assert ana.locator("#timer-start").count() == 0 or ana.locator("#timer-start").is_hidden()
        ana.click("#tab-chat")
        ana.fill("#chat-input", "Thanks, that helps!")
        ana.press("#chat-input", "Enter")
        maya.click("#tab-chat")
        line = maya.locator("#chat-log li.chat-message:not([data-pending])")
        line.filter(has_text="Thanks, that helps!").wait_for(timeout=5_000)
        assert line.first.locator(".chat-sender").inner_text().startswith("Ana")
    finally:
        close_all([maya, ana])


def test_pages_show_the_same_remaining_time_even_when_one_clock_is_off(
    browser: Any, live_server: LiveServer
) -> None:
    sid, mentor = live_server.create_session("circle", 4)
    maya = open_room(browser, f"{live_server.base_url}/s/{sid}#token={mentor}", "Maya")
    skewed = browser.new_context()
    skewed.add_init_script(f"{{ const real = Date.now; Date.now = () => real() + {SKEW_MS}; }}")
    page = skewed.new_page()
    page.goto(live_server.invite(sid, mentor, "mentee", "Ana")["url"])
    page.fill("#display-name", "Ana")
    page.click("#join-button")
    page.wait_for_function("() => window.mentorRooms.state().phase === 'joined'", timeout=30_000)
    try:
        maya.fill("#timer-minutes-input", "1")  # inside the two-minute warning at once
        maya.click("#timer-start")
        for p in (maya, page):
            p.wait_for_selector("#timer-display[data-state='warning']", timeout=5_000)
        time.sleep(1.5)  # let the skewed page measure its clock offset
        differences = []
        for _ in range(10):
            t0 = time.monotonic()
            a = board(maya)["timer"]["remaining_ms"]
            b = board(page)["timer"]["remaining_ms"]
            t2 = time.monotonic()
            # b was read about (t2 - t0) / 2 later than a
            differences.append(abs(a - b - (t2 - t0) / 2 * 1000))
            time.sleep(0.1)
        assert max(differences) <= 200, differences
        # a co-mentor's 2 s countdown runs out: both pages say so
        co = live_server.invite(sid, mentor, "mentor", "Sam")["token"]
        with connect(f"{live_server.ws_base}/ws/sessions/{sid}") as ws:
            ws.send(
                json.dumps(
                    {
                        "type": "join",
                        "protocol_version": PROTOCOL_VERSION,
                        "token": co,
                        "display_name": "Sam",
                    }
                )
            )
            ws.send(json.dumps({"type": "timer_control", "action": "start", "seconds": 2}))
            for p in (maya, page):
                p.wait_for_selector("#timer-display[data-state='expired']", timeout=6_000)
                assert "time" in p.locator("#timer-display").inner_text().lower()
    finally:
        close_all([maya, page])


def type_together(first: Any, first_text: str, second: Any, second_text: str) -> None:
    """Interleaves keystrokes of two pages, so their edits cross in flight."""
    for i in range(max(len(first_text), len(second_text))):
        if i < len(first_text):
            first.keyboard.type(first_text[i])
        if i < len(second_text):
            second.keyboard.type(second_text[i])


def test_two_pages_typing_into_the_notes_at_once_keep_every_keystroke(
    browser: Any, live_server: LiveServer
) -> None:
    _, _, (maya, ana) = pair(browser, live_server)
    try:
        for page in (maya, ana):
            page.click("#tab-notes")
        maya.click("#notes-text")
        maya.keyboard.type("[shared]")
        ana.wait_for_function("() => window.mentorRooms.board().notes === '[shared]'")
        maya.press("#notes-text", "End")
        ana.click("#notes-text")
        ana.press("#notes-text", "Home")  # one types at the end, the other at the start
        mine, yours = "Maya adds goals at the end. ", "Ana starts with a question! "
        type_together(maya, mine, ana, yours)
        expected = yours + "[shared]" + mine
        for page in (maya, ana):
            page.wait_for_function(
                "text => window.mentorRooms.board().notes === text && "
                "document.querySelector('#notes-text').value === text",
                arg=expected,
                timeout=10_000,
            )
    finally:
        close_all([maya, ana])


PAYLOADS = [
    '<img src=x onerror="window.__pwned = (window.__pwned || 0) + 1">',
    "<script>window.__pwned = 1</script>",
]


def test_script_payloads_in_agenda_chat_and_notes_stay_text(
    browser: Any, live_server: LiveServer
) -> None:
    _, _, (maya, ana) = pair(browser, live_server)
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    for page in (maya, ana):
        page.on("dialog", on_dialog)
    try:
        for payload in PAYLOADS:
            maya.fill("#agenda-title-input", payload)
            maya.click("#agenda-add-button")
        ana.click("#tab-chat")
        ana.fill("#chat-input", PAYLOADS[0])
        ana.press("#chat-input", "Enter")
        maya.click("#tab-notes")
        maya.click("#notes-text")
        maya.keyboard.type(PAYLOADS[1])
        ana.locator("#agenda-list .agenda-title").filter(has_text="<script>").wait_for()
        maya.click("#tab-chat")
        maya.locator("#chat-log .chat-text").filter(has_text="onerror").wait_for()
        ana.click("#tab-notes")
        ana.wait_for_function("t => window.mentorRooms.board().notes === t", arg=PAYLOADS[1])
        for page in (maya, ana):
            titles = page.locator("#agenda-list .agenda-title").all_inner_texts()
            assert titles == PAYLOADS
            assert page.evaluate("window.__pwned") is None
            assert page.locator("#agenda-list img, #chat-log img, #agenda-list script").count() == 0
        assert dialogs == []
    finally:
        close_all([maya, ana])


@pytest.fixture
def restartable(tmp_path: Path) -> Iterator[dict[str, Any]]:
    env = {
        "MENTOR_ROOMS_STORAGE_URL": f"sqlite:///{tmp_path / 'rooms.db'}",
        "MENTOR_ROOMS_SECRET_KEY": "r" * 40,
    }
    state: dict[str, Any] = {"env": env, "server": start_server(env)}
    yield state
    state["server"].process.kill()


def test_a_page_rejoins_after_a_server_restart_with_notes_and_chat_intact(
    browser: Any, restartable: dict[str, Any]
) -> None:
    server: LiveServer = restartable["server"]
    _, _, (maya, ana) = pair(browser, server)
    try:
        maya.click("#tab-notes")
        maya.click("#notes-text")
        maya.keyboard.type("Next steps: draft the CV")
        ana.click("#tab-chat")
        ana.fill("#chat-input", "before the restart")
        ana.press("#chat-input", "Enter")
        ana.locator("#chat-log li.chat-message:not([data-pending])").wait_for()
        ana.click("#tab-notes")
        ana.wait_for_function(
            "() => window.mentorRooms.board().notes === 'Next steps: draft the CV'")
        port = int(server.base_url.rsplit(":", 1)[1])
        server.process.kill()
        server.process.wait(10)
        restartable["server"] = start_server(restartable["env"], port=port)
        for page in (maya, ana):
            page.wait_for_function(
                "() => window.mentorRooms.board().reconnects >= 1 && "
                "window.mentorRooms.state().phase === 'joined'",
                timeout=30_000,
            )
        assert board(ana)["notes"] == "Next steps: draft the CV"
        maya.keyboard.type(" and send it")
        ana.wait_for_function(
            "() => window.mentorRooms.board().notes === 'Next steps: draft the CV and send it'"
        )
        texts = [m["text"] for m in board(maya)["chat"]]
        assert texts == ["before the restart"]
    finally:
        close_all([maya, ana])
