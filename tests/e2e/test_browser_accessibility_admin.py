"""The attendance page, the admin progress page and the live dashboard in Chromium at a
laptop (1280x800) and a phone (390x844) size, with data in every table: axe-core finds
no serious or critical violation, tables stay inside their cards, durations read
"1 h 05 min" / "12 min" / "45 s", the media-mode timeline has its legend, charts name
sessions by title, the audit log shows titles, and "End session" shows "Ending…".

Screenshots of every page at both sizes go to ``$MENTOR_ROOMS_SCREENSHOTS`` (default
``tests/e2e/screenshots/``, git-ignored) for a reviewer to look at.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from signaling.protocol import PROTOCOL_VERSION
from tests.conftest import ROOT, LiveServer, start_server
from tests.e2e.axe import assert_accessible

pytestmark = pytest.mark.browser
ADMIN = "admin-a11y-" + "q" * 20
SIZES = [pytest.param((1280, 800), id="1280x800"), pytest.param((390, 844), id="390x844")]
SCREENSHOTS = Path(os.environ.get("MENTOR_ROOMS_SCREENSHOTS") or ROOT / "tests/e2e/screenshots")
DURATION = r"^(\d+ s|\d+ min|\d+ h \d\d min|–)$"
"""What every duration cell reads."""

TABLES_INSIDE_CARDS = """() => [...document.querySelectorAll('table')]
  .filter(t => t.offsetParent !== null)
  .map(t => {
    const card = t.closest('.card');
    const box = t.closest('.table-scroll') ?? t;
    const c = card.getBoundingClientRect(), b = box.getBoundingClientRect();
    const overflowX = getComputedStyle(box).overflowX;
    return {id: t.id || t.className, inside: b.left >= c.left - 0.5 && b.right <= c.right + 0.5,
            fits: t.scrollWidth <= box.clientWidth + 0.5,
            scrolls: box !== t && (overflowX === 'auto' || overflowX === 'scroll')};
  })"""
"""Each visible table: whether its visible box lies inside its card, and whether it fits
or else scrolls inside its wrapper."""


WIDER_THAN_THE_PAGE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(e => !e.closest('.table-scroll') || e.matches('.table-scroll'))
  .slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id)"""
"""The first elements that stick out on the right (outside any scrolling table)."""


@dataclass
class Seeded:
    """Sessions with attendance: one ended (with mode changes), one live."""

    ended: str
    ended_mentor: str
    live: str
    live_mentor: str


def join(stack: ExitStack, server: LiveServer, sid: str, token: str,
         name: str) -> ClientConnection:
    """A signaling-only participant (no media), joined once this returns; its socket
    closes with ``stack``."""
    ws = stack.enter_context(connect(server.ws_url(sid), open_timeout=10))
    ws.send(json.dumps({"type": "join", "id": "j", "protocol_version": PROTOCOL_VERSION,
                        "token": token, "display_name": name}))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        message = json.loads(ws.recv(timeout=10))
        if message["type"] == "joined":
            return ws
        assert message["type"] != "error", message
    raise AssertionError(f"{name} did not join")


def choose(ws: ClientConnection, mode: str | None) -> None:
    ws.send(json.dumps({"type": "choose_media_mode", "mode": mode}))


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    live = start_server({"MENTOR_ROOMS_ADMIN_TOKEN": ADMIN})
    yield live
    live.stop()


@pytest.fixture(scope="module")
def seeded(server: LiveServer) -> Iterator[Seeded]:
    """"Weekly check-in": Maya and Ana, Ana going audio only, chat only and back, then
    both leave and an admin ends it. "Career circle": Maya and Ben, still in it."""
    ended, ended_mentor = server.create_session("one_on_one", title="Weekly check-in")
    ana = server.invite(ended, ended_mentor, "mentee", "Ana")["token"]
    with ExitStack() as stack:
        maya_ws = join(stack, server, ended, ended_mentor, "Maya Ortiz")
        ana_ws = join(stack, server, ended, ana, "Ana")
        for mode in ("audio_only", "chat_only", None):
            time.sleep(1.2)
            choose(ana_ws, mode)
        time.sleep(1.2)
        for ws in (ana_ws, maya_ws):
            ws.send(json.dumps({"type": "leave"}))
    time.sleep(0.5)
    r = httpx.post(f"{server.base_url}/api/admin/sessions/{ended}/end",
                   headers={"Authorization": f"Bearer {ADMIN}"})
    assert r.status_code == 200, r.text
    live, live_mentor = server.create_session("circle", capacity=4, title="Career circle")
    ben = server.invite(live, live_mentor, "mentee", "Ben")["token"]
    with ExitStack() as stack:
        join(stack, server, live, live_mentor, "Maya Ortiz")
        join(stack, server, live, ben, "Ben")
        yield Seeded(ended, ended_mentor, live, live_mentor)


@pytest.fixture
def page_at(browser: Any) -> Iterator[Any]:
    """Opens pages at a viewport size; closes their contexts afterwards."""
    contexts: list[Any] = []

    def open_page(size: tuple[int, int]) -> Any:
        context = browser.new_context(viewport={"width": size[0], "height": size[1]},
                                      locale="en-US")
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def check_layout(page: Any, context: str) -> None:
    """Every visible table lies inside its card and fits or scrolls inside its wrapper;
    the page itself does not scroll sideways."""
    tables = page.evaluate(TABLES_INSIDE_CARDS)
    assert tables, f"{context}: no table shown"
    for t in tables:
        assert t["inside"] and (t["fits"] or t["scrolls"]), f"{context}: {t}"
    sideways = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert sideways <= 1, f"{context}: the page scrolls sideways by {sideways}px: " + str(
        page.evaluate(WIDER_THAN_THE_PAGE))


def screenshot(page: Any, name: str, size: tuple[int, int]) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{size[0]}x{size[1]}.png"), full_page=True)


def admin_sign_in(page: Any, server: LiveServer, path: str, field_id: str) -> None:
    page.goto(f"{server.base_url}{path}")
    page.fill(f"#{field_id}", ADMIN)
    page.press(f"#{field_id}", "Enter")


@pytest.mark.parametrize("size", SIZES)
def test_the_attendance_page_shows_each_persons_mode_timeline_and_passes_axe(
    page_at: Any, server: LiveServer, seeded: Seeded, size: tuple[int, int],
) -> None:
    page = page_at(size)
    page.goto(f"{server.base_url}/s/{seeded.ended}/attendance#token={seeded.ended_mentor}")
    page.wait_for_function(
        "() => document.querySelectorAll('#mode-timeline .mode-bar').length === 2")
    context = f"attendance page {size[0]}x{size[1]}"
    assert_accessible(page, context)
    check_layout(page, context)
    legend = page.locator(".mode-legend li").all_inner_texts()
    assert legend == ["Video", "Low video", "Audio only", "Chat only", "Away"]
    ana = page.locator(".mode-person", has_text="Ana")
    modes = ana.locator(".mode-seg").evaluate_all("rects => rects.map(r => r.dataset.mode)")
    present = [m for m in modes if m != "away"]  # she joined after Maya and left first
    assert present == ["video", "audio_only", "chat_only", "video"], modes
    totals = ana.locator(".mode-totals").inner_text()
    assert re.search(r"Audio only \d s", totals) and re.search(r"Chat only \d s", totals), totals
    durations = page.locator("#attendance-table td.duration").all_inner_texts()
    assert durations and all(re.match(DURATION, d) for d in durations), durations
    summary = page.locator("#attendance-summary").inner_text()
    assert " s" in summary and "(min)" not in summary
    for cell in page.locator("#attendance-table td.when").all():  # a date stays on one line
        assert cell.evaluate("c => getComputedStyle(c).whiteSpace") == "nowrap"
    screenshot(page, "attendance", size)


@pytest.mark.parametrize("size", SIZES)
def test_the_admin_page_names_sessions_in_charts_with_legends_and_passes_axe(
    page_at: Any, server: LiveServer, seeded: Seeded, size: tuple[int, int],
) -> None:
    page = page_at(size)
    admin_sign_in(page, server, "/admin", "admin-token")
    page.wait_for_selector("#admin-report", state="visible")
    page.wait_for_selector("#mentor-table tbody tr, #mentor-empty:not([hidden])")
    context = f"admin page {size[0]}x{size[1]}"
    assert_accessible(page, context)
    check_layout(page, context)
    assert page.locator("#chart-attendance .chart-legend li").all_inner_texts() == [
        "Invited", "Attended"]
    assert page.locator("#chart-pairs .chart-legend li").all_inner_texts() == ["Time together"]
    labels = page.locator("#chart-attendance .bar-label").all_inner_texts()
    assert len(labels) == len(set(labels)) == 2, labels
    assert any(label.startswith("Weekly check-in · ") for label in labels), labels
    assert any(label.startswith("Career circle · ") for label in labels), labels
    together = page.locator("#chart-pairs .bar-value").all_inner_texts()
    assert together and all(re.match(DURATION, t) for t in together), together
    screenshot(page, "admin", size)


@pytest.mark.parametrize("size", SIZES)
def test_the_live_dashboard_lists_session_titles_in_its_audit_log_and_passes_axe(
    page_at: Any, server: LiveServer, seeded: Seeded, size: tuple[int, int],
) -> None:
    page = page_at(size)
    admin_sign_in(page, server, "/admin/live", "live-token")
    card = f"article.live-session[data-session-id='{seeded.live}']"
    page.wait_for_function(
        f"() => document.querySelectorAll(\"{card} tr.live-participant\").length === 2")
    page.wait_for_selector(f"#ended-table tr[data-session-id='{seeded.ended}']")
    page.wait_for_function(
        "() => document.querySelector('#admin-actions').textContent.includes('end session')")
    page.wait_for_function(  # the ticking "present" cells have their first value
        f"() => [...document.querySelectorAll(\"{card} .person-present\")]"
        ".every(c => c.textContent !== '')")
    context = f"live dashboard {size[0]}x{size[1]}"
    assert_accessible(page, context)
    check_layout(page, context)
    entry = page.locator(f"#admin-actions li[data-session-id='{seeded.ended}']").inner_text()
    assert "“Weekly check-in”" in entry and seeded.ended not in entry, entry
    length = page.locator(f"#ended-table tr[data-session-id='{seeded.ended}'] td").nth(3)
    assert re.match(DURATION, length.inner_text()), length.inner_text()
    screenshot(page, "live", size)


def test_end_session_reads_ending_until_the_server_answers_and_then_shows_its_error(
    page_at: Any, server: LiveServer, seeded: Seeded,
) -> None:
    page = page_at((1280, 800))
    held: list[Any] = []
    page.route(f"**/api/admin/sessions/{seeded.live}/end", lambda route: held.append(route))
    admin_sign_in(page, server, "/admin/live", "live-token")
    card = f"article.live-session[data-session-id='{seeded.live}']"
    page.wait_for_selector(f"{card} .live-end")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"{card} .live-end")
    page.wait_for_function(
        f"() => document.querySelector(\"{card} .live-end\").textContent === 'Ending…'")
    button = page.locator(f"{card} .live-end")
    assert button.is_disabled() and button.get_attribute("aria-busy") == "true"
    deadline = time.monotonic() + 10
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    held[0].fulfill(status=409, content_type="application/json",
                    body=json.dumps({"detail": "this session is busy"}))
    page.wait_for_selector("#live-action-error", state="visible")
    error = page.locator("#live-action-error").inner_text()
    assert error == 'Could not end "Career circle": this session is busy', error
    page.wait_for_function(
        f"() => document.querySelector(\"{card} .live-end\").textContent === 'End session'")
    assert page.locator(f"{card} .live-end").is_enabled()


def test_durations_read_in_hours_and_minutes_or_seconds_and_labels_never_repeat(
    page_at: Any, server: LiveServer,
) -> None:
    page = page_at((1280, 800))
    page.goto(f"{server.base_url}/admin")
    got = page.evaluate("""async () => {
      const {formatDuration} = await import('/static/durations.js');
      const {sessionLabels} = await import('/static/admin_charts.js');
      const day = new Date(2031, 11, 2, 14, 5).getTime() / 1000;
      return {
        durations: [0, 44.6, 59.4, 60, 89, 90, 720, 3599, 3600, 3900, 7199, 36000, null, -1, NaN]
          .map(formatDuration),
        labels: sessionLabels([{title: 'A', start: day}, {title: 'A', start: day},
                               {title: 'B', start: day + 3600}, {title: 'C', start: day + 86400}]),
      };
    }""")
    assert got["durations"] == [
        "0 s", "45 s", "59 s", "1 min", "1 min", "2 min", "12 min", "1 h 00 min", "1 h 00 min",
        "1 h 05 min", "2 h 00 min", "10 h 00 min", "–", "–", "–"]
    labels = got["labels"]
    assert len(set(labels)) == 4, labels
    # three on one day: day and time; two of them at the same minute: numbered
    assert labels[0].startswith("A · ") and labels[0].endswith(":05 PM (1)"), labels
    assert labels[1] == labels[0].replace("(1)", "(2)"), labels
    assert labels[2].startswith("B · ") and ":05" in labels[2], labels
    assert labels[3].startswith("C · ") and ":" not in labels[3], labels  # alone that day
