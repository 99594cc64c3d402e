"""Fails when the aiortc internals the relay relies on change."""

from __future__ import annotations

import asyncio
import types
from typing import Any

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


async def test_a_real_sender_runs_our_packet_sink_and_answers_nacks_from_it() -> None:
    """install_packet_sender on a real sender: packets are serialized with the negotiated
    extensions, protected and handed to the nominated ICE pair's socket; they feed the
    sender report counters, and a NACK is answered from the sink's history (RTX)."""
    import inspect

    from aiortc import rtcrtpsender
    from aiortc.rtcdtlstransport import State

    from media.rtp_in import RtpIn

    source = inspect.getsource(rtcrtpsender.RTCRtpSender)
    assert "self._run_rtp(parameters.codecs[0])" in source  # looked up on the instance
    assert "await self._retransmit(seq)" in source
    pc = RTCPeerConnection()
    try:
        sender = pc.addTransceiver("video", direction="sendonly").sender
        sent: list[tuple[bytes, tuple[str, int]]] = []

        class Socket:
            def sendto(self, data: bytes, addr: tuple[str, int]) -> None:
                sent.append((data, addr))

        class Srtp:
            def protect(self, data: bytes) -> bytes:
                return data

        pair = types.SimpleNamespace(protocol=types.SimpleNamespace(transport=Socket()),
                                     remote_addr=("10.0.0.2", 5000))
        dtls = sender.transport
        for obj, name in ((dtls, "_state"), (dtls, "_tx_srtp"),
                          (dtls.transport._connection, "_nominated")):
            assert hasattr(obj, name), name  # what the sink reads on a real connection
        assert "self.transport.sendto(data, addr)" in inspect.getsource(
            aioice.ice.StunProtocol.send_data)  # the sink calls the socket as this does
        dtls._state = State.CONNECTED
        dtls._tx_srtp = Srtp()  # type: ignore[assignment]
        dtls.transport._connection._nominated[1] = pair  # type: ignore[assignment]
        sender._RTCRtpSender__mid = "3"  # type: ignore[attr-defined]
        sender._RTCRtpSender__rtp_header_extensions_map.configure(  # type: ignore[attr-defined]
            aiortc.RTCRtpParameters(headerExtensions=[
                aiortc.RTCRtpHeaderExtensionParameters(
                    id=1, uri="urn:ietf:params:rtp-hdrext:sdes:mid"),
                aiortc.RTCRtpHeaderExtensionParameters(
                    id=2, uri="http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time")]))
        sender._RTCRtpSender__rtx_payload_type = 97  # type: ignore[attr-defined]
        sinks: list[Any] = []
        stop = asyncio.Event()

        async def start_sending(send: Any) -> None:
            sinks.append(send)
            await stop.wait()

        aiortc_internals.install_packet_sender(sender, start_sending)
        loop = asyncio.create_task(sender._run_rtp(aiortc.RTCRtpCodecParameters(
            mimeType="video/VP8", clockRate=90_000, payloadType=96)))
        await asyncio.sleep(0)
        send = sinks[0]
        send(7, 9000, RtpIn(1, 1, True, b"\x10\x00key", None, True, 5 << 32, b"\x01\x02\x03"))
        send(9, 12000, RtpIn(3, 4, True, b"\x10x", None, False, 6 << 32, b"\x01\x02\x04"))
        extensions = sender._RTCRtpSender__rtp_header_extensions_map  # type: ignore[attr-defined]
        parsed = [aiortc.rtp.RtpPacket.parse(d, extensions) for d, _ in sent]
        assert [(p.sequence_number, p.timestamp, p.payload_type) for p in parsed] == [
            (7, 9000, 96), (9, 12000, 96)]
        assert parsed[0].extensions.mid == "3"
        assert parsed[1].extensions.abs_send_time == 0x010204
        assert parsed[0].ssrc == sender._ssrc and parsed[0].payload == b"\x10\x00key"
        assert sender._RTCRtpSender__packet_count == 2  # type: ignore[attr-defined]
        assert sender._RTCRtpSender__rtp_timestamp == 12000  # type: ignore[attr-defined]
        assert sender._RTCRtpSender__ntp_timestamp == 6 << 32  # type: ignore[attr-defined]
        await sender._retransmit(7)
        await sender._retransmit(8)  # never sent: nothing
        assert len(sent) == 3
        rtx = aiortc.rtp.RtpPacket.parse(sent[2][0], extensions)
        assert (rtx.payload_type, rtx.ssrc, rtx.timestamp) == (97, sender._rtx_ssrc, 9000)
        assert rtx.payload == b"\x00\x07" + b"\x10\x00key" and rtx.extensions.mid == "3"
        stop.set()
        await asyncio.wait_for(loop, 1)
    finally:
        await pc.close()


def test_received_srtp_can_skip_aioices_queue_as_the_dtls_transport_would_handle_it() -> None:
    """install_direct_receive does in the socket's callback what these do in tasks."""
    import inspect

    from aiortc.rtcdtlstransport import RTCDtlsTransport

    recv_next = inspect.getsource(RTCDtlsTransport._recv_next)
    for step in ("self._rx_srtp.unprotect_rtcp(data)", "await self._handle_rtcp_data(data)",
                 "self._rx_srtp.unprotect(data)",
                 "await self._handle_rtp_data(data, arrival_time_ms=arrival_time_ms)"):
        assert step in recv_next, step
    assert "self.receiver.data_received(data, self.local_candidate.component)" in (
        inspect.getsource(aioice.ice.StunProtocol.datagram_received))
    assert "self._queue.put_nowait((data, component))" in inspect.getsource(
        aioice.ice.Connection.data_received)


async def test_a_handler_that_waits_is_finished_by_a_task_and_one_that_fails_is_logged() -> None:
    steps: list[str] = []

    async def quick() -> None:
        steps.append("quick")

    async def waits() -> None:
        steps.append("before")
        await asyncio.sleep(0.01)
        steps.append("after")

    async def fails() -> None:
        raise ValueError("bad packet")

    aiortc_internals.run_now(quick())
    aiortc_internals.run_now(waits())
    aiortc_internals.run_now(fails())  # logged, not raised
    assert steps == ["quick", "before"]  # ran in the caller's own call up to the wait
    await asyncio.sleep(0.05)
    assert steps == ["quick", "before", "after"]
