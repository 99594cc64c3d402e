"""In-process aiortc bots around a :class:`media.router.SessionRouter` (no signaling)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field

from aiortc import RTCBundlePolicy, RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from load_tests.bot_media import (
    AudioSource,
    ReceiveProbe,
    VideoSource,
    install_probe,
    route_keyframe_requests,
)
from media.events import MediaEvent, SubscribeOfferReady, TrackSlot
from media.relay import MediaRelay, RelayConfig
from media.router import SessionRouter


@dataclass
class BotSubscriber:
    """A bot's receive connection with a probe per transceiver mid."""

    participant_id: str
    pc: RTCPeerConnection = field(default_factory=lambda: RTCPeerConnection(
        RTCConfiguration(bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)))
    probes: dict[str, ReceiveProbe] = field(default_factory=dict)
    tracks: tuple[TrackSlot, ...] = ()
    decode: bool = False
    decoded_at: dict[str, float] = field(default_factory=dict)

    def probe_for(self, participant_id: str, kind: str) -> ReceiveProbe | None:
        for slot in self.tracks:
            if slot.participant_id == participant_id and slot.kind == kind:
                return self.probes.get(slot.mid)
        return None


class Harness:
    """Runs a router and answers its offers on behalf of bot subscribers."""

    def __init__(self, gap_timeout: float = 0.1, packets: bool = True) -> None:
        self.relay = MediaRelay(RelayConfig(host_addresses=("127.0.0.1",),
                                            gap_timeout=gap_timeout,
                                            packet_forwarding=packets))
        self.events: asyncio.Queue[MediaEvent] = asyncio.Queue()
        self.router: SessionRouter = self.relay.create_router(self.events.put_nowait)
        self.subscribers: dict[str, BotSubscriber] = {}
        self.publisher_pcs: list[RTCPeerConnection] = []
        self.flowing: list[tuple[str, str]] = []
        self._task = asyncio.create_task(self._answer_loop())

    async def _answer_loop(self) -> None:
        while True:
            event = await self.events.get()
            if isinstance(event, SubscribeOfferReady):
                bot = self.subscribers.get(event.participant_id)
                if bot is not None:
                    await self._answer(bot, event)
            elif hasattr(event, "kind"):
                self.flowing.append((event.participant_id, event.kind))

    async def _answer(self, bot: BotSubscriber, event: SubscribeOfferReady) -> None:
        await bot.pc.setRemoteDescription(RTCSessionDescription(event.sdp, "offer"))
        for transceiver in bot.pc.getTransceivers():
            mid = transceiver.mid
            if mid is not None and mid not in bot.probes and not bot.decode:
                bot.probes[mid] = install_probe(transceiver.receiver, transceiver.kind)
        await bot.pc.setLocalDescription(await bot.pc.createAnswer())
        bot.tracks = event.tracks
        await self.router.accept_subscribe_answer(
            bot.participant_id, event.revision, bot.pc.localDescription.sdp
        )

    async def add_publisher(self, participant_id: str, audio: bool = True,
                            video: VideoSource | None = None,
                            ) -> tuple[VideoSource, RTCPeerConnection]:
        self.router.add_participant(participant_id, publishes=True)
        pc = RTCPeerConnection()
        video = video or VideoSource()
        sender = pc.addTrack(video)
        route_keyframe_requests(sender, video)
        if audio:
            pc.addTrack(AudioSource())
        await pc.setLocalDescription(await pc.createOffer())
        answer = await self.router.publish(participant_id, pc.localDescription.sdp)
        await pc.setRemoteDescription(RTCSessionDescription(answer, "answer"))
        self.publisher_pcs.append(pc)
        return video, pc

    def add_subscriber(self, participant_id: str, decode: bool = False) -> BotSubscriber:
        bot = BotSubscriber(participant_id, decode=decode)
        self.subscribers[participant_id] = bot
        self.router.add_participant(participant_id, publishes=False)
        return bot

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await self.router.close()
        for pc in self.publisher_pcs:
            await pc.close()
        for bot in self.subscribers.values():
            await bot.pc.close()


async def eventually(check: object, timeout: float = 10.0) -> None:
    """Polls ``check()`` every 50 ms until true; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")
