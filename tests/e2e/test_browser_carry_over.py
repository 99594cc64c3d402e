"""Next steps in real browsers: the mentor marks an agenda item as a next step and links
it to a goal from the item's menu; the mentee's page shows the "Next step" tag and the
goal's title, and both go away when unmarked."""

from __future__ import annotations

from typing import Any

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


def test_the_thread_shows_messages_as_text_and_enter_sends_one(
    browser: Any, live_server: LiveServer
) -> None:
    """The thread view against a stand-in of the thread routes (their rules are tested in
    tests/integration/test_threads.py)."""
    stored = [{"message_id": "CM_1", "author_id": "ID_maya", "author_name": "Maya",
               "text": "<b>Send me the draft</b>", "at": "2026-12-01T17:05:00Z",
               "session_id": "SE_1"}]
    posted: list[Any] = []

    def thread(route: Any) -> None:
        request = route.request
        if request.method == "POST":
            posted.append((request.post_data_json, request.headers.get("x-csrf-token")))
            message = {"message_id": "TM_2", "author_id": "ID_ana", "author_name": "Ana",
                       "text": request.post_data_json["text"], "at": "2026-12-02T09:00:00Z",
                       "session_id": ""}
            stored.append(message)
            route.fulfill(status=201, json=message)
        else:
            route.fulfill(json=stored)

    context = browser.new_context()
    page = context.new_page()
    try:
        page.route("**/api/pairs/PR_1/thread", thread)
        page.goto(f"{live_server.base_url}/")
        page.evaluate("""async () => {
          const { mountThread } = await import('/static/thread_view.js');
          const host = document.createElement('section');
          host.id = 'thread-host';
          document.body.prepend(host);
          mountThread(host, 'PR_1', 'ID_ana');
        }""")
        first = page.locator("#thread-host .thread-message").first
        first.wait_for(timeout=5_000)
        assert first.locator(".thread-text").inner_text() == "<b>Send me the draft</b>"
        assert "from the session chat" in first.inner_text()
        assert page.locator("#thread-host b").count() == 0
        box = page.get_by_label("Message", exact=True)
        box.fill("Here it is")
        box.press("Shift+Enter")
        box.type("Thanks")
        box.press("Enter")
        own = page.locator("#thread-host .thread-message.own")
        own.wait_for(timeout=5_000)
        assert own.locator(".thread-text").text_content() == "Here it is\nThanks"
        assert "(you)" in own.inner_text()
        assert posted[0][0] == {"text": "Here it is\nThanks"}
        assert box.input_value() == ""
        assert page.locator("#thread-host .thread-message").count() == 2
    finally:
        context.close()
