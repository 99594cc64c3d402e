"""The room page's layout at a desktop and a phone size: tiles fill the stage, our own
view and notices cover nothing, the controls stay reachable, tap targets are large
enough, and axe-core finds no serious or critical violation in any main state.
Screenshots of each state go to ``$MENTOR_ROOMS_SCREENSHOTS`` (default
``tests/e2e/screenshots/``) for a reviewer."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.e2e.axe import assert_accessible
from tests.e2e.test_browser_rooms import open_room

pytestmark = pytest.mark.browser

DESKTOP, PHONE = (1280, 800), (390, 844)
SCREENSHOTS = Path(os.environ.get("MENTOR_ROOMS_SCREENSHOTS")
                   or Path(__file__).resolve().parent / "screenshots")

BOXES = """() => {
  const box = (node) => { const r = node.getBoundingClientRect();
    return {x: r.left, y: r.top, r: r.right, b: r.bottom, w: r.width, h: r.height}; };
  const shown = (node) => node && !node.hidden && node.getClientRects().length > 0;
  const q = (s) => Array.from(document.querySelectorAll(s)).filter(shown);
  const one = (id) => shown(document.getElementById(id)) ? box(document.getElementById(id)) : null;
  return {
    tiles: q('#tiles .tile').map(box),
    self: one('self-tile'),
    stage: box(document.getElementById('stage')),
    notice: one('notice'),
    content: q('#tiles .tile, #self-tile, #timer-panel, #agenda-panel, .board-tabs').map(box),
    controls: box(document.querySelector('.controls')),
    targets: q('.controls button, .controls select, .board-tab, #chat-send').map(
      (n) => ({id: n.id || n.className, ...box(n)})),
    viewport: {w: innerWidth, h: innerHeight},
  };
}"""


def overlap(a: dict[str, float], b: dict[str, float]) -> float:
    """The area two boxes share."""
    return max(0.0, min(a["r"], b["r"]) - max(a["x"], b["x"])) * max(
        0.0, min(a["b"], b["b"]) - max(a["y"], b["y"]))


def screenshot(page: Any, name: str, size: tuple[int, int]) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"room-{name}-{size[0]}x{size[1]}.png"))


def at_size(browser: Any, url: str, name: str, size: tuple[int, int]) -> Any:
    page = open_room(browser, url, name)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    return page


def check_layout(page: Any, context: str, phone: bool) -> dict[str, Any]:
    boxes: dict[str, Any] = page.evaluate(BOXES)
    for tile in boxes["tiles"]:
        if boxes["self"] is not None:
            assert overlap(tile, boxes["self"]) < 1, f"{context}: our view covers a tile"
        assert tile["w"] > 0 and tile["r"] <= boxes["viewport"]["w"] + 1, f"{context}: {tile}"
    if boxes["notice"] is not None:
        for part in boxes["content"]:
            assert overlap(part, boxes["notice"]) < 1, f"{context}: the notice covers {part}"
    controls = boxes["controls"]
    view = boxes["viewport"]
    assert controls["r"] <= view["w"] + 1 and controls["b"] <= view["h"] + 1, context
    if phone:
        assert abs(controls["b"] - boxes["viewport"]["h"]) <= 1, f"{context}: controls not pinned"
        small = [t for t in boxes["targets"] if t["h"] < 44 or t["w"] < 44]
        assert not small, f"{context}: tap targets under 44 px: {small}"
        if boxes["self"] is not None and boxes["tiles"]:
            assert boxes["self"]["w"] < max(t["w"] for t in boxes["tiles"]) / 2, (
                f"{context}: our own view is as large as the others'")
    return boxes


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_circle_fits_the_stage_with_nothing_covered_and_passes_axe(
    browser: Any, live_server: LiveServer, size: tuple[int, int]
) -> None:
    phone = size == PHONE
    sid, mentor = live_server.create_session("circle", 6)
    maya = at_size(browser, f"{live_server.base_url}/s/{sid}#token={mentor}", "Maya", size)
    others = [open_room(browser, live_server.invite(sid, mentor, "mentee", n)["url"], n)
              for n in ("Ana", "Ben", "Cleo", "Dev")]
    try:
        maya.wait_for_function("() => window.mentorRooms.state().tiles.length === 4")
        others[0].click("#raise-hand")  # the mentor gets a notice
        maya.wait_for_function("() => window.mentorRooms.state().notice !== ''")
        boxes = check_layout(maya, f"circle of five at {size}", phone)
        assert len(boxes["tiles"]) == 4
        screenshot(maya, "circle", size)
        assert_accessible(maya, f"room in a circle of five, {size}")
        maya.click("#more-button")
        assert_accessible(maya, f"room's More menu, {size}")
        screenshot(maya, "more-menu", size)
        maya.keyboard.press("Escape")
        maya.click("#leave-button")
        screenshot(maya, "leave-dialog", size)
        assert_accessible(maya, f"leave dialog, {size}")
        maya.click("#leave-confirm")
        maya.wait_for_function("() => window.mentorRooms.state().phase === 'left'")
        screenshot(maya, "left", size)
        assert_accessible(maya, f"end screen, {size}")
    finally:
        for page in (maya, *others):
            page.context.close()


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_one_on_one_and_the_prejoin_screen_fit_and_pass_axe(
    browser: Any, live_server: LiveServer, size: tuple[int, int]
) -> None:
    phone = size == PHONE
    sid, mentor = live_server.create_session("one_on_one")
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    ana = None
    try:
        page.goto(f"{live_server.base_url}/s/{sid}#token={mentor}")
        page.wait_for_function("() => !document.getElementById('prejoin').hidden")
        screenshot(page, "prejoin", size)
        assert_accessible(page, f"pre-join, {size}")
        page.fill("#display-name", "Maya")
        page.click("#join-button")
        page.wait_for_function("() => window.mentorRooms.state().phase === 'joined'")
        ana = open_room(browser, live_server.invite(sid, mentor, "mentee", "Ana")["url"], "Ana")
        page.wait_for_function("() => window.mentorRooms.state().tiles.length === 1")
        boxes = check_layout(page, f"one-on-one at {size}", phone)
        assert boxes["self"] is not None and boxes["tiles"][0]["w"] > boxes["self"]["w"]
        screenshot(page, "one-on-one", size)
        assert_accessible(page, f"room in a one-on-one, {size}")
    finally:
        context.close()
        if ana is not None:
            ana.context.close()
