"""Short invite links in Chromium: the create page shows and copies ``/j/{code}`` links,
a mentee joins through one, the mentor revokes one (after a confirmation), and a revoked
link, like a garbage token on the room page, shows "this invite link is not valid"
instead of the join screen. Pages run under the server's strict CSP."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.e2e.axe import assert_accessible

pytestmark = pytest.mark.browser
DEADLINE_MS = 30_000
SHORT = re.compile(r"/j/[A-Za-z0-9_-]{16}$")


def strict_page(browser: Any, violations: list[str]) -> Any:
    """A page in a fresh context; CSP complaints in its console land in ``violations``."""
    page = browser.new_context().new_page()
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    return page


def create_session(page: Any, server: LiveServer, title: str) -> None:
    """Creates a session on the create page with the admin credential."""
    page.goto(server.base_url)
    page.fill("#title", title)
    page.click("#create-button")
    page.wait_for_selector("#credential-form", state="visible")
    page.fill("#credential-input", server.admin_token)
    page.click("#credential-submit")
    page.wait_for_selector("#result-section", state="visible")


def create_invite(page: Any, role: str, name: str) -> Any:
    """Creates an invite link on the create page; returns its list item."""
    before = page.locator("#invite-list li").count()
    page.select_option("#invite-role", role)
    page.fill("#invite-name", name)
    page.click("#invite-button")
    item = page.locator("#invite-list li").nth(before)
    item.wait_for()
    return item


def test_a_mentee_joins_through_the_short_link_shown_on_the_create_page(
    browser: Any, live_server: LiveServer,
) -> None:
    violations: list[str] = []
    mentor = strict_page(browser, violations)
    mentee = strict_page(browser, violations)
    try:
        create_session(mentor, live_server, "Short link check-in")
        mentor_link = mentor.inner_text("#mentor-link")
        assert mentor_link.startswith(live_server.base_url) and SHORT.search(mentor_link)
        item = create_invite(mentor, "mentee", "Ana")
        short = item.locator(".invite-link").inner_text()
        assert short.startswith(live_server.base_url + "/j/") and SHORT.search(short)
        assert "token=" not in item.inner_text()  # the long JWT is not shown
        assert item.get_by_role("button", name="Copy the mentee link for Ana").is_visible()
        assert item.get_by_role("button", name="Revoke the mentee link for Ana").is_enabled()

        mentee.goto(short)
        mentee.wait_for_selector("#prejoin-form", state="visible", timeout=DEADLINE_MS)
        assert re.search(r"/s/[^/#]+#token=", mentee.url)  # led to the join page
        assert mentee.input_value("#display-name") == "Ana"
        assert mentee.locator("#invite-invalid").count() == 0
        mentee.click("#join-button")
        mentee.wait_for_function(
            "() => window.mentorRooms && window.mentorRooms.state().phase === 'joined'",
            timeout=DEADLINE_MS)
        assert violations == []
    finally:
        mentor.context.close()
        mentee.context.close()


def test_a_link_revoked_on_the_create_page_shows_the_invalid_invite_page(
    browser: Any, live_server: LiveServer,
) -> None:
    violations: list[str] = []
    mentor = strict_page(browser, violations)
    guest = strict_page(browser, violations)
    dialogs: list[str] = []
    try:
        create_session(mentor, live_server, "Revoking check-in")
        item = create_invite(mentor, "mentee", "Bo")
        kept = create_invite(mentor, "observer", "Obi")
        short = item.locator(".invite-link").inner_text()
        revoke = item.get_by_role("button", name="Revoke the mentee link for Bo")

        def answer(accept: bool) -> None:
            def on_dialog(dialog: Any) -> None:
                dialogs.append(dialog.message)
                if accept:
                    dialog.accept()
                else:
                    dialog.dismiss()

            mentor.once("dialog", on_dialog)

        # dismissing the confirmation keeps the link working
        answer(accept=False)
        revoke.click()
        assert item.get_attribute("data-state") == "active" and revoke.is_enabled()

        answer(accept=True)
        revoke.click()
        mentor.wait_for_selector("#invite-list li[data-state='revoked']")
        assert len(dialogs) == 2 and "mentee link for Bo" in dialogs[0]
        assert "Revoked" in item.inner_text()
        assert item.locator("button", has_text="Revoked").is_disabled()
        assert kept.get_attribute("data-state") == "active"
        mentor.reload()  # the page remembers it
        mentor.wait_for_selector("#invite-list li[data-state='revoked']")
        assert mentor.locator("#invite-list li[data-state='active']").count() == 1

        response = guest.goto(short)
        assert response is not None and response.status == 410
        guest.wait_for_selector("#invalid-invite", state="visible")
        text = guest.inner_text("#invalid-invite")
        assert "This invite link is not valid" in text and "Ask your mentor" in text
        assert guest.locator("#prejoin").count() == 0 and "Ready to join" not in (
            guest.content())
        assert_accessible(guest, "invalid invite page")
        kept_url = kept.locator(".invite-link").inner_text()
        assert guest.goto(kept_url) is not None
        guest.wait_for_selector("#prejoin-form", state="visible", timeout=DEADLINE_MS)
        assert violations == []
    finally:
        mentor.context.close()
        guest.context.close()


def test_a_garbage_token_on_the_room_page_shows_the_invalid_invite_state(
    browser: Any, live_server: LiveServer,
) -> None:
    violations: list[str] = []
    page = strict_page(browser, violations)
    try:
        sid, _ = live_server.create_session()
        page.goto(f"{live_server.base_url}/s/{sid}#token=garbage")
        page.wait_for_selector("#invite-invalid", state="visible", timeout=DEADLINE_MS)
        assert "This invite link is not valid" in page.inner_text("#invite-invalid")
        assert page.locator("#prejoin-form").is_hidden()
        assert page.locator("#display-name").is_hidden()
        page.wait_for_function(
            "() => window.mentorRooms && window.mentorRooms.state().phase === 'prejoin'")

        response = page.goto(f"{live_server.base_url}/j/garbage")
        assert response is not None and response.status == 404
        page.wait_for_selector("#invalid-invite", state="visible")
        assert violations == []
    finally:
        page.context.close()
