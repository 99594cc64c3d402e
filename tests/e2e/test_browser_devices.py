"""Choosing devices in real browsers (fake cameras, microphones and speakers):
on the pre-join screen, in the call without rejoining, remembered per browser, and a
device that disappears mid-call is replaced by another, with a notice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.e2e.conftest import ARGS, CHROMIUM
from tests.e2e.test_browser_rooms import open_room, wait_for_media

pytestmark = pytest.mark.browser

# Chromium's second fake camera is a depth camera (Y16) that WebRTC cannot send; the
# third is an ordinary (MJPEG) one: the test switches between the first and the third.
THREE_OF_EACH = [a if a != "--use-fake-device-for-media-stream"
               else "--use-fake-device-for-media-stream=device-count=3" for a in ARGS]

THREE_CAMERAS = "() => document.querySelectorAll('#prejoin-camera option').length === 3"


@pytest.fixture(scope="module")
def three_device_browser(browser: Any) -> Iterator[Any]:
    other = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=THREE_OF_EACH)
    yield other
    other.close()


def options(page: Any, select: str) -> list[tuple[str, str]]:
    return [(o["value"], o["label"]) for o in page.eval_on_selector_all(
        f"{select} option", "os => os.map(o => ({value: o.value, label: o.textContent}))")]


def test_a_mentee_picks_a_camera_before_joining_switches_in_the_call_and_it_is_remembered(
    browser: Any, three_device_browser: Any, live_server: LiveServer
) -> None:
    sid, mentor = live_server.create_session("one_on_one")
    maya = open_room(browser, f"{live_server.base_url}/s/{sid}#token={mentor}", "Maya")
    context = three_device_browser.new_context()
    ana = context.new_page()
    try:
        ana.goto(live_server.invite(sid, mentor, "mentee", "Ana")["url"])
        ana.wait_for_function(THREE_CAMERAS)
        cameras = options(ana, "#prejoin-camera")
        assert [label for _, label in cameras] == [f"fake_device_{n}" for n in range(3)]
        del cameras[1]
        ana.select_option("#prejoin-camera", cameras[1][0])
        ana.wait_for_function(
            "id => document.getElementById('preview-video').srcObject"
            ".getVideoTracks()[0].getSettings().deviceId === id", arg=cameras[1][0])
        ana.fill("#display-name", "Ana")
        ana.click("#join-button")
        ana.wait_for_function("() => window.mentorRooms.state().phase === 'joined'")
        wait_for_media([maya, ana], 1)
        me = ana.evaluate("window.mentorRooms.state().self_id")
        assert ana.evaluate("window.mentorRooms.sentDevices()")["video"] == cameras[1][0]

        ana.click("#more-button")
        ana.click("#devices-button")
        assert ana.locator("#devices-dialog").is_visible()
        assert ana.input_value("#call-camera") == cameras[1][0]
        ana.wait_for_function("() => document.getElementById('call-mic-level-fill')"
                              ".style.transform !== 'scaleX(0)'")  # the level moves
        ana.select_option("#call-camera", cameras[0][0])
        ana.wait_for_function("id => window.mentorRooms.sentDevices().video === id",
                              arg=cameras[0][0])
        speakers = options(ana, "#call-speaker")
        ana.select_option("#call-speaker", speakers[-1][0])
        ana.wait_for_function(
            "id => Array.from(document.querySelectorAll('#tiles .tile video'))"
            ".every(v => v.sinkId === id)",
            arg=speakers[-1][0])
        ana.click("#devices-close")
        wait_for_media([maya, ana], 1)  # the mentor still sees her, on the other camera
        assert ana.evaluate("window.mentorRooms.state().self_id") == me  # no rejoin

        ana.evaluate("""() => { const v = document.querySelector('#self-tile video');
                         v.srcObject.getVideoTracks()[0].dispatchEvent(new Event('ended')); }""")
        ana.wait_for_function("() => window.mentorRooms.state().notice"
                              ".includes('camera was disconnected. Switched to')")
        wait_for_media([maya, ana], 1)

        ana.reload()  # remembered in this browser
        ana.wait_for_function(THREE_CAMERAS)
        assert ana.input_value("#prejoin-camera") == cameras[0][0]
    finally:
        context.close()
        maya.context.close()
