"""The create page and the invalid-invite page at a desktop and a phone size: axe-core
finds no serious or critical violation, nothing overflows sideways, and screenshots
go to ``$MENTOR_ROOMS_SCREENSHOTS`` (default ``tests/e2e/screenshots/``)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.e2e.axe import assert_accessible
from tests.e2e.test_browser_room_layout import DESKTOP, PHONE, screenshot
from tests.e2e.test_browser_short_links import create_invite, create_session

pytestmark = pytest.mark.browser


def no_sideways_scroll(page: Any, context: str) -> None:
    sideways = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert sideways <= 1, f"{context}: the page scrolls sideways by {sideways}px"


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_create_page_and_a_bad_invite_page_pass_axe_at_both_sizes(
    browser: Any, live_server: LiveServer, size: tuple[int, int]
) -> None:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    try:
        page.goto(live_server.base_url)
        page.wait_for_selector("#title")
        assert_accessible(page, f"create page, {size}")
        screenshot(page, "create", size)
        create_session(page, live_server, "Career check-in")
        item = create_invite(page, "mentee", "Ana")
        short = item.locator(".invite-link").inner_text()
        assert len(short) < 80  # a short link, not a 450-character JWT URL
        no_sideways_scroll(page, f"create page with invites, {size}")
        assert_accessible(page, f"create page with invites, {size}")
        screenshot(page, "create-invites", size)
        page.goto(f"{live_server.base_url}/j/not-a-real-code-x")
        page.wait_for_selector("h1, h2")
        assert "not valid" in page.inner_text("body")
        assert_accessible(page, f"invalid invite page, {size}")
        screenshot(page, "invalid-invite", size)
    finally:
        context.close()
