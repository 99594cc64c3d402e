"""Who speaks, in real browsers: one page's microphone plays a steady voice-level
tone (Chromium's fake capture from a WAV file), the others' play silence. The relay
reads the audio levels the browsers send (RFC 6464; it decodes nothing), everyone's
page highlights the speaker, and in a circle the speaker is shown large. A packet bot
whose audio carries a voice level is a speaker too."""

from __future__ import annotations

import asyncio
import math
import struct
import threading
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from load_tests.bot import Bot
from tests.conftest import LiveServer
from tests.e2e.conftest import ARGS, CHROMIUM
from tests.e2e.test_browser_rooms import open_room

pytestmark = pytest.mark.browser
RATE = 48_000


def write_wav(path: Path, amplitude: float, seconds: float = 4.0) -> Path:
    """A mono 16-bit WAV of a 220 Hz tone (``amplitude`` 0: silence)."""
    samples = (int(amplitude * 32767 * math.sin(2 * math.pi * 220 * n / RATE))
               for n in range(int(RATE * seconds)))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return path


@pytest.fixture(scope="module")
def voices(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any]]:
    """A browser whose microphone speaks, and one whose microphone is silent."""
    folder = tmp_path_factory.mktemp("voices")
    launched = [browser.browser_type.launch(
        executable_path=CHROMIUM, headless=True,
        args=[*ARGS, f"--use-file-for-fake-audio-capture={write_wav(folder / name, level)}"])
        for name, level in (("voice.wav", 0.5), ("silence.wav", 0.0))]
    yield launched[0], launched[1]
    for instance in launched:
        instance.close()


def state(page: Any) -> dict[str, Any]:
    return dict(page.evaluate("window.mentorRooms.state()"))


def test_the_speaker_is_highlighted_and_shown_large_in_a_circle(
    voices: tuple[Any, Any], live_server: LiveServer
) -> None:
    speaking, silent = voices
    sid, mentor = live_server.create_session("circle", 6)
    maya = open_room(silent, f"{live_server.base_url}/s/{sid}#token={mentor}", "Maya")
    pages = [maya] + [open_room(silent, live_server.invite(sid, mentor, "mentee", n)["url"], n)
                      for n in ("Ben", "Cleo")]
    ana = open_room(speaking, live_server.invite(sid, mentor, "mentee", "Ana")["url"], "Ana")
    pages.append(ana)
    try:
        ana_id = state(ana)["self_id"]
        assert state(maya)["featured"] != ana_id  # the first to join, until someone speaks
        for page in pages[:3]:
            page.wait_for_function("id => window.mentorRooms.state().active_speaker === id",
                                   arg=ana_id, timeout=20_000)
            tile = page.locator(f"#tiles [data-participant-id='{ana_id}']")
            assert tile.get_attribute("data-speaking") is not None
            assert state(page)["speaking"] == [ana_id]
            assert state(page)["featured"] == ana_id  # the layout follows the speaker
        ana.wait_for_function("() => document.getElementById('self-tile')"
                              ".hasAttribute('data-speaking')")
        ben_id = state(pages[1])["self_id"]
        maya.click("#more-button")
        maya.click("#layout-button")  # grid view: nobody large
        assert state(maya)["featured"] is None
        maya.locator(f"#tiles [data-participant-id='{ben_id}'] .tile-pin").click()
        assert state(maya)["featured"] == ben_id  # a pin wins over the grid and the speaker
        ana.click("#toggle-mic")  # she mutes: nobody speaks, she stays the active speaker
        maya.wait_for_function("() => window.mentorRooms.state().speaking.length === 0",
                               timeout=10_000)
        assert state(maya)["active_speaker"] == ana_id
    finally:
        for page in pages:
            page.context.close()


def test_a_speaking_bot_is_highlighted_on_a_page(
    voices: tuple[Any, Any], live_server: LiveServer
) -> None:
    """A packet bot whose audio carries a voice level (and a silent one) next to a page
    that hears silence: the page outlines the bot's tile and makes it the speaker."""
    _, silent = voices
    sid, mentor = live_server.create_session("circle", 6)
    maya = open_room(silent, f"{live_server.base_url}/s/{sid}#token={mentor}", "Maya")
    bots = [Bot(live_server.ws_url(sid), live_server.invite(sid, mentor, "mentee", name)["token"],
                name, audio_only=True, packet_mode=True, fingerprint=False,
                speaking=name == "Ana")
            for name in ("Ana", "Ben")]
    stop = threading.Event()
    joined: list[str] = []

    async def run_bots() -> None:
        for bot in bots:
            await bot.join()
            joined.append(bot.participant_id)
        while not stop.is_set():
            await asyncio.sleep(0.1)
        for bot in bots:
            await bot.close()

    thread = threading.Thread(target=lambda: asyncio.run(run_bots()), daemon=True)
    thread.start()
    try:
        maya.wait_for_function("() => window.mentorRooms.state().tiles.length === 2",
                               timeout=20_000)
        ana_id = joined[0]
        maya.wait_for_function("id => window.mentorRooms.state().active_speaker === id",
                               arg=ana_id, timeout=20_000)
        tile = maya.locator(f"#tiles [data-participant-id='{ana_id}']")
        assert tile.get_attribute("data-speaking") is not None
        assert state(maya)["speaking"] == [ana_id]
    finally:
        stop.set()
        thread.join(timeout=15)
        maya.context.close()
