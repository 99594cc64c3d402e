"""Next steps in real browsers: the mentor marks an agenda item as a next step and links
it to a goal from the item's menu; the mentee's page shows the "Next step" tag and the
goal's title, and both go away when unmarked; and the pair's thread between sessions,
written on one home page and read on the other."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer
from tests.e2e.test_browser_board import close_all, pair

pytestmark = pytest.mark.browser

GOALS = """async () => {
  const { roomGoals } = await import('/static/room_goals.js');
  roomGoals.replace([{ goal_id: 'GO_talk', mentee_id: 'ID_x', title: 'Give a conference talk',
    measure: 'accepted CFP', target_date: '2027-03-01', status: 'on_track', progress: 20,
    version: 1 }]);
}"""


def test_a_mentor_marks_a_next_step_with_its_goal_and_the_mentee_sees_it(
    browser: Any, live_server: LiveServer
) -> None:
    _, _, (maya, ana) = pair(browser, live_server)
    try:
        for page in (maya, ana):
            page.evaluate(GOALS)
        maya.fill("#agenda-title-input", "Draft the talk abstract")
        maya.click("#agenda-add-button")
        item = ana.locator("#agenda-list li.agenda-item").filter(has_text="Draft the talk")
        item.wait_for(timeout=5_000)
        assert item.locator(".agenda-next-step").is_hidden()

        maya.get_by_role("button", name="More actions for “Draft the talk abstract”").click()
        maya.get_by_role("button", name="Mark “Draft the talk abstract” as a next step").click()
        item.locator(".agenda-next-step").wait_for(state="visible", timeout=5_000)
        assert item.locator(".agenda-next-step").inner_text() == "Next step"

        maya.get_by_role("button", name="More actions for “Draft the talk abstract”").click()
        maya.get_by_label("Goal of “Draft the talk abstract”").select_option("GO_talk")
        goal = item.locator(".agenda-goal")
        goal.wait_for(state="visible", timeout=5_000)
        assert goal.inner_text() == "Goal: Give a conference talk"
        mine = maya.locator("#agenda-list li.agenda-item").first
        assert mine.get_attribute("data-next-step") is not None

        maya.get_by_role("button", name="More actions for “Draft the talk abstract”").click()
        maya.get_by_role("button", name="“Draft the talk abstract” is not a next step").click()
        item.locator(".agenda-next-step").wait_for(state="hidden", timeout=5_000)
        assert goal.is_visible()
        assert item.locator(".agenda-carried").is_hidden()
    finally:
        close_all([maya, ana])


def test_a_pair_keeps_writing_between_sessions_and_the_other_sees_it_on_their_home(
    browser: Any, live_server: LiveServer
) -> None:
    """The real thread routes: the mentee writes from their home page (Shift+Enter makes
    a new line, Enter sends); the mentor's home counts it as new, and opening the thread
    shows it as text, never markup."""
    base, admin = live_server.base_url, live_server.admin_headers
    people = {}
    for name, role in (("Maya", "mentor"), ("Ana", "mentee")):
        r = httpx.post(f"{base}/api/people", json={"name": name, "role": role}, headers=admin)
        people[name] = (r.json()["person"]["person_id"], r.json()["signin_url"])
    r = httpx.post(f"{base}/api/pairs", headers=admin, json={
        "kind": "pair", "mentor_id": people["Maya"][0], "mentee_ids": [people["Ana"][0]]})
    assert r.status_code == 201, r.text
    pages = []
    try:
        ana = browser.new_context().new_page()
        pages.append(ana)
        ana.goto(people["Ana"][1])
        ana.click("#me-messages details.me-pair summary")
        box = ana.get_by_label("Message", exact=True)
        box.fill("<b>Here is my draft</b>")
        box.press("Shift+Enter")
        box.type("Thanks")
        box.press("Enter")
        own = ana.locator(".thread-message.own")
        own.wait_for(timeout=10_000)
        assert own.locator(".thread-text").text_content() == "<b>Here is my draft</b>\nThanks"
        assert box.input_value() == ""

        maya = browser.new_context().new_page()
        pages.append(maya)
        maya.goto(people["Maya"][1])
        pair = maya.locator("#me-messages details.me-pair")
        pair.wait_for(timeout=10_000)
        assert "1 new" in pair.locator("summary").inner_text()
        pair.locator("summary").click()
        theirs = maya.locator(".thread-message").filter(has_text="Here is my draft")
        theirs.wait_for(timeout=10_000)
        assert "Ana" in theirs.inner_text() and maya.locator(".thread-text b").count() == 0
        maya.reload()
        maya.locator("#me-messages details.me-pair").wait_for(timeout=10_000)
        assert "No new messages" in maya.inner_text("#me-messages details.me-pair summary")
    finally:
        for page in pages:
            page.context.close()
