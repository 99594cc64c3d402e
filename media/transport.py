"""Peer transports: one RTCPeerConnection each, one direction.

:class:`PublishTransport` receives a participant's tracks (the client offers);
:class:`SubscribeTransport` sends them other participants' tracks (the server offers
and renegotiates as people come and go). Both pin one codec per kind (VP8, Opus)
with ``setCodecPreferences``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from aiortc import (
    RTCConfiguration,
    RTCPeerConnection,
    RTCRtpTransceiver,
    RTCSessionDescription,
)
from aiortc import sdp as aiortc_sdp
from aiortc.mediastreams import MediaStreamTrack

from media import aiortc_internals
from media.events import (
    Direction,
    MediaError,
    MediaEvent,
    StreamCounters,
    SubscribeOfferReady,
    TrackSlot,
    TransportConnected,
    TransportFailed,
)
from media.forwarder import Publisher, Subscriber
from media.sdp_checks import check_publish_offer, check_transport_parameters, pin_codecs

logger = logging.getLogger(__name__)

def _report_state(
    pc: RTCPeerConnection, closed: bool, participant_id: str, direction: Direction,
    emit: Callable[[MediaEvent], None],
) -> None:
    if closed:
        return
    if pc.connectionState == "failed":
        emit(TransportFailed(participant_id, direction))
    elif pc.connectionState == "connected":
        emit(TransportConnected(participant_id, direction))


class PublishTransport:
    """The server side of a participant's send PeerConnection.

    Args:
        participant_id: Whose tracks these are.
        configuration: ICE configuration.
        on_publisher: Called with each new :class:`Publisher` (before media flows).
        emit: Pushes media events to the session worker.
        gap_timeout: See :class:`media.assembler.FrameAssembler`.
        packets: Hand packets on as they arrive (the packet path).
        source: ``"camera"`` or ``"screen"`` (what its publishers carry).
        simulcast: Accept an offer's simulcast layers (packet path only).
    """

    def __init__(
        self,
        participant_id: str,
        configuration: RTCConfiguration,
        on_publisher: Callable[[Publisher], None],
        on_first_frame: Callable[[Publisher], None],
        emit: Callable[[MediaEvent], None],
        gap_timeout: float,
        packets: bool = False,
        source: str = "camera",
        simulcast: bool = False,
    ) -> None:
        self.participant_id = participant_id
        self.source = source
        self._accept_layers = packets and simulcast
        self.publishers: list[Publisher] = []
        self.pc = RTCPeerConnection(configuration)
        self._on_publisher = on_publisher
        self._on_first_frame = on_first_frame
        self._emit = emit
        self._gap_timeout = gap_timeout
        self._packets = packets
        self._simulcast: aiortc_internals.SimulcastOffer | None = None
        self._closed = False
        self.pc.on("track", self._on_track)
        self.pc.on("connectionstatechange", self._on_state)

    def _on_track(self, track: MediaStreamTrack) -> None:
        for transceiver in self.pc.getTransceivers():
            receiver = transceiver.receiver
            if receiver.track is not track:
                continue
            buffer = aiortc_internals.PassthroughBuffer(track.kind, self._gap_timeout)
            aiortc_internals.install_passthrough(receiver, buffer)
            if track.kind == "video" and self._simulcast is not None:
                buffer.rids = self._simulcast.rids
            publisher = Publisher(
                self.participant_id,
                track.kind,
                functools.partial(aiortc_internals.send_keyframe_request, receiver, buffer),
                self._on_first_frame,
                layers=max(1, len(buffer.rids)),
                source=self.source,
            )
            buffer.on_frame = publisher.on_frame
            buffer.on_keyframe_needed = publisher.request_keyframe
            if self._packets:
                buffer.on_packet = publisher.on_packet
            self.publishers.append(publisher)
            self._on_publisher(publisher)

    def _on_state(self) -> None:
        _report_state(self.pc, self._closed, self.participant_id, Direction.PUBLISH, self._emit)

    def streams(self) -> list[StreamCounters]:
        """Cumulative counters of every media stream received on this connection."""
        out: list[StreamCounters] = []
        for transceiver in self.pc.getTransceivers():
            clock = 90_000 if transceiver.kind == "video" else 48_000
            out += aiortc_internals.receiver_streams(transceiver.receiver, clock)
        return out

    async def accept_offer(self, sdp: str) -> str:
        """Applies the client's offer and returns the answer SDP.

        Raises:
            MediaError: If the offer is invalid or uses no pinned codec.
        """
        for kind in check_publish_offer(sdp):
            pin_codecs(self.pc.addTransceiver(kind, direction="recvonly"))
        if self._accept_layers:  # layers are chosen per packet: the frame path takes one
            self._simulcast = aiortc_internals.read_simulcast_offer(sdp)
        try:
            await self.pc.setRemoteDescription(RTCSessionDescription(sdp, "offer"))
            aiortc_internals.install_direct_receive(self.pc)
            await self.pc.setLocalDescription(await self.pc.createAnswer())
            if self._simulcast is not None:
                video = next(t for t in self.pc.getTransceivers() if t.kind == "video")
                aiortc_internals.install_simulcast(video.receiver.transport,
                                                   video.receiver, self._simulcast)
                return aiortc_internals.answer_simulcast(self.pc.localDescription.sdp,
                                                         self._simulcast)
        except (ValueError, KeyError) as exc:
            raise MediaError("invalid_sdp", f"the offer could not be applied ({exc})") from exc
        except Exception as exc:  # aiortc raises OperationError/InvalidStateError
            raise MediaError("codec_unsupported", f"the offer was refused ({exc})") from exc
        return self.pc.localDescription.sdp

    async def close(self) -> None:
        """Stops forwarding and closes the connection. Idempotent."""
        if self._closed:
            return
        self._closed = True
        for publisher in self.publishers:
            publisher.close()
        await self.pc.close()


@dataclass(slots=True)
class _Slot:
    transceiver: RTCRtpTransceiver
    subscriber: Subscriber


class SubscribeTransport:
    """The server side of a participant's receive PeerConnection.

    Holds one transceiver ("slot") per track it forwards; a slot freed by someone
    leaving is re-used for the next publisher of that kind. Any change schedules a
    renegotiation; offers are serialized (one outstanding at a time) and each
    carries a revision that the answer must echo.
    """

    def __init__(
        self,
        participant_id: str,
        configuration: RTCConfiguration,
        emit: Callable[[MediaEvent], None],
        first_revision: int = 0,
        packets: bool = False,
    ) -> None:
        self.participant_id = participant_id
        self._packets = packets
        self.pc = RTCPeerConnection(configuration)
        self.slots: list[_Slot] = []
        self.revision = first_revision
        self._emit = emit
        self._awaiting: int | None = None
        self._dirty = False
        self._wake = asyncio.Event()
        self._closed = False
        self.video_choices: dict[str, tuple[int, int] | None] = {}
        self.pc.on("connectionstatechange", self._on_state)
        self._task = asyncio.create_task(self._negotiate_loop())

    def _on_state(self) -> None:
        _report_state(self.pc, self._closed, self.participant_id, Direction.SUBSCRIBE,
                      self._emit)

    def subscribe(self, publisher: Publisher) -> None:
        """Starts forwarding ``publisher`` to this participant (idempotent)."""
        if any(s.subscriber.publisher is publisher for s in self.slots):
            return
        free = next(
            (
                s
                for s in self.slots
                if s.subscriber.publisher is None and s.subscriber.kind == publisher.kind
            ),
            None,
        )
        if free is None:
            subscriber = Subscriber(publisher.kind)
            transceiver = self.pc.addTransceiver(subscriber, direction="sendonly")
            pin_codecs(transceiver)

            def on_keyframe_request(s: Subscriber = subscriber) -> None:
                if s.publisher is not None:
                    s.publisher.request_keyframe()

            aiortc_internals.route_keyframe_requests(transceiver.sender, on_keyframe_request)
            if self._packets:
                aiortc_internals.install_packet_sender(transceiver.sender,
                                                       subscriber.start_sending)
            free = _Slot(transceiver, subscriber)
            self.slots.append(free)
        free.subscriber.attach(publisher)
        self._apply_choice(free.subscriber)
        self.request_renegotiation()

    def unsubscribe(self, publisher: Publisher) -> None:
        """Stops forwarding one publisher; its slot becomes free."""
        for slot in self.slots:
            if slot.subscriber.publisher is publisher:
                slot.subscriber.attach(None)
                self.request_renegotiation()

    def unsubscribe_from(self, participant_id: str) -> None:
        """Stops forwarding a participant's tracks; their slots become free."""
        changed = False
        for slot in self.slots:
            publisher = slot.subscriber.publisher
            if publisher is not None and publisher.participant_id == participant_id:
                slot.subscriber.attach(None)
                changed = True
        if changed:
            self.request_renegotiation()

    def select_video(self, choices: Mapping[str, tuple[int, int] | None]) -> None:
        """Per publisher (by participant id): the (spatial, temporal) layers to forward,
        or ``None`` to skip its video. Kept for slots that are attached later."""
        self.video_choices.update(choices)
        for slot in self.slots:
            self._apply_choice(slot.subscriber)

    def _apply_choice(self, subscriber: Subscriber) -> None:
        publisher = subscriber.publisher
        if subscriber.kind != "video" or publisher is None:
            return
        choice = self.video_choices.get(publisher.key, (2, 2))
        subscriber.enabled = choice is not None
        if choice is not None:
            subscriber.select(*choice)

    def bytes_out(self) -> int:
        """Media payload bytes sent to this participant so far."""
        return sum(slot.subscriber.bytes_out for slot in self.slots)

    def gaps_forwarded(self) -> int:
        """Packets lost upstream and passed on to this participant as gaps."""
        return sum(slot.subscriber.rewriter.gaps_forwarded for slot in self.slots)

    def tracks(self) -> tuple[TrackSlot, ...]:
        """What each negotiated mid currently carries."""
        out: list[TrackSlot] = []
        for slot in self.slots:
            publisher = slot.subscriber.publisher
            mid = slot.transceiver.mid
            if publisher is not None and mid is not None:
                kind = "screen" if publisher.source == "screen" else publisher.kind
                out.append(TrackSlot(mid, publisher.participant_id, kind))
        return tuple(out)

    def request_renegotiation(self) -> None:
        """Schedules a new offer (coalesced with any already pending)."""
        self._dirty = True
        self._wake.set()

    async def _negotiate_loop(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self._awaiting is not None or not self._dirty or not self.slots:
                continue
            self._dirty = False
            try:
                await self.pc.setLocalDescription(await self.pc.createOffer())
                aiortc_internals.install_direct_receive(self.pc)
            except Exception:
                logger.exception("offer for %s failed", self.participant_id)
                continue
            self.revision += 1
            self._awaiting = self.revision
            self._emit(
                SubscribeOfferReady(
                    self.participant_id,
                    self.revision,
                    self.pc.localDescription.sdp,
                    self.tracks(),
                )
            )

    async def accept_answer(self, revision: int, sdp: str) -> None:
        """Applies the client's answer to offer ``revision``.

        Raises:
            MediaError: ``stale_answer`` for a revision not awaited, ``invalid_sdp``
                if the answer cannot be applied.
        """
        if revision != self._awaiting:
            raise MediaError(
                "stale_answer",
                f"answer for revision {revision}, expected {self._awaiting}",
            )
        try:
            check_transport_parameters(aiortc_sdp.SessionDescription.parse(sdp))
        except MediaError:
            raise
        except Exception as exc:
            raise MediaError("invalid_sdp", "the answer is not valid SDP") from exc
        try:
            await self.pc.setRemoteDescription(RTCSessionDescription(sdp, "answer"))
        except Exception as exc:
            raise MediaError("invalid_sdp", f"the answer could not be applied ({exc})") from exc
        self._awaiting = None
        if self._dirty:
            self._wake.set()

    async def close(self) -> None:
        """Stops every subscriber and closes the connection. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._task.cancel()
        await asyncio.wait([self._task])  # a cancel of *our* caller still propagates
        for slot in self.slots:
            slot.subscriber.stop()
        await self.pc.close()
