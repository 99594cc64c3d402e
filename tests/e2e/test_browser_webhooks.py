"""The admin webhooks page in Chromium: an admin signs in with the credential, registers a
receiver on loopback for one event, sees the signing secret once, sends a test delivery
and watches it arrive, signed, and show as delivered in the log. Under the strict CSP."""

from __future__ import annotations

import time
from typing import Any

import pytest

from signaling.program.webhook_signing import verify
from tests.conftest import LiveServer
from tests.e2e.axe import assert_accessible
from tests.integration.test_webhooks import Receiver

pytestmark = pytest.mark.browser
DEADLINE_MS = 30_000


def test_an_admin_registers_a_webhook_and_sees_its_test_delivery_in_the_log(
    browser: Any, live_server: LiveServer,
) -> None:
    receiver = Receiver()
    violations: list[str] = []
    page = browser.new_context().new_page()
    page.set_default_timeout(DEADLINE_MS)
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    try:
        page.goto(f"{live_server.base_url}/admin/webhooks")
        page.fill("#hooks-token", live_server.admin_token)
        page.click("#hooks-login button[type=submit]")
        page.wait_for_selector("#hooks-board", state="visible")
        page.fill("#hook-url", receiver.url + "/e2e")
        page.get_by_label("Feedback submitted").check()
        page.click("#hook-form button[type=submit]")
        page.wait_for_selector("#hook-secret-box", state="visible")
        secret = page.text_content("#hook-secret") or ""
        assert secret.startswith("whsec_")
        row = page.locator("#hooks-table tbody tr", has_text=receiver.url + "/e2e")
        assert "Feedback submitted" in (row.text_content() or "")
        assert_accessible(page, "webhooks page with a new secret")
        row.get_by_role("button", name="Send test to").click()
        [got] = receiver.wait(1, where=lambda r: r.path == "/e2e", timeout=15)
        assert got.json["event"] == "ping"
        assert verify(secret, got.headers, got.body, time.time())
        page.locator("#log-table tbody tr", has_text="delivered").first.wait_for()
        page.reload()  # the secret is not shown again; the credential is remembered
        page.wait_for_selector("#hooks-board", state="visible")
        assert page.is_hidden("#hook-secret-box")
        assert secret not in (page.content() or "")
        row = page.locator("#hooks-table tbody tr", has_text=receiver.url + "/e2e")
        page.once("dialog", lambda dialog: dialog.accept())
        row.get_by_role("button", name="Delete webhook").click()
        row.wait_for(state="detached")
        assert violations == []
    finally:
        page.context.close()
        receiver.close()
