"""The impairment rig: a server on the host, a mentor bot in this process (a clean
link) and a mentee bot in a network namespace whose veth link gets impaired."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import pytest_asyncio

from load_tests.bot import Bot
from tests.conftest import ROOT, LiveServer, start_server
from tests.impairment.netns import HOST_ADDRESS, Link, namespace_link, unavailable_reason

REASON = unavailable_reason()


@dataclass
class RemoteBot:
    """A ``remote_bot`` process in the namespace and what it has reported so far."""

    process: subprocess.Popen[str]
    statuses: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    participant_id: str = ""

    def read(self) -> None:
        """Collects the process's JSON lines until it exits (runs in a thread)."""
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            line = json.loads(raw)
            if line["kind"] == "status":
                self.statuses.append(line)
            elif line["kind"] == "message":
                self.messages.append(line)
            else:
                self.participant_id = line["participant_id"]

    @property
    def last(self) -> dict[str, Any]:
        """The latest status (a neutral one before the first; never blocks)."""
        if not self.statuses:
            return {"t": 0.0, "audio": 0, "video": 0, "arrivals": [], "mode": "",
                    "reason": "", "receives_video": False, "sends_video": False, "quality": 0}
        return self.statuses[-1]

    def audio_arrivals(self, start: float, end: float) -> list[float]:
        """Arrival times (monotonic) of the audio frames received in [start, end]."""
        return [t for s in self.statuses for t in s["arrivals"] if start <= t <= end]


@dataclass
class Rig:
    """Everything one impairment test uses."""

    server: LiveServer
    link: Link
    mentor: Bot
    mentee: RemoteBot
    session_id: str


@pytest.fixture(scope="module")
def link() -> Iterator[Link]:
    if REASON is not None:
        pytest.skip(f"impairment tests skipped: {REASON}")
    with namespace_link() as made:
        yield made


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def rig(link: Link) -> AsyncIterator[Rig]:
    server = start_server({
        "MENTOR_ROOMS_HOST": "0.0.0.0",
        "MENTOR_ROOMS_MEDIA_HOST_ADDRESSES": json.dumps([HOST_ADDRESS]),
    })
    port = server.base_url.rsplit(":", 1)[1]
    session_id, mentor_token = server.create_session()
    mentee_token = server.invite(session_id, mentor_token, "mentee", "Remote")["token"]
    mentor = Bot(server.ws_url(session_id), mentor_token, name="Mentor", video_loop_frames=90)
    await mentor.join()
    process = subprocess.Popen(
        ["ip", "netns", "exec", link.ns, sys.executable, "-m", "tests.impairment.remote_bot",
         f"ws://{HOST_ADDRESS}:{port}/ws/sessions/{session_id}", mentee_token],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )
    mentee = RemoteBot(process)
    reader = threading.Thread(target=mentee.read, daemon=True)
    reader.start()
    try:
        yield Rig(server, link, mentor, mentee, session_id)
    finally:
        link.lift()
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        await mentor.close()
        server.process.terminate()
        server.process.wait(10)
