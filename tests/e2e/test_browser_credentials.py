"""Creating a session in Chromium needs a credential: the create page asks for it once
(a wrong one is refused with a message), keeps it across reloads, and can forget it;
the admin page issues and revokes mentor credentials. Pages run under a strict CSP."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer, start_server

pytestmark = pytest.mark.browser


@pytest.fixture
def server() -> Iterator[LiveServer]:
    live = start_server()
    yield live
    live.process.kill()
    live.process.wait(10)


def strict_page(browser: Any, violations: list[str]) -> Any:
    """A page in a fresh context (the server's own Content-Security-Policy applies);
    CSP complaints in its console land in ``violations``."""
    page = browser.new_context().new_page()
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    return page


def create(page: Any, title: str) -> None:
    """Starts creating a session from the form (the credential prompt may follow)."""
    if page.locator("#result-section").is_visible():
        page.click("#new-session")
    page.fill("#title", title)
    page.click("#create-button")


def created(page: Any, title: str) -> None:
    page.wait_for_selector("#result-section", state="visible")
    page.wait_for_function(
        "t => document.querySelector('#result-summary').textContent.includes(t)", arg=title)
    assert page.locator("#credential-form").is_hidden()


def test_the_create_page_asks_for_a_credential_once_and_the_admin_page_issues_it(
    browser: Any, server: LiveServer,
) -> None:
    violations: list[str] = []
    admin = strict_page(browser, violations)
    mentor = strict_page(browser, violations)
    dialogs: list[str] = []
    try:
        # the admin issues a mentor credential: its secret is shown once, the list has it
        admin.goto(f"{server.base_url}/admin")
        admin.fill("#admin-token", server.admin_token)
        admin.click("#admin-load")
        admin.wait_for_selector("#mentor-credentials", state="visible")
        admin.fill("#mentor-issue-name", "Maya Ortiz")
        admin.click("#mentor-issue")
        admin.wait_for_selector("#mentor-secret-box", state="visible")
        secret = admin.locator("#mentor-secret").text_content() or ""
        assert secret.startswith("mrc_") and "not shown again" in admin.inner_text(
            "#mentor-secret-for")
        row = admin.locator("#mentor-table tbody tr", has_text="Maya Ortiz")
        row.wait_for()
        assert "Active" in row.inner_text() and secret not in row.inner_text()

        # the create page asks, refuses a wrong credential, accepts the right one
        mentor.goto(server.base_url)
        create(mentor, "Career check-in")
        mentor.wait_for_selector("#credential-form", state="visible")
        assert mentor.get_attribute("#credential-input", "type") == "password"
        assert mentor.locator("#credential-input").is_visible()  # labelled, focusable
        label = mentor.locator("label", has=mentor.locator("#credential-input")).inner_text()
        assert "credential" in label.lower()
        assert "Ask your program admin for a mentor credential; admins can paste theirs" in (
            mentor.inner_text("#credential-help"))
        mentor.fill("#credential-input", "mrc_this-is-not-a-real-credential")
        mentor.click("#credential-submit")
        mentor.wait_for_selector("#credential-error", state="visible")
        assert "not accepted" in mentor.inner_text("#credential-error")
        assert mentor.locator("#result-section").is_hidden()
        mentor.fill("#credential-input", secret)
        mentor.click("#credential-submit")
        created(mentor, "Career check-in")

        # a reload does not ask again
        mentor.reload()
        mentor.wait_for_selector("#result-section", state="visible")
        create(mentor, "Second check-in")
        created(mentor, "Second check-in")
        assert mentor.locator("#forget-credential").is_visible()

        # revoked by the admin: the page asks again and says why; an admin's works too
        def confirm(dialog: Any) -> None:
            dialogs.append(dialog.message)
            dialog.accept()

        admin.on("dialog", confirm)
        row.get_by_role("button", name="Revoke Maya Ortiz's credential").click()
        admin.wait_for_selector("#mentor-table tbody tr[data-state='revoked']")
        assert "Revoked" in row.inner_text() and dialogs
        create(mentor, "Third check-in")
        mentor.wait_for_selector("#credential-error", state="visible")
        assert "revoked" in mentor.inner_text("#credential-error")
        mentor.fill("#credential-input", server.admin_token)
        mentor.click("#credential-submit")
        created(mentor, "Third check-in")

        # forgotten: the next creation asks again (without an error); cancel stops it
        mentor.click("#forget-credential")
        assert mentor.evaluate(
            "localStorage.getItem('mentor-rooms:create-credential')") is None
        assert "forgotten" in mentor.inner_text("#credential-status")
        create(mentor, "Fourth check-in")
        mentor.wait_for_selector("#credential-form", state="visible")
        assert mentor.locator("#credential-error").is_hidden()
        mentor.click("#credential-cancel")
        mentor.wait_for_selector("#credential-form", state="hidden")
        assert mentor.locator("#create-button").is_enabled()
        assert violations == []
        # the policy is really on: an inline script is refused and reported
        mentor.evaluate("""() => { const s = document.createElement('script');
            s.textContent = 'window.inlineRan = true'; document.body.append(s); }""")
        assert mentor.evaluate("window.inlineRan === undefined")
        deadline = time.monotonic() + 5
        while not violations and time.monotonic() < deadline:
            mentor.wait_for_timeout(50)
        assert violations and "script-src" in violations[0]
    finally:
        admin.context.close()
        mentor.context.close()


def test_a_mentor_signed_in_from_their_link_creates_a_session_without_a_credential(
    browser: Any, server: LiveServer
) -> None:
    violations: list[str] = []
    r = httpx.post(f"{server.base_url}/api/people", headers=server.admin_headers,
                   json={"name": "Maya Ortiz", "role": "mentor"})
    assert r.status_code == 201, r.text
    maya, link = r.json()["person"]["person_id"], r.json()["signin_url"]
    page = strict_page(browser, violations)
    try:
        page.goto(link)
        page.wait_for_selector("#me-content", state="visible")
        page.goto(f"{server.base_url}/")
        create(page, "Signed-in check-in")
        created(page, "Signed-in check-in")  # never asked for a credential
        short = page.inner_text("#mentor-link")  # /j/<code> -> /s/<id>#token=<jwt>
        answer = httpx.get(short, follow_redirects=False)
        token = answer.headers["location"].split("#token=")[1]
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        assert claims["sub"] == maya  # the mentor invite carries her person id
        assert page.locator("#forget-credential").is_hidden()
        assert violations == []
    finally:
        page.context.close()
