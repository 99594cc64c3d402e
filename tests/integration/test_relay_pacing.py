"""The relay forwards a keyframe a sender paces over the link as it arrives: no frame is
dropped for arriving slowly, and no keyframe is asked for because of it (issue 15).

A browser paces a large keyframe over a slow link (at 300 kbit/s a 30 KB keyframe takes
about 800 ms). The publisher here holds its next keyframe's packets and releases them
evenly spread over the given time, every packet after them waiting its turn (in order,
none lost), as a pacer does.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest
from aiortc import RTCPeerConnection
from aiortc.rtcrtpsender import RTCRtpSender
from aiortc.rtp import RtpPacket, is_rtcp

from load_tests.bot_media import VideoSource
from media.rtp_rewriter import vp8_keyframe_start
from tests.media_harness import Harness, eventually

pytestmark = pytest.mark.media


def keyframe_requests(h: Harness) -> int:
    """Keyframe requests the relay sent upstream for PA_pub's video so far."""
    return h.router.stats()["PA_pub"]["publishers"][0]["keyframe_requests"]  # type: ignore[index, no-any-return]


class KeyframePacer:
    """Spreads the publisher's next keyframe over ``seconds`` (see the module doc).

    Attributes:
        spread: Seconds from the keyframe's first packet sent to its last (once done).
        packets: How many packets the keyframe had.
    """

    def __init__(self, pc: RTCPeerConnection, seconds: float) -> None:
        sender: RTCRtpSender = next(s for s in pc.getSenders() if s.kind == "video")
        self._ssrc = sender._ssrc
        self._transport = sender.transport
        self._original = self._transport._send_rtp
        self._seconds = seconds
        self._held: list[bytes] | None = None
        self._keyframe = 0
        self._task: asyncio.Task[None] | None = None
        self.spread: float | None = None
        self.packets = 0
        self._transport._send_rtp = self._send  # type: ignore[method-assign]

    async def _send(self, data: bytes) -> None:
        if is_rtcp(data):
            await self._original(data)
            return
        packet = RtpPacket.parse(data)
        ours = packet.ssrc == self._ssrc
        if self._held is None:
            if not (ours and vp8_keyframe_start(packet.payload)):
                await self._original(data)
                return
            self._held = []
        self._held.append(data)
        if self._task is None and ours:
            self._keyframe += 1
            if packet.marker:  # the keyframe is all here: release it, paced
                self._task = asyncio.create_task(self._release(self._keyframe))

    async def _release(self, count: int) -> None:
        assert self._held is not None
        self.packets = count
        gap = self._seconds / max(1, count - 1)
        started = time.monotonic()
        for i in range(count):
            if i:
                await asyncio.sleep(gap)
            await self._original(self._held.pop(0))
        self.spread = time.monotonic() - started
        while self._held:  # the backlog, in order, then back to sending directly
            await self._original(self._held.pop(0))
        self._held = None
        self._transport._send_rtp = self._original  # type: ignore[method-assign]

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


@pytest.mark.parametrize("seconds", [0.3, 1.0])
async def test_a_keyframe_paced_over_the_link_is_delivered_and_asks_for_nothing(
    seconds: float,
) -> None:
    h = Harness()
    try:
        video, pc = await h.add_publisher(  # keyframes of several packets
            "PA_pub", audio=False, video=VideoSource(640, 480, bitrate=1_000_000))
        sub = h.add_subscriber("PA_a")
        await eventually(
            lambda: (p := sub.probe_for("PA_pub", "video")) is not None and p.frames > 30)
        await asyncio.sleep(1.0)  # past the join's keyframe request
        requests = keyframe_requests(h)
        pacer = KeyframePacer(pc, seconds)
        first = len(video.sent)
        video.request_keyframe()
        await eventually(lambda: pacer.spread is not None)
        await asyncio.sleep(1.0)
        last = len(video.sent) - 15  # frames sent well before now have had time to arrive
        probe = sub.probe_for("PA_pub", "video")
        assert probe is not None
        await pacer.close()
        assert pacer.packets >= 3 and pacer.spread is not None
        assert pacer.spread >= seconds * 0.9
        missing = [i for i in range(first, last) if video.sent[i] not in set(probe.hashes)]
        assert not missing, f"{len(missing)} of {last - first} frames lost to slow arrival"
        assert keyframe_requests(h) == requests, "a slow keyframe made the relay ask again"
    finally:
        await h.close()
