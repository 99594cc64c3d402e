"""Goals live in the room, in Chromium: a mentor and a mentee sign in from their links,
join their pair's session from /join, and both see the pair's goal in the Goals pane;
the mentee moves its progress with the keyboard and sets it "At risk", and the mentor's
pane shows it without a reload (and announces it). Pages run under the strict CSP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer

pytestmark = pytest.mark.browser
DEADLINE_MS = 30_000


def add_person(server: LiveServer, name: str, role: str) -> tuple[str, str]:
    r = httpx.post(f"{server.base_url}/api/people", json={"name": name, "role": role},
                   headers=server.admin_headers)
    assert r.status_code == 201, r.text
    return r.json()["person"]["person_id"], r.json()["signin_url"]


def program(server: LiveServer) -> tuple[str, str, str, str]:
    """A mentor, a mentee, their pair, a session of it and a goal; returns (mentor link,
    mentee link, session id, pair id)."""
    maya, maya_link = add_person(server, "Maya", "mentor")
    ana, ana_link = add_person(server, "Ana", "mentee")
    base, admin = server.base_url, server.admin_headers
    r = httpx.post(f"{base}/api/pairs", json={"kind": "pair", "mentor_id": maya,
                                              "mentee_ids": [ana], "cadence": None},
                   headers=admin)
    assert r.status_code == 201, r.text
    pair = r.json()["pair_id"]
    start = (datetime.now(UTC) + timedelta(minutes=2)).isoformat()
    r = httpx.post(f"{base}/api/pairs/{pair}/sessions", json={"start": start, "minutes": 60},
                   headers=admin)
    assert r.status_code == 201, r.text
    sid = r.json()["session_id"]
    r = httpx.post(f"{base}/api/pairs/{pair}/goals", headers=admin, json={
        "title": "Give a conference talk", "measure": "Talk accepted and given",
        "target_date": "2027-05-31"})
    assert r.status_code == 201, r.text
    return maya_link, ana_link, sid, pair


def enter(browser: Any, server: LiveServer, link: str, sid: str,
          violations: list[str]) -> Any:
    """A fresh browser signs in from its link, opens /join/{sid} and joins the room."""
    page = browser.new_context().new_page()
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    page.goto(link)
    page.goto(f"{server.base_url}/join/{sid}")
    page.wait_for_selector("#prejoin-form", state="visible", timeout=DEADLINE_MS)
    page.click("#join-button")
    page.wait_for_function(
        "() => window.mentorRooms && window.mentorRooms.state().phase === 'joined'",
        timeout=DEADLINE_MS)
    page.wait_for_selector("#goals-panel .goal-item", state="visible", timeout=DEADLINE_MS)
    return page


def test_the_mentees_goal_update_shows_on_the_mentors_pane_at_once(
        browser: Any, live_server: LiveServer) -> None:
    maya_link, ana_link, sid, pair = program(live_server)
    violations: list[str] = []
    mentor = enter(browser, live_server, maya_link, sid, violations)
    mentee = enter(browser, live_server, ana_link, sid, violations)
    try:
        for page in (mentor, mentee):
            item = page.locator("#goals-list .goal-item")
            assert item.locator(".goal-title").inner_text() == "Give a conference talk"
            assert "Talk accepted and given" in item.inner_text()
            assert page.get_by_label("Status of Give a conference talk").input_value() == (
                "not_started")

        slider = mentee.get_by_label("Progress of Give a conference talk")
        slider.focus()
        for _ in range(7):
            slider.press("ArrowRight")
        assert mentee.inner_text("#goals-list .goal-percent") == "35%"
        mentee.get_by_label("Status of Give a conference talk").select_option("at_risk")

        mentor.wait_for_function(
            """() => {
              const item = document.querySelector('#goals-list .goal-item');
              return item && item.dataset.status === 'at_risk'
                && item.querySelector('.goal-percent').textContent === '35%';
            }""", timeout=DEADLINE_MS)
        assert mentor.get_by_label("Progress of Give a conference talk").input_value() == "35"
        mentor.wait_for_function(
            "() => document.getElementById('announcer').textContent.includes('Ana updated')",
            timeout=DEADLINE_MS)
        goals = mentor.evaluate("() => window.mentorRooms.board().goals")
        assert [(g["status"], g["progress"]) for g in goals] == [("at_risk", 35)]
        mentor.screenshot(path="tests/e2e/screenshots/goals_pane.png")

        stored = httpx.get(f"{live_server.base_url}/api/pairs/{pair}/goals",
                           headers=live_server.admin_headers).json()
        assert (stored[0]["status"], stored[0]["progress"]) == ("at_risk", 35)
        assert violations == []
    finally:
        mentor.context.close()
        mentee.context.close()
