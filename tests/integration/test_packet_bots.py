"""Packet-mode bots (the load generator's default): they publish pre-packetized RTP
through the real relay and count what arrives from RTP headers alone."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from load_tests.bot import Bot, SubscriptionCounters
from load_tests.packet_media import PacketProbe
from signaling import protocol
from tests.conftest import LiveServer, start_server

pytestmark = pytest.mark.media


@pytest.fixture(params=["frame path", "packet path"])
def server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    packets = "true" if request.param == "packet path" else "false"
    live = start_server({"MENTOR_ROOMS_PACKET_FORWARDING": packets})
    yield live
    live.stop()


async def one_on_one(server: LiveServer, loop_frames: int = 60) -> tuple[Bot, Bot]:
    sid, mentor_token = server.create_session("one_on_one")
    mentee_token = server.invite(sid, mentor_token, "mentee", "Ana")["token"]
    bots = [Bot(server.ws_url(sid), token, name, width=320, height=240, bitrate=300_000,
                video_loop_frames=loop_frames, padded=True, packet_mode=True,
                fingerprint=False)
            for token, name in ((mentor_token, "Maya"), (mentee_token, "Ana"))]
    for bot in bots:
        await bot.join()
    return bots[0], bots[1]


async def until(check: object, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(check) and check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


def by_kind(bot: Bot) -> dict[str, SubscriptionCounters]:
    return {s.kind: s for s in bot.subscriptions()}


async def test_packet_bots_receive_every_frame_through_the_relay(server: LiveServer) -> None:
    maya, ana = await one_on_one(server)
    try:
        await until(lambda: all(len(by_kind(b)) == 2 and by_kind(b)["video"].frames > 0
                                for b in (maya, ana)), 10)
        await asyncio.sleep(1.0)
        before = {b.name: by_kind(b) for b in (maya, ana)}
        started = time.monotonic()
        await asyncio.sleep(4.0)
        seconds = time.monotonic() - started
        for bot, other in ((maya, ana), (ana, maya)):
            now, then = by_kind(bot), before[bot.name]
            video_fps = (now["video"].frames - then["video"].frames) / seconds
            audio_rate = (now["audio"].frames - then["audio"].frames) / seconds
            assert 28.5 <= video_fps <= 31.5, (bot.name, video_fps)
            assert 47 <= audio_rate <= 53, (bot.name, audio_rate)
            assert now["video"].lost == 0 and now["audio"].lost == 0
            assert now["video"].participant_id == other.participant_id
            kbps = (now["video"].payload_bytes - then["video"].payload_bytes) * 8 / seconds
            assert 250_000 <= kbps <= 400_000, kbps  # padded to the 300 kbit/s asked
            packets, lost, payload, _jitter = bot.received_counts()
            assert packets > 0 and lost == 0 and payload > 0
            assert other.packet_video is not None and other.packet_video.frames_sent > 0
    finally:
        await maya.close()
        await ana.close()


async def test_a_keyframe_request_restarts_the_packet_senders_loop_at_its_keyframe(
    server: LiveServer,
) -> None:
    maya, ana = await one_on_one(server, loop_frames=600)  # 20 s: no keyframe of its own
    try:
        await until(lambda: "video" in by_kind(ana) and by_kind(ana)["video"].frames > 15, 10)
        sender, mid = maya.packet_video, by_kind(ana)["video"].mid
        probe = ana.probes[mid]
        assert sender is not None and isinstance(probe, PacketProbe)
        await asyncio.sleep(1.0)  # past the keyframes that start the stream
        requests, keyframes, seen = sender.keyframe_requests, sender.keyframes, probe.keyframes
        frames = probe.frames
        await ana.request_keyframe(mid)  # PLI -> relay -> one PLI upstream -> Maya's bot
        await until(lambda: probe.keyframes > seen, 3)
        assert sender.keyframe_requests == requests + 1
        assert sender.keyframes == keyframes + 1  # the loop restarted at its keyframe
        await asyncio.sleep(0.5)
        assert probe.keyframes == seen + 1 and probe.frames > frames and probe.lost == 0
    finally:
        await maya.close()
        await ana.close()


async def test_a_speaking_bot_becomes_the_active_speaker_for_everyone() -> None:
    """On the packet path, where the relay reads each audio packet's level (the older
    frame path does not)."""
    server = start_server({"MENTOR_ROOMS_PACKET_FORWARDING": "true"})
    bots: list[Bot] = []
    try:
        sid, mentor_token = server.create_session("circle", 6)
        tokens = [mentor_token] + [server.invite(sid, mentor_token, "mentee", n)["token"]
                                   for n in ("Ana", "Ben")]
        for token, name in zip(tokens, ("Maya", "Ana", "Ben"), strict=True):
            bots.append(Bot(server.ws_url(sid), token, name, audio_only=True, packet_mode=True,
                            fingerprint=False, speaking=name == "Ana"))
            await bots[-1].join()
        ana = bots[1].participant_id

        def heard(bot: Bot) -> bool:
            said = [m for m in bot.received if isinstance(m, protocol.Speakers)]
            return bool(said) and said[-1].active == ana and said[-1].speaking == [ana]

        await until(lambda: all(heard(b) for b in bots), 10)
    finally:
        for bot in bots:
            await bot.close()
        server.stop()
