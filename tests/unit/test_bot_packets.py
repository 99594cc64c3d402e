"""Packet-mode bots: counting from RTP headers, the pre-packetized loops, and the
aiortc/aioice/pylibsrtp internals ``load_tests.bot_packets`` relies on."""

from __future__ import annotations

import os
import struct

import pylibsrtp
from aiortc import RTCPeerConnection, RTCRtpReceiver, RTCRtpSender
from aiortc.codecs.vpx import Vp8Encoder
from aiortc.rtp import RtcpPacket, RtcpRrPacket, RtpPacket

from load_tests import bot_packets
from load_tests.packet_media import PacketProbe, audio_loop, vp8_keyframe, vp8_payloads

EXTENSIONS = b"\xbe\xde\x00\x02\x12\x00\x00\x01\x31\x00\x00\x00"
"""A one-byte header extension block (abs-send-time, mid), as the relay sends them."""


def rtp(seq: int, marker: bool = False, payload: bytes = b"\x80\x80\x80\x01\x01",
        ts: int = 3000, pt: int = 96) -> bytes:
    header = struct.pack("!BBHII", 0x90, pt | (0x80 if marker else 0), seq & 0xFFFF, ts, 7)
    return header + EXTENSIONS + payload


def frame(seq: int, ts: int, packets: int = 3, key: bool = False) -> list[bytes]:
    """One VP8 frame: a start packet (S bit; P bit clear for a keyframe), then more."""
    start = b"\x90\x80\x80\x01" + (b"\x00" if key else b"\x01") + b"x" * 99
    rest = b"\x80\x80\x80\x01" + b"y" * 100
    return [rtp(seq + i, marker=i == packets - 1, payload=start if i == 0 else rest, ts=ts)
            for i in range(packets)]


def test_a_video_frame_counts_when_its_marker_arrives_after_all_its_packets() -> None:
    probe = PacketProbe("video", fingerprint=False)
    for n in range(4):
        for packet in frame(100 + 3 * n, 3000 * n, key=n == 0):
            probe.count(packet)
    assert (probe.frames, probe.packets, probe.lost, probe.keyframes) == (4, 12, 0, 1)
    assert probe.byte_count == 12 * 104 and probe.ssrc == 7 and len(probe.arrivals) == 4


def test_a_gap_is_loss_costs_its_frame_and_is_reported_for_a_nack() -> None:
    probe = PacketProbe("video", fingerprint=False)
    gaps: list[tuple[int, list[int]]] = []
    probe.on_gap = lambda ssrc, lost: gaps.append((ssrc, lost))
    first, second, third = frame(65534, 0), frame(1, 3000), frame(4, 6000)  # wraps
    for packet in first + [second[0], second[2]] + third:
        probe.count(packet)
    assert probe.frames == 2 and probe.lost == 1 and gaps == [(7, [2])]
    probe.count(second[1])  # late, not lost after all (RFC 3550), but no frame from it
    assert probe.frames == 2 and probe.lost == 0


def test_a_lost_start_packet_costs_the_frame_and_the_next_one_counts() -> None:
    probe = PacketProbe("video", fingerprint=False)
    one, two = frame(10, 0), frame(13, 3000)
    for packet in one[:2] + one[2:] + two[1:]:  # two's start packet is lost
        probe.count(packet)
    for packet in frame(16, 6000):
        probe.count(packet)
    assert probe.frames == 2 and probe.lost == 1


def test_retransmissions_count_as_packets_but_not_as_received_media() -> None:
    probe = PacketProbe("video", fingerprint=False)
    packets = frame(10, 0)
    probe.count(packets[0])
    probe.count(packets[2])
    probe.add(RtpPacket.parse(packets[1]))  # what aiortc hands over after unwrapping RTX
    assert probe.packets == 3 and probe.retransmissions == 1 and probe.lost == 1


def test_receiver_reports_carry_the_probes_loss_as_aiortc_reads_them() -> None:
    probe = PacketProbe("video", fingerprint=False)
    assert probe.report_block() is None
    for packet in frame(65533, 0) + frame(0, 3000)[1:]:  # wraps; one packet lost
        probe.count(packet)
    block = probe.report_block()
    assert block is not None
    [report_packet] = RtcpPacket.parse(bot_packets._RR_HEADER.pack(0x81, 201, 7, 99) + block)
    assert isinstance(report_packet, RtcpRrPacket) and report_packet.ssrc == 99
    [report] = report_packet.reports
    assert (report.ssrc, report.packets_lost, report.highest_sequence) == (7, 1, 65536 + 2)
    assert report.fraction_lost == 256 // 6
    again = probe.report_block()
    assert again is not None and again[4] == 0  # nothing lost since the last report


def test_every_audio_packet_is_a_frame() -> None:
    probe = PacketProbe("audio", fingerprint=False)
    for n in range(5):
        probe.count(rtp(n, marker=True, payload=b"\xfc" * 120, ts=960 * n, pt=111))
    assert probe.frames == 5 and probe.byte_count == 600 and probe.keyframes == 0


def test_the_loops_are_packetized_as_aiortc_would() -> None:
    for size in (10, 1296, 1297, 5414):
        data = os.urandom(size)
        ours = [head + b"\x80\x00" + rest for head, rest in vp8_payloads(data)]
        assert ours == Vp8Encoder._packetize(data, 0)
    assert vp8_keyframe(b"\x90\x80\x80\x00\x10", 0) and not vp8_keyframe(b"\x90\x80\x05\x11", 0)
    loop = audio_loop()
    assert len(loop.frames) == 50 and loop.ticks == 960 and not loop.vp8


async def test_every_internal_packet_mode_uses_exists() -> None:
    for name in ("_run_rtp", "_send_keyframe", "_retransmit"):
        assert hasattr(RTCRtpSender, name), name
    for name in ("_handle_rtp_packet", "_send_rtcp_nack", "_send_rtcp_pli", "_run_rtcp"):
        assert hasattr(RTCRtpReceiver, name), name
    pc = RTCPeerConnection()
    try:
        sender = pc.addTransceiver("video").sender
        receiver = pc.getTransceivers()[0].receiver
        for name in ("rtp_started", "rtp_exited", "mid", "rtp_header_extensions_map",
                     "rtx_payload_type", "ntp_timestamp", "rtp_timestamp", "packet_count",
                     "octet_count"):
            assert hasattr(sender, "_RTCRtpSender__" + name), name
        for name in ("jitter_buffer", "nack_generator", "remote_bitrate_estimator", "codecs",
                     "rtx_ssrc", "rtcp_ssrc", "rtcp_started", "rtcp_exited"):
            assert hasattr(receiver, "_RTCRtpReceiver__" + name), name
        dtls = sender.transport
        assert all(hasattr(dtls, n) for n in ("_tx_srtp", "_rx_srtp", "_state"))
        connection = dtls.transport._connection
        assert hasattr(connection, "_nominated") and hasattr(connection, "_protocols")
    finally:
        await pc.close()


def test_our_srtp_calls_match_pylibsrtp() -> None:
    key = os.urandom(30)
    tx = pylibsrtp.Session(pylibsrtp.Policy(key, pylibsrtp.Policy.SSRC_ANY_OUTBOUND))
    rx = pylibsrtp.Session(pylibsrtp.Policy(key, pylibsrtp.Policy.SSRC_ANY_INBOUND))
    protect, unprotect = bot_packets._srtp(tx, True), bot_packets._srtp(rx, False)
    packet = rtp(1, payload=os.urandom(1200))
    assert unprotect(protect(packet)) == packet
    assert rx.unprotect(protect(rtp(2))) == rtp(2)
    try:
        unprotect(protect(rtp(3))[:-1] + b"\x00")
    except pylibsrtp.Error:
        pass
    else:
        raise AssertionError("a forged packet was accepted")
