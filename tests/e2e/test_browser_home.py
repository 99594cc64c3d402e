"""The home page (/me) in Chromium, under the server's strict CSP: a mentee signs in from
their personal link and sees their upcoming sessions: Join is live for the session that
starts now, waits ("Opens 10 min before") for next week's, and turns live by itself when
a session's opening time comes; the progress charts are drawn with legends; nobody
signed in gets the sign-in hint."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer
from tests.e2e.axe import assert_accessible

pytestmark = pytest.mark.browser
DEADLINE_MS = 30_000


def add_person(server: LiveServer, name: str, role: str) -> tuple[str, str]:
    r = httpx.post(f"{server.base_url}/api/people", json={"name": name, "role": role},
                   headers=server.admin_headers)
    r.raise_for_status()
    return r.json()["person"]["person_id"], r.json()["signin_url"]


def add_session(server: LiveServer, pair_id: str, start: datetime) -> str:
    r = httpx.post(f"{server.base_url}/api/pairs/{pair_id}/sessions",
                   json={"start": start.isoformat(), "minutes": 60},
                   headers=server.admin_headers)
    r.raise_for_status()
    session_id: str = r.json()["session_id"]
    return session_id


def test_a_mentee_signs_in_and_joins_from_a_join_button_that_turns_live(
    browser: Any, live_server: LiveServer,
) -> None:
    mentor, _ = add_person(live_server, "Maya", "mentor")
    mentee, link = add_person(live_server, "Ana", "mentee")
    r = httpx.post(f"{live_server.base_url}/api/pairs",
                   json={"kind": "pair", "mentor_id": mentor, "mentee_ids": [mentee]},
                   headers=live_server.admin_headers)
    r.raise_for_status()
    pair_id = r.json()["pair_id"]
    now = datetime.now(UTC)
    live = add_session(live_server, pair_id, now + timedelta(minutes=1))
    soon = add_session(live_server, pair_id, now + timedelta(minutes=10, seconds=6))
    later = add_session(live_server, pair_id, now + timedelta(days=7))

    violations: list[str] = []
    page = browser.new_context().new_page()
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    try:
        page.goto(f"{live_server.base_url}/me")
        page.wait_for_selector("#me-signed-out", state="visible", timeout=DEADLINE_MS)
        assert "Open your personal sign-in link" in page.inner_text("#me-signed-out")
        assert page.locator("#me-error").is_hidden()

        page.goto(link)
        page.wait_for_selector("#me-upcoming li", timeout=DEADLINE_MS)
        assert page.url.endswith("/me")
        assert page.inner_text("#me-name") == "Ana"
        rows = page.locator("#me-upcoming li")
        assert rows.count() == 3
        now_join = page.locator(f'.join-button[data-session="{live}"]')
        assert now_join.inner_text() == "Join"
        assert now_join.get_attribute("href") == f"/join/{live}"
        later_join = page.locator(f'.join-button[data-session="{later}"]')
        assert later_join.inner_text() == "Opens 10 min before"
        assert later_join.get_attribute("aria-disabled") == "true"
        assert later_join.get_attribute("href") is None
        assert rows.nth(2).get_by_role("link", name="Add to calendar").get_attribute(
            "href") == f"/api/sessions/{later}/calendar.ics"
        page.wait_for_selector(f'.join-button[data-session="{soon}"][data-live="true"]',
                               timeout=DEADLINE_MS)  # by itself, no reload
        assert page.locator("#chart-sessions .chart-legend").count() == 1
        assert page.locator("#chart-months .chart-legend li").count() == 1
        assert page.locator("#me-messages details").count() == 1
        assert_accessible(page, "home page")

        now_join.click()
        page.wait_for_url(f"**/s/{live}**", timeout=DEADLINE_MS)
        assert violations == []
    finally:
        page.context.close()
