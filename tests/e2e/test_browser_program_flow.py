"""The mentoring relationship end to end, in Chromium, as people meet it: an admin adds a
mentor and a mentee on the admin page and creates their bi-weekly pair; each signs in
from their personal link and sees the upcoming session on their home page; both join
from there; the mentee updates a goal in the room and the mentor sees it live; the
mentor marks an agenda item as a next step and ends the session; the item is on the
next session's agenda; both home pages show the session attended; the pair's calendar
file parses and carries the join link."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import icalendar
import pytest

from tests.conftest import LiveServer, start_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DEADLINE_MS = 30_000
ADMIN = "program-flow-admin-credential"


@pytest.fixture
def server() -> Iterator[LiveServer]:
    live = start_server({"MENTOR_ROOMS_ADMIN_TOKEN": ADMIN,
                         "MENTOR_ROOMS_IDLE_SESSION_SECONDS": "2"})
    yield live
    live.stop()


def watch(page: Any, problems: list[str]) -> Any:
    page.on("console", lambda m: problems.append(m.text)
            if "Content Security Policy" in m.text or m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    return page


def admin_creates_the_pair(page: Any, base: str) -> dict[str, str]:
    """On /admin: adds Maya (mentor) and Ana (mentee), creates their bi-weekly pair whose
    first session starts in three minutes. Returns each person's sign-in link."""
    page.goto(f"{base}/admin")
    page.fill("#admin-token", ADMIN)
    page.click("#admin-load")
    page.wait_for_selector("#program-people", state="visible", timeout=DEADLINE_MS)
    links: dict[str, str] = {}
    for name, role in (("Maya Ortiz", "mentor"), ("Ana Lía", "mentee")):
        page.fill("#person-name", name)
        page.select_option("#person-role", role)
        page.click("#person-form button[type=submit]")
        row = page.locator("#people-link-list li").filter(has_text=name)
        row.wait_for(timeout=DEADLINE_MS)
        links[name] = row.locator("code").inner_text()
    start = datetime.now(UTC) + timedelta(minutes=3)
    page.wait_for_selector("#pair-mentor option:has-text('Maya Ortiz')", state="attached")
    page.select_option("#pair-mentor", label="Maya Ortiz")
    page.locator("#pair-mentees label").filter(has_text="Ana Lía").locator("input").check()
    page.fill("#cad-every", "2")
    page.select_option("#cad-weekday", start.strftime("%A").lower())
    page.fill("#cad-time", start.strftime("%H:%M"))
    page.fill("#cad-count", "3")
    page.fill("#cad-zone", "UTC")
    page.fill("#cad-start", start.strftime("%Y-%m-%d"))
    page.click("#pair-create-form button[type=submit]")
    page.locator("#pairs-list tbody tr").filter(has_text="Maya Ortiz").wait_for(
        timeout=DEADLINE_MS)
    return links


def home(browser: Any, link: str, problems: list[str]) -> Any:
    """A fresh browser opens a personal sign-in link and lands on its home page."""
    page = watch(browser.new_context().new_page(), problems)
    page.goto(link)
    page.wait_for_selector("#me-content", state="visible", timeout=DEADLINE_MS)
    assert page.url.endswith("/me")
    return page


def join_from_home(page: Any) -> str:
    """Clicks the first upcoming session's Join and joins the room; returns its id."""
    join = page.locator("#me-upcoming .join-button").first
    join.wait_for(timeout=DEADLINE_MS)
    session_id: str = join.get_attribute("data-session")
    join.click()
    page.wait_for_selector("#join-button", state="visible", timeout=DEADLINE_MS)
    page.click("#join-button")
    page.wait_for_function(
        "() => window.mentorRooms && window.mentorRooms.state().phase === 'joined'",
        timeout=DEADLINE_MS)
    return session_id


def test_a_pair_is_set_up_meets_works_on_a_goal_and_carries_its_next_step_over(
        browser: Any, server: LiveServer) -> None:
    problems: list[str] = []
    base = server.base_url
    admin = watch(browser.new_context().new_page(), problems)
    pages = [admin]
    try:
        links = admin_creates_the_pair(admin, base)
        headers = {"Authorization": f"Bearer {ADMIN}"}
        pair = httpx.get(f"{base}/api/pairs", headers=headers).json()[0]
        assert [s["status"] for s in pair["sessions"]] == ["scheduled"] * 3
        first, second = pair["sessions"][0]["session_id"], pair["sessions"][1]["session_id"]
        r = httpx.post(f"{base}/api/pairs/{pair['pair_id']}/goals", headers=headers, json={
            "title": "Land a data analyst role", "measure": "An offer accepted",
            "target_date": "2027-06-30"})
        assert r.status_code == 201, r.text

        maya = home(browser, links["Maya Ortiz"], problems)
        ana = home(browser, links["Ana Lía"], problems)
        pages += [maya, ana]
        for page in (maya, ana):
            upcoming = page.locator("#me-upcoming li").first
            assert "Maya Ortiz & Ana Lía" in upcoming.inner_text()
            assert upcoming.locator(".join-button").get_attribute("aria-disabled") != "true"
        # the series' calendar file, downloaded by the signed-in mentee
        ics = ana.request.get(f"{base}/api/pairs/{pair['pair_id']}/calendar.ics")
        assert ics.ok and ics.headers["content-type"].startswith("text/calendar")
        events = icalendar.Calendar.from_ical(ics.body()).walk("VEVENT")
        assert len(events) == 3
        assert f"{base}/join/{first}" in str(events[0]["DESCRIPTION"])
        assert str(events[0]["URL"]) == f"{base}/join/{first}"

        assert join_from_home(maya) == first
        assert join_from_home(ana) == first
        for page in (maya, ana):
            page.wait_for_selector("#goals-list .goal-item", timeout=DEADLINE_MS)

        # the mentee updates the goal; the mentor's pane follows without a reload
        slider = ana.get_by_label("Progress of Land a data analyst role")
        slider.focus()
        for _ in range(4):
            slider.press("ArrowRight")
        ana.get_by_label("Status of Land a data analyst role").select_option("on_track")
        maya.wait_for_function(
            """() => {
              const item = document.querySelector('#goals-list .goal-item');
              return item && item.dataset.status === 'on_track'
                && item.querySelector('.goal-percent').textContent === '20%';
            }""", timeout=DEADLINE_MS)

        # the mentor adds an agenda item and marks it as the next step
        maya.fill("#agenda-title-input", "Send two applications")
        maya.click("#agenda-add-button")
        maya.locator("#agenda-list li.agenda-item").filter(
            has_text="Send two applications").wait_for(timeout=DEADLINE_MS)
        maya.get_by_role("button", name="More actions for “Send two applications”").click()
        maya.get_by_role("button",
                         name="Mark “Send two applications” as a next step").click()
        ana.locator("#agenda-list .agenda-next-step").wait_for(state="visible",
                                                                 timeout=DEADLINE_MS)
        maya.wait_for_timeout(1500)  # both are counted present for a moment longer

        maya.click("#leave-button")
        maya.click("#end-for-all")
        for page in (maya, ana):
            page.wait_for_selector("#left-screen", state="visible", timeout=DEADLINE_MS)

        # the next session's agenda carries the next step, marked as from last session
        def carried() -> list[dict[str, Any]]:
            board = httpx.get(f"{base}/api/sessions/{second}/summary.md", headers=headers)
            return [{"text": board.text}] if "Send two applications" in board.text else []

        deadline = datetime.now(UTC) + timedelta(seconds=30)
        while not carried() and datetime.now(UTC) < deadline:
            maya.wait_for_timeout(500)
        assert carried(), "the next step never reached the next session's agenda"
        maya.goto(f"{base}/join/{second}")
        maya.wait_for_selector("#join-button", state="visible", timeout=DEADLINE_MS)
        maya.click("#join-button")
        item = maya.locator("#agenda-list li.agenda-item").filter(
            has_text="Send two applications")
        item.wait_for(timeout=DEADLINE_MS)
        assert item.locator(".agenda-carried").is_visible()
        maya.wait_for_selector("#previous-session", state="visible", timeout=DEADLINE_MS)
        maya.click("#previous-session summary")  # one click away
        assert "Send two applications" in maya.inner_text("#previous-session")

        # both home pages now count the session attended
        ana.goto(f"{base}/me")
        past = ana.locator("#me-past li").first
        past.wait_for(timeout=DEADLINE_MS)
        assert "Attended" in past.inner_text()
        for page in (maya, ana):
            home_json = page.request.get(f"{base}/api/me/home").json()
            assert home_json["progress"]["sessions_attended"] == 1
            assert home_json["goals"][0]["progress"] == 20
            assert [s["session_id"] for s in home_json["upcoming"]][0] == second
        assert problems == []
    finally:
        for page in pages:
            page.context.close()
