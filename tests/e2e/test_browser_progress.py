"""Feedback after leaving and the admin's progress page, in Chromium, on real data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import LiveServer, start_server
from tests.e2e.test_browser_rooms import open_room, wait_for_media

pytestmark = pytest.mark.browser
ADMIN = "admin-token-" + "x" * 20


@pytest.fixture
def admin_server() -> Iterator[LiveServer]:
    server = start_server({"MENTOR_ROOMS_ADMIN_TOKEN": ADMIN})
    yield server
    server.process.kill()


def test_feedback_after_a_session_shows_in_the_admin_charts(
    browser: Any, admin_server: LiveServer
) -> None:
    sid, mentor = admin_server.create_session("one_on_one")
    mentee = admin_server.invite(sid, mentor, "mentee", "Ana")["url"]
    pages = [
        open_room(browser, f"{admin_server.base_url}/s/{sid}#token={mentor}", "Maya"),
        open_room(browser, mentee, "Ana"),
    ]
    try:
        wait_for_media(pages, 1)
        ana = pages[1]
        ana.click("#leave-button")
        ana.click("#leave-confirm")  # the room asks first
        ana.wait_for_selector("#feedback-form", state="visible")
        ana.check("#feedback-form input[name='rating'][value='4']")
        ana.fill("#feedback-comment", "Clear next steps")
        ana.click("#feedback-send")
        ana.wait_for_function(
            "() => document.querySelector('#feedback-status').textContent.includes('Thank you')"
        )
        sheet = browser.new_context().new_page()  # the mentor's attendance view
        sheet.goto(f"{admin_server.base_url}/s/{sid}/attendance#token={mentor}")
        sheet.wait_for_selector("#attendance-table tbody tr")
        rows = {
            r.split("\t")[0]: r
            for r in sheet.locator("#attendance-table tbody tr").all_inner_texts()
        }
        assert set(rows) == {"Maya", "Ana"}
        assert "present" in rows["Maya"] and "\tleft\t" in rows["Ana"]
        sheet.context.close()
        admin = browser.new_context().new_page()
        admin.goto(f"{admin_server.base_url}/admin")
        admin.fill("#admin-token", ADMIN)
        admin.click("#admin-load")
        admin.wait_for_selector("#admin-report", state="visible")
        assert admin.locator("#chart-attendance rect.bar-attended").count() == 1
        assert admin.locator("#chart-pairs rect.bar-minutes").count() == 1
        label = admin.locator("#chart-pairs .bar-label").first.text_content() or ""
        assert "Maya" in label and "Ana" in label
        session = admin.locator("#chart-attendance .bar-label").first.text_content() or ""
        assert session.startswith("Weekly check-in · "), session  # named by its title
        row = admin.locator("#pairs-table tbody tr").first.inner_text()
        assert "Maya" in row and "Ana" in row and "4" in row
        totals = admin.locator("#admin-totals").inner_text()
        assert "1 of 1" in totals
        admin.fill("#admin-token", "wrong-token-" + "y" * 20)
        admin.click("#admin-load")
        admin.wait_for_selector("#admin-error", state="visible")
        admin.context.close()
    finally:
        for page in pages:
            page.context.close()
