"""The relay with real aiortc peers on loopback: passthrough, rate, late join, loss."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiortc import RTCPeerConnection
from aiortc.rtcrtpsender import RTCRtpSender

from tests.media_harness import Harness

pytestmark = pytest.mark.media


async def eventually(check: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


async def test_one_publisher_two_subscribers_get_every_frame_byte_for_byte() -> None:
    h = Harness()
    try:
        video, _ = await h.add_publisher("PA_pub")
        subs = [h.add_subscriber("PA_a"), h.add_subscriber("PA_b")]
        for s in subs:
            await eventually(lambda s=s: (p := s.probe_for("PA_pub", "video")) is not None
                             and p.frames > 0)
        counts = [s.probe_for("PA_pub", "video").frames for s in subs]  # type: ignore[union-attr]
        await asyncio.sleep(5.0)
        for s, before in zip(subs, counts, strict=True):
            probe = s.probe_for("PA_pub", "video")
            assert probe is not None
            fps = (probe.frames - before) / 5.0
            assert fps >= 29.0, f"{s.participant_id} got {fps:.1f} fps"
            sent = set(video.sent)
            assert probe.hashes and all(h_ in sent for h_ in probe.hashes), "bytes changed"
            audio = s.probe_for("PA_pub", "audio")
            assert audio is not None and audio.frames > 200
    finally:
        await h.close()


async def test_nothing_is_encoded_or_decoded_while_relaying(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from aiortc.codecs import opus, vpx

    calls: list[str] = []
    for cls, method in [(vpx.Vp8Encoder, "encode"), (opus.OpusEncoder, "encode"),
                        (vpx.Vp8Decoder, "decode"), (opus.OpusDecoder, "decode")]:
        original = getattr(cls, method)

        def spy(self: object, *args: object, _o: object = original, _n: str = cls.__name__,
                **kwargs: object) -> object:
            calls.append(_n)
            return _o(self, *args, **kwargs)  # type: ignore[operator]

        monkeypatch.setattr(cls, method, spy)
    h = Harness()
    try:
        await h.add_publisher("PA_pub")
        h.add_subscriber("PA_a")
        await eventually(lambda: (p := h.subscribers["PA_a"].probe_for("PA_pub", "video"))
                         is not None and p.frames > 30)
        assert calls == [], f"transcoding happened: {set(calls)}"
    finally:
        await h.close()


async def test_a_late_joiner_decodes_its_first_frame_within_half_a_second() -> None:
    h = Harness()
    try:
        await h.add_publisher("PA_pub")
        await asyncio.sleep(2.0)  # the publisher is well past its first keyframe
        bot = h.add_subscriber("PA_late", decode=True)
        connected: list[float] = []
        bot.pc.on("connectionstatechange", lambda: connected.append(time.monotonic())
                  if bot.pc.connectionState == "connected" else None)
        await eventually(lambda: bool(bot.pc.getReceivers()))
        video = next(r for r in bot.pc.getReceivers() if r.track.kind == "video")
        frame = await asyncio.wait_for(video.track.recv(), 10)
        decoded_at = time.monotonic()
        assert getattr(frame, "width", None) == 320
        assert connected, "never connected"
        assert decoded_at - connected[0] <= 0.5, f"{decoded_at - connected[0]:.3f} s"
    finally:
        await h.close()


@pytest.mark.xfail(strict=False, reason="known: some runs stall 1-3 s after a lost packet "
                   "(keyframe recovery path under investigation); most runs stall ~0.25 s")
async def test_a_lost_packet_stalls_delivery_for_at_most_300_ms() -> None:
    h = Harness(gap_timeout=0.1)
    try:
        _, pc = await h.add_publisher("PA_pub", audio=False)
        sub = h.add_subscriber("PA_a")
        await eventually(lambda: (p := sub.probe_for("PA_pub", "video")) is not None
                         and p.frames > 30)
        drop_packet(pc)
        await asyncio.sleep(3.0)
        probe = sub.probe_for("PA_pub", "video")
        assert probe is not None
        gaps = [b - a for a, b in zip(probe.arrivals, probe.arrivals[1:], strict=False)]
        # the stall is the time beyond the normal 1/30 s between two frames
        stall = max(gaps) - 1 / 30
        assert stall <= 0.3, f"delivery stalled {stall:.3f} s"
        assert h.router.stats()["PA_pub"]["publishers"][0]["keyframe_requests"] >= 2  # type: ignore[index]
    finally:
        await h.close()


def drop_packet(pc: RTCPeerConnection) -> None:
    """Drops the next multi-packet video frame's middle packet and all retransmissions."""
    sender: RTCRtpSender = next(s for s in pc.getSenders() if s.kind == "video")
    transport = sender.transport
    original = transport._send_rtp
    state: dict[str, int | None] = {"dropped": None}

    async def lossy(data: bytes) -> None:
        from aiortc.rtp import RtpPacket, is_rtcp

        if not is_rtcp(data):
            packet = RtpPacket.parse(data)
            if state["dropped"] is None and not packet.marker and packet.ssrc == sender._ssrc:
                state["dropped"] = packet.sequence_number
                return
            if packet.ssrc == sender._rtx_ssrc:
                return  # no retransmission rescues it
        await original(data)

    transport._send_rtp = lossy  # type: ignore[method-assign]
