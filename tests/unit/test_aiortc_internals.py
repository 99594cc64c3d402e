"""Fails when the aiortc internals the relay relies on change."""

from __future__ import annotations

import aioice.ice
import aiortc
import av
from aiortc import RTCPeerConnection

from media import aiortc_internals
from media.aiortc_internals import PassthroughBuffer


def test_pinned_versions_are_the_ones_installed() -> None:
    assert aiortc.__version__ == "1.16.0"
    assert av.__version__ == "18.1.0"


def test_every_internal_the_relay_uses_exists() -> None:
    assert aiortc_internals.check_internals() == []


async def test_the_jitter_buffer_of_a_real_receiver_can_be_replaced() -> None:
    pc = RTCPeerConnection()
    try:
        receiver = pc.addTransceiver("video", direction="recvonly").receiver
        frames: list[object] = []
        buffer = PassthroughBuffer("video")
        buffer.on_frame = frames.append
        aiortc_internals.install_passthrough(receiver, buffer)
        name = "_RTCRtpReceiver__jitter_buffer"
        assert getattr(receiver, name) is buffer
        assert hasattr(receiver, "_RTCRtpReceiver__remote_streams")
        assert hasattr(receiver, "_RTCRtpReceiver__rtx_ssrc")
        assert aiortc_internals.receiver_streams(receiver, 90_000) == []
    finally:
        await pc.close()


def test_host_addresses_can_be_restricted_and_restored() -> None:
    aiortc_internals.restrict_host_addresses(["127.0.0.1"])
    assert aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=True) == ["127.0.0.1"]
    aiortc_internals.restrict_host_addresses(None)
    assert "127.0.0.1" not in aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=False)


async def test_a_real_sender_runs_our_packet_loop_and_keeps_its_history() -> None:
    """install_packet_sender's loop on a real sender: packets go to the transport as
    they are, land in the retransmission history, and feed the sender report counters."""
    import inspect

    from aiortc import rtcrtpsender

    from media.forwarder import RtpOut

    assert "self._run_rtp(parameters.codecs[0])" in inspect.getsource(
        rtcrtpsender.RTCRtpSender.send)  # looked up on the instance when sending starts
    pc = RTCPeerConnection()
    try:
        sender = pc.addTransceiver("video", direction="sendonly").sender
        sent: list[bytes] = []

        class Transport:
            async def _send_rtp(self, data: bytes) -> None:
                sent.append(data)

        queue = [RtpOut(7, 9000, True, b"\x10\x00key", None),
                 RtpOut(9, 12000, True, b"\x10x", None)]

        async def next_packet() -> RtpOut:
            if not queue:
                raise aiortc.mediastreams.MediaStreamError
            return queue.pop(0)

        aiortc_internals.install_packet_sender(sender, next_packet)
        sender._RTCRtpSender__transport = Transport()  # type: ignore[attr-defined]

        await sender._run_rtp(aiortc.RTCRtpCodecParameters(
            mimeType="video/VP8", clockRate=90_000, payloadType=96))
        assert [aiortc.rtp.RtpPacket.parse(d).sequence_number for d in sent] == [7, 9]
        history = sender._RTCRtpSender__rtp_history  # type: ignore[attr-defined]
        assert {p.sequence_number for p in history.values()} == {7, 9}
        assert sender._RTCRtpSender__packet_count == 2  # type: ignore[attr-defined]
        assert sender._RTCRtpSender__rtp_timestamp == 12000  # type: ignore[attr-defined]
    finally:
        await pc.close()
