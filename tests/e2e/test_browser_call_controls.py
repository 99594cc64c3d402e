"""The call's controls in real browsers: hands in order, a mentor's mute, remove and
end, keyboard shortcuts, and where the focus goes after joining and leaving."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.e2e.test_browser_rooms import open_room

pytestmark = pytest.mark.browser


def state(page: Any) -> dict[str, Any]:
    return dict(page.evaluate("window.mentorRooms.state()"))


def until(page: Any, predicate: str, arg: Any = None) -> None:
    page.wait_for_function(predicate, arg=arg, timeout=15_000)


def test_hands_queue_in_order_and_a_mentor_lowers_mutes_removes_and_ends(
    browser: Any, live_server: LiveServer
) -> None:
    sid, mentor = live_server.create_session("circle", 6)
    maya = open_room(browser, f"{live_server.base_url}/s/{sid}#token={mentor}", "Maya")
    ana = open_room(browser, live_server.invite(sid, mentor, "mentee", "Ana")["url"], "Ana")
    ben = open_room(browser, live_server.invite(sid, mentor, "mentee", "Ben")["url"], "Ben")
    try:
        assert ana.evaluate("document.activeElement.id") == "toggle-mic"  # focus after join
        ben.click("#raise-hand")
        until(maya, "() => window.mentorRooms.state().participants"
                    ".some(p => p.display_name === 'Ben' && p.hand_raised_at)")
        ana.keyboard.press("Control+Alt+KeyH")  # the shortcut
        until(maya, "() => window.mentorRooms.state().participants"
                    ".filter(p => p.hand_raised_at).length === 2")
        maya.click("#tab-people")
        hands = maya.locator("#participant-list [data-hand]")
        assert hands.evaluate_all("items => items.map(i => i.dataset.hand)") == ["1", "2"]
        assert "Ben" in hands.nth(0).inner_text() and "Ana" in hands.nth(1).inner_text()
        assert maya.locator("#hand-count").inner_text() == "2"
        assert ana.locator("#raise-hand").get_attribute("aria-pressed") == "true"

        maya.get_by_role("button", name="Lower Ben's hand").click()
        until(ben, "() => !window.mentorRooms.state().self_hand_raised")
        # Ben's page and Maya's hear of the lowered hand separately: wait for Maya's list.
        until(maya, "() => document.querySelectorAll('#participant-list [data-hand]').length === 1")
        assert "Ana" in maya.locator("#participant-list [data-hand]").inner_text()

        maya.get_by_role("button", name="Ask Ana to mute").click()
        until(ana, "() => document.querySelector('#toggle-mic').hasAttribute('data-off')")
        assert "Maya muted your microphone" in state(ana)["notice"]
        until(maya, "() => window.mentorRooms.state().participants"
                    ".some(p => p.display_name === 'Ana' && p.audio_muted)")
        ana.keyboard.press("Control+KeyD")  # she unmutes herself
        until(ana, "() => !document.querySelector('#toggle-mic').hasAttribute('data-off')")

        maya.get_by_role("button", name="Remove Ben").click()
        maya.fill("#remove-reason", "Wrong circle")
        maya.click("#remove-confirm")
        until(ben, "() => window.mentorRooms.state().phase === 'left'")
        assert ben.locator("#left-heading").inner_text() == "You were removed from the session"
        assert "Wrong circle" in ben.locator("#left-message").inner_text()
        assert ben.evaluate("document.activeElement.id") == "left-heading"  # focus after leave

        assert ana.get_by_role("button", name="Remove Maya").count() == 0  # mentees cannot
        maya.click("#leave-button")
        assert maya.locator("#leave-dialog").is_visible()
        maya.click("#end-for-all")
        until(ana, "() => window.mentorRooms.state().phase === 'left'")
        assert ana.locator("#left-heading").inner_text() == "The session has ended"
        assert "Maya (mentor) ended the session for everyone" in ana.inner_text("#left-message")
    finally:
        for page in (maya, ana, ben):
            page.context.close()


def test_the_leave_button_asks_first_and_the_shortcuts_are_listed(
    browser: Any, live_server: LiveServer
) -> None:
    sid, mentor = live_server.create_session("one_on_one")
    ana = open_room(browser, live_server.invite(sid, mentor, "mentee", "Ana")["url"], "Ana")
    try:
        ana.click("#leave-button")
        assert ana.locator("#end-for-all").is_hidden()  # a mentee only leaves
        ana.click("#leave-cancel")
        assert state(ana)["phase"] == "joined"
        ana.keyboard.press("Control+Slash")
        dialog = ana.locator("#shortcuts-dialog")
        assert dialog.is_visible() and "Ctrl + D" in dialog.inner_text()
        ana.click("#shortcuts-close")
        ana.click("#leave-button")
        ana.click("#leave-confirm")
        until(ana, "() => window.mentorRooms.state().phase === 'left'")
        assert ana.locator("#left-heading").inner_text() == "You left the session"
        assert ana.locator("#left-message").inner_text().count("left the session") == 0
    finally:
        ana.context.close()


def test_chat_addresses_become_safe_links_and_timer_buttons_follow_its_state(
    browser: Any, live_server: LiveServer
) -> None:
    sid, mentor = live_server.create_session("one_on_one")
    maya = open_room(browser, f"{live_server.base_url}/s/{sid}#token={mentor}", "Maya")
    try:
        shown = "() => ['timer-start', 'timer-pause', 'timer-resume', 'timer-reset']" \
                ".filter(id => !document.getElementById(id).hidden)"
        assert maya.evaluate(shown) == ["timer-start"]
        maya.fill("#timer-minutes-input", "5")
        maya.click("#timer-start")
        until(maya, f"() => ({shown})().join() === 'timer-pause,timer-reset'")
        maya.click("#timer-pause")
        until(maya, f"() => ({shown})().join() === 'timer-resume,timer-reset'")

        maya.click("#tab-chat")
        maya.fill("#chat-input", "Slides: https://example.org/deck?p=2. Not javascript:alert(1)")
        maya.press("#chat-input", "Enter")
        link = maya.locator("#chat-log .chat-text a")
        link.wait_for()
        assert link.count() == 1
        assert (link.get_attribute("href"), link.get_attribute("rel"), link.get_attribute("target")
                ) == ("https://example.org/deck?p=2", "noopener noreferrer", "_blank")
        assert "javascript:alert(1)" in maya.locator("#chat-log .chat-text").inner_text()
    finally:
        maya.context.close()
