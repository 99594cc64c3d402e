"""The relay with real aiortc peers on loopback: passthrough, rate, late join, loss."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from aiortc import RTCPeerConnection
from aiortc.rtcrtpsender import RTCRtpSender

from tests.media_harness import Harness, eventually

pytestmark = pytest.mark.media


async def test_one_publisher_two_subscribers_get_every_frame_byte_for_byte() -> None:
    h = Harness()
    try:
        video, _ = await h.add_publisher("PA_pub")
        subs = [h.add_subscriber("PA_a"), h.add_subscriber("PA_b")]
        for s in subs:
            await eventually(
                lambda s=s: (p := s.probe_for("PA_pub", "video")) is not None and p.frames > 0
            )
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
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from aiortc.codecs import opus, vpx

    calls: list[str] = []
    for cls, method in [
        (vpx.Vp8Encoder, "encode"),
        (opus.OpusEncoder, "encode"),
        (vpx.Vp8Decoder, "decode"),
        (opus.OpusDecoder, "decode"),
    ]:
        original = getattr(cls, method)

        def spy(
            self: object,
            *args: object,
            _o: object = original,
            _n: str = cls.__name__,
            **kwargs: object,
        ) -> object:
            calls.append(_n)
            return _o(self, *args, **kwargs)  # type: ignore[operator]

        monkeypatch.setattr(cls, method, spy)
    h = Harness()
    try:
        await h.add_publisher("PA_pub")
        h.add_subscriber("PA_a")
        await eventually(
            lambda: (
                (p := h.subscribers["PA_a"].probe_for("PA_pub", "video")) is not None
                and p.frames > 30
            )
        )
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
        bot.pc.on(
            "connectionstatechange",
            lambda: (
                connected.append(time.monotonic())
                if bot.pc.connectionState == "connected"
                else None
            ),
        )
        await eventually(lambda: bool(bot.pc.getReceivers()))
        video = next(r for r in bot.pc.getReceivers() if r.track.kind == "video")
        frame = await asyncio.wait_for(video.track.recv(), 10)
        decoded_at = time.monotonic()
        assert getattr(frame, "width", None) == 320
        assert connected, "never connected"
        assert decoded_at - connected[0] <= 0.5, f"{decoded_at - connected[0]:.3f} s"
    finally:
        await h.close()


async def test_a_lost_packet_is_a_gap_downstream_and_freezes_the_video_for_at_most_300_ms(
) -> None:
    """The relay forwards packets as they arrive: a packet lost upstream (with its
    retransmissions) is a gap the subscriber sees and counts, not hidden by
    renumbering; the subscriber's decoder decides what to do (a real browser asks
    for a keyframe, which the relay passes upstream). The freeze is counted in media
    time: the run of the publisher's frames that never reach the subscriber, times
    1/30 s (wall-clock gaps would also count a descheduled process on busy CI)."""
    h = Harness(gap_timeout=0.1)
    try:
        video, pc = await h.add_publisher("PA_pub", audio=False)
        sub = h.add_subscriber("PA_a")
        await eventually(
            lambda: (p := sub.probe_for("PA_pub", "video")) is not None and p.frames > 30
        )
        dropped = drop_packet(pc)
        await eventually(lambda: dropped["seq"] is not None)
        await asyncio.sleep(2.0)
        probe = sub.probe_for("PA_pub", "video")
        assert probe is not None
        received = set(probe.hashes)
        first = video.sent.index(probe.hashes[0])
        last = video.sent.index(probe.hashes[-1])
        longest = run = 0
        for digest in video.sent[first : last + 1]:
            run = 0 if digest in received else run + 1
            longest = max(longest, run)
        assert longest >= 1, "the lost packet's frame was forwarded"
        assert longest / video.fps <= 0.3, f"video froze for {longest} frames"
        receiver = next(r for r in sub.pc.getReceivers() if r.track.kind == "video")
        lost = sum(getattr(s, "packetsLost", 0) for s in (await receiver.getStats()).values()
                   if s.type == "inbound-rtp")
        assert lost >= 1, "the upstream gap was hidden from the subscriber"
    finally:
        await h.close()


def publisher_stats(h: Harness) -> dict[str, int]:
    return h.router.stats()["PA_pub"]["publishers"][0]  # type: ignore[index, no-any-return]


def drop_packet(pc: RTCPeerConnection) -> dict[str, int | None]:
    """Drops the next video packet and every retransmission from then on.

    Returns:
        A dict whose ``"seq"`` becomes the dropped sequence number.
    """
    sender: RTCRtpSender = next(s for s in pc.getSenders() if s.kind == "video")
    transport = sender.transport
    original = transport._send_rtp
    state: dict[str, int | None] = {"seq": None}

    async def lossy(data: bytes) -> None:
        from aiortc.rtp import RtpPacket, is_rtcp

        if not is_rtcp(data):
            packet = RtpPacket.parse(data)
            if state["seq"] is None and packet.ssrc == sender._ssrc:
                state["seq"] = packet.sequence_number
                return
            if packet.ssrc == sender._rtx_ssrc:
                return  # no retransmission rescues it
        await original(data)

    transport._send_rtp = lossy  # type: ignore[method-assign]
    return state


async def test_a_packet_lost_on_the_way_to_a_subscriber_is_retransmitted_by_the_relay() -> None:
    """The subscriber NACKs a packet it missed; the relay answers from its own
    history (as RTX), not by asking the publisher."""
    h = Harness()
    try:
        await h.add_publisher("PA_pub", audio=False)
        sub = h.add_subscriber("PA_a")
        await eventually(
            lambda: (p := sub.probe_for("PA_pub", "video")) is not None and p.frames > 30
        )
        receiver = next(r for r in sub.pc.getReceivers() if r.track.kind == "video")
        original = receiver._handle_rtp_packet
        dropped: list[int] = []
        media_ssrc: list[int] = []

        async def lossy(packet: Any, arrival_time_ms: int) -> None:
            if not media_ssrc:
                media_ssrc.append(packet.ssrc)
            if not dropped and packet.ssrc == media_ssrc[0] and packet.payload:
                dropped.append(packet.sequence_number)
                return
            await original(packet, arrival_time_ms)

        member = h.router._members["PA_a"]  # the relay side of the test
        sender = next(s.transceiver.sender for s in member.subscribe.slots
                      if s.subscriber.kind == "video")
        rtx_before = sender._RTCRtpSender__rtx_sequence_number  # type: ignore[attr-defined]
        receiver._handle_rtp_packet = lossy  # type: ignore[method-assign]
        await eventually(lambda: bool(dropped))
        await eventually(  # the relay sent a retransmission on its RTX stream
            lambda: sender._RTCRtpSender__rtx_sequence_number != rtx_before)  # type: ignore[attr-defined]
    finally:
        await h.close()
