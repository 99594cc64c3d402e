"""A bot participant: speaks ``signaling.protocol`` over a real WebSocket, publishes
synthetic VP8/Opus with aiortc and counts what it actually receives."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import websockets
from aiortc import (
    RTCBundlePolicy,
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCSessionDescription,
)

from load_tests.bot_media import (
    AudioSource,
    ReceiveProbe,
    VideoSource,
    install_probe,
    route_keyframe_requests,
)
from load_tests.bot_packets import (
    PacketSender,
    PlaceholderTrack,
    install_packet_probe,
    install_packet_sender,
    send_keyframe_request,
)
from load_tests.packet_media import PacketProbe, audio_loop, video_loop
from signaling import protocol


@dataclass
class RemoteMedia:
    """What a bot receives from one other participant."""

    video: ReceiveProbe | None = None
    audio: ReceiveProbe | None = None


@dataclass(frozen=True, slots=True)
class SubscriptionCounters:
    """What one received track brought so far (cumulative)."""

    mid: str
    participant_id: str
    kind: str
    frames: int
    packets: int
    payload_bytes: int
    lost: int
    first_frame_at: float | None


@dataclass
class Bot:
    """One participant driven by code.

    Args:
        ws_url: ``ws://host:port/ws/sessions/<id>``.
        token: Invite token.
        name: Display name.
        publish: Send synthetic audio+video after joining.
        width, height: Video size when publishing.
        video_loop_frames: Replay this many encoded frames in a loop instead of
            encoding live (see :class:`VideoSource`).
        report_quality: Send a ``quality_report`` every second like the browser does,
            and stop sending video while the server says the uplink cannot carry it.
        packet_mode: Send a pre-packetized loop (``video_loop_frames`` frames, default
            60) and count what arrives from RTP headers (see
            :mod:`load_tests.bot_packets`): a fraction of the CPU per bot; no frame
            fingerprints, and ``video`` stays None (``packet_video`` sends instead).
    """

    ws_url: str
    token: str
    name: str = "bot"
    publish: bool = True
    width: int = 320
    height: int = 240
    bitrate: int = 400_000
    video_loop_frames: int = 0
    report_quality: bool = True
    audio_only: bool = False
    padded: bool = False
    """Pad video interframes to the bitrate (the synthetic pattern needs few bits)."""
    keep_received: bool = True
    fingerprint: bool = True
    packet_mode: bool = False
    speaking: bool = False
    """Packet mode: the audio's level says "voice at -20 dBov" (else silence, 127), so the
    relay takes the bot for a speaker."""
    joined: protocol.Joined | None = None
    participants: dict[str, protocol.ParticipantInfo] = field(default_factory=dict)
    received: list[protocol.AnyServerMessage] = field(default_factory=list)
    tracks: list[protocol.TrackInfo] = field(default_factory=list)
    probes: dict[str, ReceiveProbe] = field(default_factory=dict)
    video: VideoSource | None = None
    packet_video: PacketSender | None = None
    packet_audio: PacketSender | None = None
    join_started: float = 0.0
    joined_at: float = 0.0
    redirects: int = 0
    """How many ``redirect`` hops the last join took."""
    redirect_url: str | None = None
    """``time.monotonic()`` when ``joined`` arrived."""
    close_code: int | None = None

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)
        self._ws: websockets.ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._send_pc: RTCPeerConnection | None = None
        self._recv_pc: RTCPeerConnection | None = None
        self._joined = asyncio.Event()
        self._answered = asyncio.Event()
        self._offers: asyncio.Queue[protocol.SubscribeOffer] = asyncio.Queue(100)
        self._offer_task: asyncio.Task[None] | None = None
        self._quality_task: asyncio.Task[None] | None = None
        self._last_counts = (0, 0, 0)
        self._stream_packets: dict[int, tuple[int, bool]] = {}
        self.listeners: list[Callable[[protocol.AnyServerMessage, float], None]] = []
        """Called with every server message and its ``time.monotonic()`` arrival."""

    def _config(self) -> RTCConfiguration:
        assert self.joined is not None
        return RTCConfiguration(
            iceServers=[
                RTCIceServer(urls=s.urls, username=s.username, credential=s.credential)
                for s in self.joined.ice_servers
            ],
            bundlePolicy=RTCBundlePolicy.MAX_BUNDLE,
        )

    async def send(self, message: protocol.AnyClientMessage) -> None:
        """Sends one message."""
        assert self._ws is not None
        await self._ws.send(protocol.encode(message))

    def next_id(self) -> str:
        """A fresh request id."""
        return str(next(self._ids))

    async def join(self, timeout: float = 10.0, max_redirects: int = 3) -> protocol.Joined:
        """Connects and joins, following ``redirect`` to the node that owns the session;
        raises ``ConnectionError`` with the close code if refused."""
        self.join_started = time.monotonic()
        for _ in range(max_redirects + 1):
            self.redirect_url = None
            self._ws = await websockets.connect(self.ws_url, max_size=2**20)
            self._reader = asyncio.create_task(self._read_loop())
            await self.send(protocol.Join(
                id=self.next_id(), protocol_version=protocol.PROTOCOL_VERSION,
                token=self.token, display_name=self.name))
            await asyncio.wait([asyncio.ensure_future(self._joined.wait()), self._reader],
                               timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            if self.joined is not None or self.redirect_url is None:
                break
            self.redirects += 1
            self.ws_url = self.redirect_url
        if self.joined is None:
            raise ConnectionError(f"join refused (close code {self.close_code})")
        self._offer_task = asyncio.create_task(self._offer_loop())
        if self.publish:
            await self._publish()
        if self.report_quality:
            self._quality_task = asyncio.create_task(self._report_loop())
        return self.joined

    def received_counts(self) -> tuple[int, int, int, float]:
        """Packets received, packets lost, payload bytes and the worst jitter (ms) of
        everything this bot receives (cumulative)."""
        packets = sum(p.packets for p in self.probes.values())
        payload = sum(p.byte_count for p in self.probes.values())
        lost, jitter_ms = 0, 0.0
        if self.packet_mode:
            for probe in self.probes.values():
                if isinstance(probe, PacketProbe):
                    lost += probe.lost
                    before, was_flowing = self._stream_packets.get(probe.ssrc, (0, False))
                    flowing = probe.received > before
                    if flowing and was_flowing:
                        jitter_ms = max(jitter_ms, probe.jitter_ms)
                    self._stream_packets[probe.ssrc] = (probe.received, flowing)
        elif self._recv_pc is not None:
            for transceiver in self._recv_pc.getTransceivers():
                clock = 90_000 if transceiver.kind == "video" else 48_000
                receiver = transceiver.receiver
                streams = receiver._RTCRtpReceiver__remote_streams  # type: ignore[attr-defined]
                rtx = set(receiver._RTCRtpReceiver__rtx_ssrc)  # type: ignore[attr-defined]
                for ssrc, stream in streams.items():
                    if ssrc in rtx:  # retransmissions: counted before unwrapping
                        continue
                    lost += max(0, stream.packets_lost)
                    before, was_flowing = self._stream_packets.get(ssrc, (0, False))
                    flowing = stream.packets_received > before
                    if flowing and was_flowing:  # stale while paused, jumps on resume
                        jitter_ms = max(jitter_ms, 1000 * stream.jitter / clock)
                    self._stream_packets[ssrc] = (stream.packets_received, flowing)
        return packets, lost, payload, jitter_ms

    async def _report_loop(self, every: float = 1.0) -> None:
        """Reports what arrived in each window, as the browser client does."""
        while True:
            started = time.monotonic()
            await asyncio.sleep(every)
            packets, lost, payload, jitter_ms = self.received_counts()
            last = self._last_counts
            self._last_counts = (packets, lost, payload)
            await self.send(protocol.QualityReport(
                window_ms=round(1000 * (time.monotonic() - started)),
                packets_received=packets - last[0], packets_lost=max(0, lost - last[1]),
                bytes_received=payload - last[2], jitter_ms=jitter_ms,
            ))

    async def _publish(self) -> None:
        pc = self._send_pc = RTCPeerConnection(self._config())
        if self.packet_mode:
            if not self.audio_only:
                loop = video_loop(self.width, self.height, self.bitrate,
                                  self.video_loop_frames or 60, self.padded)
                self.packet_video = install_packet_sender(
                    pc.addTrack(PlaceholderTrack("video")), loop)
            self.packet_audio = install_packet_sender(
                pc.addTrack(PlaceholderTrack("audio")), audio_loop(),
                audio_level=20 if self.speaking else 127)
        elif not self.audio_only:
            self.video = VideoSource(self.width, self.height, bitrate=self.bitrate,
                                     loop_frames=self.video_loop_frames, padded=self.padded)
            route_keyframe_requests(pc.addTrack(self.video), self.video)
        if not self.packet_mode:
            pc.addTrack(AudioSource())
        await pc.setLocalDescription(await pc.createOffer())
        await self.send(protocol.PublishOffer(id=self.next_id(), sdp=pc.localDescription.sdp))
        await asyncio.wait_for(self._answered.wait(), 10)

    async def _read_loop(self) -> None:
        assert self._ws is not None
        try:
            async for raw in self._ws:
                arrived = time.monotonic()
                message = protocol.parse_server(raw)
                if self.keep_received:
                    self.received.append(message)
                for listener in self.listeners:
                    listener(message, arrived)
                await self._on_message(message)
        except websockets.ConnectionClosed:
            pass
        finally:
            self.close_code = self._ws.close_code

    async def _on_message(self, message: protocol.AnyServerMessage) -> None:
        if isinstance(message, protocol.Joined):
            self.joined = message
            self.joined_at = time.monotonic()
            self.participants = {p.participant_id: p for p in message.participants}
            self._joined.set()
        elif isinstance(message, protocol.ParticipantJoined | protocol.ParticipantUpdated):
            self.participants[message.participant.participant_id] = message.participant
            if (self.joined is not None
                    and message.participant.participant_id == self.participant_id):
                for source in (self.video, self.packet_video):
                    if source is not None:
                        source.paused = not message.participant.sends_video
        elif isinstance(message, protocol.ParticipantLeft):
            self.participants.pop(message.participant_id, None)
        elif isinstance(message, protocol.PublishAnswer) and self._send_pc is not None:
            await self._send_pc.setRemoteDescription(RTCSessionDescription(message.sdp, "answer"))
            self._answered.set()
        elif isinstance(message, protocol.SubscribeOffer):
            self._offers.put_nowait(message)
        elif isinstance(message, protocol.Redirect):
            self.redirect_url = message.url

    async def _offer_loop(self) -> None:
        while True:
            offer = await self._offers.get()
            if self._recv_pc is None:
                self._recv_pc = RTCPeerConnection(self._config())
            pc = self._recv_pc
            await pc.setRemoteDescription(RTCSessionDescription(offer.sdp, "offer"))
            for transceiver in pc.getTransceivers():
                if transceiver.mid is not None and transceiver.mid not in self.probes:
                    self.probes[transceiver.mid] = (
                        install_packet_probe(transceiver.receiver, transceiver.kind)
                        if self.packet_mode else
                        install_probe(transceiver.receiver, transceiver.kind, self.fingerprint))
            await pc.setLocalDescription(await pc.createAnswer())
            self.tracks = list(offer.tracks)
            await self.send(
                protocol.SubscribeAnswer(
                    id=self.next_id(), revision=offer.revision, sdp=pc.localDescription.sdp
                )
            )

    def subscriptions(self) -> list[SubscriptionCounters]:
        """Cumulative counters of every track this bot receives (what actually arrived)."""
        out: list[SubscriptionCounters] = []
        if self._recv_pc is None:
            return out
        owners = {t.mid: t.participant_id for t in self.tracks}
        for transceiver in self._recv_pc.getTransceivers():
            probe = self.probes.get(transceiver.mid or "")
            if probe is None or transceiver.mid not in owners:
                continue
            receiver = transceiver.receiver
            streams = receiver._RTCRtpReceiver__remote_streams  # type: ignore[attr-defined]
            rtx = set(receiver._RTCRtpReceiver__rtx_ssrc)  # type: ignore[attr-defined]
            lost = (probe.lost if isinstance(probe, PacketProbe) else
                    sum(max(0, st.packets_lost) for ssrc, st in streams.items()
                        if ssrc not in rtx))
            out.append(SubscriptionCounters(
                mid=transceiver.mid or "", participant_id=owners[transceiver.mid or ""],
                kind=probe.kind, frames=probe.frames, packets=probe.packets,
                payload_bytes=probe.byte_count, lost=lost,
                first_frame_at=probe.arrivals[0] if probe.arrivals else None))
        return out

    async def request_keyframe(self, mid: str) -> None:
        """Sends a keyframe request (PLI) for the track received on ``mid``, as a
        browser does when it cannot decode (packet mode only)."""
        probe = self.probes.get(mid)
        if self._recv_pc is None or not isinstance(probe, PacketProbe):
            raise ValueError(f"no packet-mode track on mid {mid!r}")
        for transceiver in self._recv_pc.getTransceivers():
            if transceiver.mid == mid:
                await send_keyframe_request(transceiver.receiver, probe)

    def remote(self, participant_id: str) -> RemoteMedia:
        """The probes currently carrying ``participant_id``'s media."""
        media = RemoteMedia()
        for track in self.tracks:
            if track.participant_id == participant_id:
                probe = self.probes.get(track.mid)
                if track.kind == protocol.MediaKind.VIDEO:
                    media.video = probe
                else:
                    media.audio = probe
        return media

    @property
    def participant_id(self) -> str:
        """This bot's participant id (after joining)."""
        assert self.joined is not None
        return self.joined.you.participant_id

    async def close(self) -> None:
        """Leaves (if connected) and closes everything. Idempotent."""
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self.send(protocol.Leave(id=self.next_id()))
            with contextlib.suppress(Exception):
                await self._ws.close()
        for task in (self._offer_task, self._quality_task, self._reader):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        for pc in (self._send_pc, self._recv_pc):
            if pc is not None:
                await pc.close()
