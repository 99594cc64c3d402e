"""The admin live dashboard in Chromium: two bot participants show up with their
roles, media and bitrate, and "End session" disconnects them."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ROOT, LiveServer, start_server

pytestmark = pytest.mark.browser
ADMIN = "admin-live-" + "z" * 20


class BotProcess:
    """A ``remote_bot`` on loopback (its own process: aiortc next to sync Playwright)."""

    def __init__(self, ws_url: str, token: str, name: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.impairment.remote_bot", ws_url, token, name],
            cwd=ROOT, stdout=subprocess.PIPE, text=True)
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(json.loads(line))

    def wait_for(self, kind: str, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            if line["kind"] == kind:
                return line

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def server() -> Iterator[LiveServer]:
    live = start_server({"MENTOR_ROOMS_ADMIN_TOKEN": ADMIN})
    yield live
    live.process.kill()


def test_the_dashboard_shows_two_bots_and_end_session_disconnects_them(
    browser: Any, server: LiveServer,
) -> None:
    sid, mentor = server.create_session("circle", capacity=4, title="Career circle")
    mentee = server.invite(sid, mentor, "mentee", "Ana bot")["token"]
    bots = [BotProcess(server.ws_url(sid), mentor, "Maya bot"),
            BotProcess(server.ws_url(sid), mentee, "Ana bot")]
    page = browser.new_context().new_page()
    try:
        for bot in bots:
            bot.wait_for("joined", 30)
        page.goto(f"{server.base_url}/admin/live")
        page.fill("#live-token", "wrong-credential-" + "y" * 10)
        page.click("#live-login button[type=submit]")
        page.wait_for_selector("#live-error", state="visible")
        page.fill("#live-token", ADMIN)
        page.click("#live-login button[type=submit]")
        card = f"article.live-session[data-session-id='{sid}']"
        page.wait_for_function(
            f"() => document.querySelectorAll(\"{card} tr.live-participant\").length === 2")
        page.wait_for_selector("#live-board", state="visible")
        assert page.locator("#live-admin").inner_text() == "admin"
        assert page.locator(f"{card} .live-title").inner_text() == "Career circle"
        rows = {r.split("\t")[0]: r for r in
                page.locator(f"{card} tr.live-participant").all_inner_texts()}
        assert set(rows) == {"Maya bot", "Ana bot"}
        assert "mentor" in rows["Maya bot"].lower() and "mentee" in rows["Ana bot"].lower()
        assert all("\tvideo\t" in r for r in rows.values())
        # bitrates arrive with the next link samples, pushed without a reload
        page.wait_for_function(
            f"() => [...document.querySelectorAll(\"{card} .person-bitrate\")]"
            ".every(c => /b\\/s in/.test(c.textContent))", timeout=15_000)
        page.once("dialog", lambda dialog: dialog.accept())
        page.click(f"{card} .live-end")
        for bot in bots:
            closed = bot.wait_for("closed", 15)
            assert closed["reason"] == "session_ended"
        page.wait_for_selector(card, state="detached", timeout=10_000)
        page.wait_for_selector(f"#ended-table tr[data-session-id='{sid}']", timeout=10_000)
        page.wait_for_function(
            "() => document.querySelector('#admin-actions').textContent.includes('end session')")
        with page.context.expect_page() as opened:  # attendance, one click away
            page.click(f"#ended-table tr[data-session-id='{sid}'] button")
        sheet = opened.value
        sheet.wait_for_selector("#attendance-table tbody tr")
        assert sheet.locator("#attendance-table tbody tr").count() == 2
        assert ADMIN not in sheet.url  # the credential is never put into a URL
    finally:
        page.context.close()
        for bot in bots:
            bot.stop()


def test_a_removed_person_sees_why_and_an_admin_who_joins_is_listed_as_observer(
    browser: Any, server: LiveServer,
) -> None:
    from tests.e2e.test_browser_rooms import open_room

    sid, mentor = server.create_session("one_on_one", title="Weekly check-in")
    mentee_url = server.invite(sid, mentor, "mentee", "Ana")["url"]
    bot = BotProcess(server.ws_url(sid), mentor, "Maya bot")
    ana = open_room(browser, mentee_url, "Ana")
    dashboard = browser.new_context().new_page()
    try:
        bot.wait_for("joined", 30)
        dashboard.goto(f"{server.base_url}/admin/live")
        dashboard.fill("#live-token", ADMIN)
        dashboard.click("#live-login button[type=submit]")
        card = f"article.live-session[data-session-id='{sid}']"
        dashboard.wait_for_function(
            f"() => document.querySelectorAll(\"{card} tr.live-participant\").length === 2")
        with dashboard.context.expect_page() as opened:
            dashboard.click(f"{card} button:has-text('Join as observer')")
        observer = opened.value
        observer.wait_for_selector("#join-button", state="visible")
        observer.click("#join-button")
        ana.wait_for_function(
            "() => [...document.querySelectorAll('#participant-list li')]"
            ".some(li => li.textContent.includes('admin (admin)')"
            " && li.dataset.role === 'observer')", timeout=20_000)
        dashboard.once("dialog", lambda dialog: dialog.accept("Please use your own invite"))
        dashboard.click(f"{card} tr.live-participant:has-text('Ana') button:has-text('Remove')")
        ana.wait_for_selector("#left-heading", state="visible", timeout=15_000)
        assert "removed" in ana.locator("#left-heading").inner_text()
        assert "Please use your own invite" in ana.locator("#left-message").inner_text()
        assert ana.locator("#rejoin-button").is_hidden()
        dashboard.wait_for_function(
            f"() => document.querySelectorAll(\"{card} tr.live-participant[data-role=mentee]\")"
            ".length === 0")
        dashboard.wait_for_function(  # the log reloads once the action's reply is in
            "() => ['remove participant', 'join as observer'].every(a => "
            "document.querySelector('#admin-actions').textContent.includes(a))")
        observer.context.close()
    finally:
        dashboard.context.close()
        ana.context.close()
        bot.stop()
