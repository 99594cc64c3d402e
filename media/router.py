"""The session router: the media fan-out space of one session."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from aiortc import RTCConfiguration

from media.events import LinkCounters, MediaError, MediaEvent, MediaFlowing, VideoSource
from media.forwarder import Publisher
from media.rtp_in import ntp_now
from media.transport import PublishTransport, SubscribeTransport

logger = logging.getLogger(__name__)
NTP_SECOND = 1 << 32
"""One second in 64-bit NTP time."""


@dataclass(slots=True)
class _Member:
    subscribe: SubscribeTransport
    publishes: bool
    publish: PublishTransport | None = None
    publishers: list[Publisher] = field(default_factory=list)
    screen: PublishTransport | None = None


class SessionRouter:
    """Owns every peer transport of one session's participants.

    Participants are opaque ids. Ownership: router -> transports -> publishers and
    subscribers; :meth:`close` cascades and may be called twice.

    Args:
        configuration: ICE configuration for every peer connection.
        emit: Pushes :data:`MediaEvent` values to the session worker; must not block.
        gap_timeout: Seconds before an incomplete video frame is given up.
        packets: The packet path (see :class:`media.relay.RelayConfig`).
        simulcast: Accept simulcast layers (packet path only).
    """

    def __init__(
        self,
        configuration: RTCConfiguration,
        emit: Callable[[MediaEvent], None],
        gap_timeout: float,
        packets: bool = False,
        simulcast: bool = True,
    ) -> None:
        self._configuration = configuration
        self._emit = emit
        self._gap_timeout = gap_timeout
        self._packets = packets
        self._simulcast = packets and simulcast
        self._members: dict[str, _Member] = {}
        self._closed = False

    def add_participant(self, participant_id: str, publishes: bool) -> None:
        """Adds a participant and starts forwarding everyone else's tracks to them."""
        if participant_id in self._members or self._closed:
            return
        member = _Member(
            SubscribeTransport(participant_id, self._configuration, self._emit,
                               packets=self._packets), publishes
        )
        self._members[participant_id] = member
        self._subscribe_to_others(participant_id, member)

    def _subscribe_to_others(self, participant_id: str, member: _Member) -> None:
        for other_id, other in self._members.items():
            if other_id != participant_id:
                screens = other.screen.publishers if other.screen is not None else []
                for publisher in other.publishers + screens:
                    member.subscribe.subscribe(publisher)

    async def publish(self, participant_id: str, offer_sdp: str) -> str:
        """Accepts a participant's publish offer; returns the answer SDP.

        A second offer replaces the first publish connection.

        Raises:
            MediaError: ``not_allowed`` for unknown or non-publishing participants;
                ``invalid_sdp`` / ``codec_unsupported`` for a bad offer.
        """
        member = self._members.get(participant_id)
        if member is None or not member.publishes:
            raise MediaError("not_allowed", "this participant does not publish media")
        if member.publish is not None:
            await self._stop_publishing(participant_id, member)
        transport = PublishTransport(
            participant_id,
            self._configuration,
            on_publisher=lambda p: self._add_publisher(participant_id, p),
            on_first_frame=lambda p: self._emit(MediaFlowing(p.participant_id, p.kind)),
            emit=self._emit,
            gap_timeout=self._gap_timeout,
            packets=self._packets,
            simulcast=self._simulcast,
        )
        member.publish = transport
        try:
            return await transport.accept_offer(offer_sdp)
        except MediaError:
            with contextlib.suppress(Exception):  # a half-applied offer may not close cleanly
                await self._stop_publishing(participant_id, member)
            member.publish = None
            raise

    async def publish_screen(self, participant_id: str, offer_sdp: str) -> str:
        """Accepts a participant's screen-share offer (a connection of its own, one
        video track); returns the answer SDP. A second one replaces the first.

        Raises:
            MediaError: As :meth:`publish`.
        """
        member = self._members.get(participant_id)
        if member is None or not member.publishes:
            raise MediaError("not_allowed", "this participant does not publish media")
        await self.stop_screen(participant_id)
        transport = PublishTransport(
            participant_id, self._configuration,
            on_publisher=lambda p: self._add_screen(participant_id, p),
            on_first_frame=lambda p: None, emit=self._emit, gap_timeout=self._gap_timeout,
            packets=self._packets, source="screen",
        )
        member.screen = transport
        try:
            return await transport.accept_offer(offer_sdp)
        except MediaError:
            with contextlib.suppress(Exception):
                await self.stop_screen(participant_id)
            raise

    def _add_screen(self, participant_id: str, publisher: Publisher) -> None:
        if publisher.kind != "video":
            publisher.close()  # a screen share carries no sound here
            return
        for other_id, other in self._members.items():
            if other_id != participant_id:
                other.subscribe.subscribe(publisher)

    async def stop_screen(self, participant_id: str) -> None:
        """Stops a participant's screen share (others stop receiving it). Idempotent."""
        member = self._members.get(participant_id)
        if member is None or member.screen is None:
            return
        transport, member.screen = member.screen, None
        for publisher in transport.publishers:
            for other in self._members.values():
                other.subscribe.unsubscribe(publisher)
        await transport.close()

    def _add_publisher(self, participant_id: str, publisher: Publisher) -> None:
        member = self._members.get(participant_id)
        if member is None:
            publisher.close()
            return
        member.publishers.append(publisher)
        for other_id, other in self._members.items():
            if other_id != participant_id:
                other.subscribe.subscribe(publisher)

    async def _stop_publishing(self, participant_id: str, member: _Member) -> None:
        for other_id, other in self._members.items():
            if other_id != participant_id:
                other.subscribe.unsubscribe_from(participant_id)
        member.publishers.clear()
        if member.publish is not None:
            transport, member.publish = member.publish, None
            await transport.close()

    async def accept_subscribe_answer(self, participant_id: str, revision: int, sdp: str) -> None:
        """Applies a participant's answer to their receive connection's offer.

        Raises:
            MediaError: For an unknown participant, a stale revision or a bad answer.
        """
        member = self._members.get(participant_id)
        if member is None:
            raise MediaError("not_allowed", "unknown participant")
        await member.subscribe.accept_answer(revision, sdp)

    def link_counters(self, participant_id: str) -> LinkCounters | None:
        """Cumulative counters of a participant's media, or ``None`` if unknown."""
        member = self._members.get(participant_id)
        if member is None:
            return None
        return LinkCounters(
            up_streams=tuple(member.publish.streams()) if member.publish is not None else (),
            up_bytes=sum(p.bytes_in for p in member.publishers),
            publishing=bool(member.publishers),
            down_bytes=member.subscribe.bytes_out(),
            down_gaps=member.subscribe.gaps_forwarded(),
        )

    def downlink_counters(self, participant_id: str) -> LinkCounters | None:
        """What was forwarded to a participant so far: bytes, and upstream gaps passed
        on (``None``: unknown participant). Cheap: read on every client report."""
        member = self._members.get(participant_id)
        if member is None:
            return None
        return LinkCounters(down_bytes=member.subscribe.bytes_out(),
                            down_gaps=member.subscribe.gaps_forwarded())

    async def restart_subscribe(self, participant_id: str) -> None:
        """Replaces a participant's receive connection with a new one (aiortc has no
        ICE restart); a fresh offer follows, with the next revision."""
        member = self._members.get(participant_id)
        if member is None:
            return
        old = member.subscribe
        member.subscribe = SubscribeTransport(
            participant_id, self._configuration, self._emit, first_revision=old.revision,
            packets=self._packets,
        )
        member.subscribe.video_choices.update(old.video_choices)
        await old.close()
        self._subscribe_to_others(participant_id, member)

    async def remove_participant(self, participant_id: str) -> None:
        """Closes a participant's transports; others stop receiving them. Idempotent."""
        member = self._members.get(participant_id)
        if member is None:
            return
        await self.stop_screen(participant_id)
        await self._stop_publishing(participant_id, member)
        del self._members[participant_id]
        await member.subscribe.close()

    async def close(self) -> None:
        """Closes every transport of the session. Idempotent."""
        self._closed = True
        for participant_id in list(self._members):
            await self.remove_participant(participant_id)

    def video_sources(self) -> list[VideoSource]:
        """Every camera and shared screen as received now (layers, bytes and age)."""
        now = ntp_now()
        out = []
        for participant_id, member in self._members.items():
            loud = sum(p.loud_packets for p in member.publishers if p.kind == "audio")
            screens = member.screen.publishers if member.screen is not None else []
            for video in [p for p in member.publishers if p.kind == "video"] + screens:
                out.append(VideoSource(
                    participant_id, video.key, video.source == "screen", video.layers,
                    tuple(video.layer_bytes),
                    tuple((now - seen) / NTP_SECOND if seen else None
                          for seen in video.layer_seen), loud))
        return out

    def loud_packets(self) -> dict[str, int]:
        """Per participant: their audio packets so far whose level says they speak."""
        return {pid: sum(p.loud_packets for p in member.publishers if p.kind == "audio")
                for pid, member in self._members.items()}

    def select_video(self, participant_id: str,
                     choices: Mapping[str, tuple[int, int] | None]) -> None:
        """Forwards each publisher's video to a participant at the (spatial, temporal)
        layers chosen, or not at all (``None``); publishers not named are unchanged."""
        member = self._members.get(participant_id)
        if member is not None:
            member.subscribe.select_video(choices)

    def forwarded_streams(self) -> int:
        """Tracks being forwarded to subscribers now (switched-off video not counted)."""
        return sum(1 for member in self._members.values() for s in member.subscribe.slots
                   if s.subscriber.publisher is not None and s.subscriber.enabled)

    def stats(self) -> dict[str, object]:
        """Counters for monitoring and tests (frames in/out/dropped per track)."""
        out: dict[str, object] = {}
        for participant_id, member in self._members.items():
            out[participant_id] = {
                "publishers": [
                    {"kind": p.kind, "frames_in": p.frames_in, "bytes_in": p.bytes_in,
                     "keyframe_requests": p.keyframe_requests_sent}
                    for p in member.publishers
                ],
                "subscribers": [
                    {"kind": s.subscriber.kind, "frames_out": s.subscriber.frames_out,
                     "frames_dropped": s.subscriber.frames_dropped,
                     "from": s.subscriber.publisher.participant_id
                     if s.subscriber.publisher else None}
                    for s in member.subscribe.slots
                ],
            }
        return out
