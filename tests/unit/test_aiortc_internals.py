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
