"""Encoded-frame fan-out: one :class:`Publisher` per inbound track, one
:class:`Subscriber` per outbound copy.

A publisher hands each assembled frame to its subscribers without decoding; each
subscriber is an aiortc ``MediaStreamTrack`` whose ``recv`` returns
:class:`EncodedFrame` objects, which aiortc's sender only packetizes
(``encoder.pack``), never encodes. Subscribers have bounded queues: a lagging
subscriber drops frames (video: until the next keyframe, which it requests) and
never stalls the publisher or the other subscribers.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from fractions import Fraction

from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from media.assembler import AssembledFrame
from media.keyframes import KeyframeRequests
from media.rtp_in import PacketSend, RtpIn, ntp_now
from media.rtp_rewriter import (
    TOP_LAYER,
    TOP_TEMPORAL,
    StreamRewriter,
    vp8_keyframe_start,
    vp8_temporal_id,
    vp8_temporal_switch_point,
)

logger = logging.getLogger(__name__)

VIDEO_CLOCK = 90_000
AUDIO_CLOCK = 48_000
SPEAKING_DBOV = 50
"""An audio level (-dBov, RFC 6464) under this is someone speaking."""
DEFAULT_VIDEO_QUEUE = 30
DEFAULT_AUDIO_QUEUE = 50


@dataclass(frozen=True, slots=True)
class EncodedFrame:
    """An encoded frame for aiortc's sender (frame path): its ``encoder.pack`` reads
    ``bytes(frame)``, ``pts`` and ``time_base`` of anything not an ``av.Frame``."""

    data: bytes
    pts: int
    time_base: Fraction

    def __bytes__(self) -> bytes:
        return self.data


class Publisher:
    """One inbound track of one participant, fanned out to subscribers.

    A video track may come in simulcast layers (index 0 the lowest): each subscriber
    follows one layer (:meth:`Subscriber.select`), and a packet is offered only to
    the subscribers of its layer (and to those waiting to switch to it).

    Args:
        participant_id: Whose track this is.
        kind: ``"audio"`` or ``"video"``.
        send_keyframe_request: Coroutine factory that sends a PLI upstream for a layer.
        on_first_frame: Called once, when the first frame arrives.
        layers: How many simulcast layers the track comes in (1: none).
        source: ``"camera"`` (camera or microphone) or ``"screen"`` (a shared screen).
    """

    def __init__(
        self,
        participant_id: str,
        kind: str,
        send_keyframe_request: Callable[[int], Awaitable[None]],
        on_first_frame: Callable[[Publisher], None],
        layers: int = 1,
        source: str = "camera",
    ) -> None:
        self.participant_id = participant_id
        self.kind = kind
        self.source = source
        self.key = participant_id if source == "camera" else f"{participant_id}/{source}"
        """Names the stream among a session's (layer choices are keyed by it)."""
        self.layers = layers
        self.subscribers: set[Subscriber] = set()
        self.layer_subscribers: tuple[set[Subscriber], ...] = tuple(
            set() for _ in range(layers))
        """Per layer: the subscribers that follow it or wait to switch to it."""
        self.layer_bytes = [0] * layers
        """Payload bytes received per layer (for the layers' bitrates)."""
        self.layer_seen = [0] * layers
        self.layer_packets = [0] * layers
        """Per layer: when a latest packet came (64-bit NTP; 0: never; a layer nobody
        follows is stamped every 16th packet), and packets so far."""
        self.frames_in = 0
        self.bytes_in = 0
        self.loud_packets = 0
        """Audio packets whose level says someone is speaking (the active speaker)."""
        self._requests = tuple(
            KeyframeRequests(functools.partial(send_keyframe_request, layer))
            for layer in range(layers))
        self._on_first_frame = on_first_frame
        self._closed = False

    @property
    def keyframe_requests_sent(self) -> int:  # all layers
        return sum(r.sent for r in self._requests)

    def on_frame(self, frame: AssembledFrame) -> None:
        """Fans one assembled frame out to every subscriber (never blocks)."""
        if self._closed:
            return
        self.frames_in += 1
        self.bytes_in += len(frame.data)
        if self.frames_in == 1:
            self._on_first_frame(self)
        if frame.keyframe:  # answers every need so far: nothing more to ask
            self._requests[0].arrived()
        for subscriber in self.subscribers:
            subscriber.push(frame)

    def on_packet(self, layer: int, sequence_number: int, timestamp: int, marker: bool,
                  payload: bytes, audio_level: tuple[bool, int] | None) -> None:
        """Fans one RTP packet of ``layer`` out to its subscribers as it arrives (packet
        path)."""
        if self._closed or layer >= self.layers:
            return
        if self.bytes_in == 0 and payload:
            self._on_first_frame(self)
        self.bytes_in += len(payload)
        self.layer_bytes[layer] += len(payload)
        if audio_level is not None and audio_level[1] < SPEAKING_DBOV:
            self.loud_packets += 1
        self.frames_in += marker and layer == self.layers - 1
        start = self.kind == "video" and vp8_keyframe_start(payload)
        if start:
            self._requests[layer].arrived()
        self.layer_packets[layer] += 1
        if not (subscribers := self.layer_subscribers[layer]):  # nobody follows it now:
            if not self.layer_packets[layer] & 15:  # no packet object, a clock read
                self.layer_seen[layer] = ntp_now()  # every 16th packet
            return
        ntp = self.layer_seen[layer] = ntp_now()
        packet = RtpIn(sequence_number, timestamp, marker, payload, audio_level, start, ntp,
                       (ntp >> 14 & 0xFFFFFF).to_bytes(3, "big"))
        for subscriber in subscribers:
            subscriber.push_packet(packet, layer)

    def request_keyframe(self, layer: int = -1) -> None:
        """Asks the publisher's sender for a keyframe of ``layer`` (default: the top
        one), one request per need (see :class:`media.keyframes.KeyframeRequests`)."""
        if self.kind == "video" and not self._closed:
            self._requests[layer].request()

    def close(self) -> None:
        """Detaches every subscriber and stops forwarding. Idempotent."""
        if self._closed:
            return
        self._closed = True
        for subscriber in list(self.subscribers):
            subscriber.attach(None)
        for requests in self._requests:
            requests.close()


class Subscriber(MediaStreamTrack):
    """One outbound copy of a publisher's track to one participant.

    The subscriber is bound to a sender (one transceiver of the participant's
    receive PeerConnection) for its whole life and can be re-pointed to another
    publisher with :meth:`attach`, so a transceiver is re-used when people come and
    go. Timestamps are rebased so each switch continues forward in time.

    It starts paused: frames are dropped until aiortc's sender first asks for one
    (the transport is connected), which resumes it and requests a keyframe.

    A video subscriber can be switched off (:attr:`enabled`): frames are skipped, and
    switching it back on waits for a keyframe (which it requests).

    On the packet path a video subscriber follows one simulcast layer of its
    publisher and may cap the temporal layers it forwards (:meth:`select`): a layer
    switch happens on a keyframe of the new layer (requested), a temporal change at
    the start of a base-layer frame; dropped packets leave no gap in the numbering.
    """

    def __init__(self, kind: str, queue_size: int | None = None) -> None:
        super().__init__()
        self.kind = kind
        size = queue_size or (DEFAULT_VIDEO_QUEUE if kind == "video" else DEFAULT_AUDIO_QUEUE)
        self._queue: asyncio.Queue[EncodedFrame | None] = asyncio.Queue(maxsize=size)
        self._clock = VIDEO_CLOCK if kind == "video" else AUDIO_CLOCK
        self._time_base = Fraction(1, self._clock)
        self.publisher: Publisher | None = None
        self._paused = True
        self._waiting_for_keyframe = kind == "video"
        self._ts_offset: int | None = None
        self._last_queued = 0
        self.frames_out = 0
        self.frames_dropped = 0
        self.frames_skipped = 0
        self.bytes_out = 0
        self._enabled = True
        self.rewriter = StreamRewriter(kind, random.getrandbits(16), random.getrandbits(32))
        self._send: PacketSend | None = None
        self._stopped = asyncio.Event()
        self.layer = 0
        """The publisher's layer forwarded now."""
        self.wanted_layer = TOP_LAYER
        """The layer asked for (:meth:`select`), before the publisher's are known."""
        self._target: int | None = None
        self.max_temporal = TOP_TEMPORAL
        """Temporal layers forwarded: those with an id up to this."""
        self._next_temporal = TOP_TEMPORAL

    @property
    def enabled(self) -> bool:
        """Whether frames are forwarded (off: skipped, e.g. video to a weak link)."""
        return self._enabled

    @enabled.setter
    def enabled(self, value: bool) -> None:
        if value == self._enabled:
            return
        self._enabled = value
        if value:
            self._waiting_for_keyframe = self.kind == "video"
            self.rewriter.restart()
            if self.publisher is not None and not self._paused:
                self.publisher.request_keyframe(self.layer)

    def attach(self, publisher: Publisher | None) -> None:
        """Points this subscriber at ``publisher`` (or nothing)."""
        if self.publisher is publisher:
            return
        old = self.publisher
        if old is not None:
            old.subscribers.discard(self)
            old.layer_subscribers[self.layer].discard(self)
            if self._target is not None:
                old.layer_subscribers[self._target].discard(self)
        self._target = None
        self.publisher = publisher
        self._ts_offset = None
        self.rewriter.switch()
        self._waiting_for_keyframe = self.kind == "video"
        if publisher is not None:
            self.layer = min(self.wanted_layer, publisher.layers - 1)
            publisher.subscribers.add(self)
            publisher.layer_subscribers[self.layer].add(self)
            if not self._paused:
                publisher.request_keyframe(self.layer)

    def select(self, layer: int, temporal: int = 2) -> None:
        """Forwards ``layer`` of the publisher (capped at its top one) from its next
        keyframe, and temporal layers up to ``temporal`` from the start of the next
        base-layer frame."""
        self.wanted_layer = layer
        self._next_temporal = temporal
        publisher = self.publisher
        if publisher is None:
            return
        layer = min(layer, publisher.layers - 1)
        if self._target is not None and self._target != layer:
            publisher.layer_subscribers[self._target].discard(self)
            self._target = None
        if layer == self.layer or layer == self._target:
            return
        self._target = layer
        publisher.layer_subscribers[layer].add(self)
        if not self._paused:
            publisher.request_keyframe(layer)

    def _switch_layer(self, layer: int) -> None:
        if self.publisher is not None:
            self.publisher.layer_subscribers[self.layer].discard(self)
        self.layer, self._target = layer, None
        self.rewriter.switch()

    def push(self, frame: AssembledFrame) -> None:
        """Queues a frame for sending; drops instead of blocking."""
        if self._paused:
            return
        if not self._enabled:
            self.frames_skipped += 1
            return
        if self._waiting_for_keyframe:
            if not frame.keyframe:
                # keep asking (a request can be lost or ignored): paced upstream
                self.frames_dropped += 1
                if self.publisher is not None:
                    self.publisher.request_keyframe()
                return
            self._waiting_for_keyframe = False
        if self._ts_offset is None:
            # continue from the last timestamp queued, one frame later
            step = self._clock // 30 if self.kind == "video" else 960
            self._ts_offset = self._last_queued + step - frame.timestamp
        pts = (frame.timestamp + self._ts_offset) & 0xFFFFFFFF
        self._last_queued = pts
        encoded = EncodedFrame(frame.data, pts, self._time_base)
        try:
            self._queue.put_nowait(encoded)
        except asyncio.QueueFull:
            self._overflow(encoded)

    def push_packet(self, packet: RtpIn, layer: int = 0) -> None:
        """Rewrites one packet's numbers and sends it at once (packet path): no queue,
        nothing to lag behind; a slow link loses packets in the network, where its
        receiver's NACKs and the relay's history deal with it. Never blocks.

        Args:
            packet: The packet, as the publisher received it.
            layer: Its simulcast layer (a packet of another layer than the one
                followed only matters as the keyframe to switch to it on).
        """
        send = self._send
        if send is None:
            return
        if layer != self.layer:
            if layer != self._target:
                return
            if not packet.keyframe_start:  # keep asking (paced: requests get lost)
                if self.publisher is not None:
                    self.publisher.request_keyframe(layer)
                return
            self._switch_layer(layer)
        if not self._enabled:
            self.frames_skipped += packet.marker
            return
        if self.max_temporal != self._next_temporal and vp8_temporal_switch_point(
                packet.payload):
            self.max_temporal = self._next_temporal
        if self.max_temporal < TOP_TEMPORAL and vp8_temporal_id(
                packet.payload) > self.max_temporal:
            self.rewriter.drop(packet.sequence_number)
            return
        numbers = self.rewriter.rewrite(packet.sequence_number, packet.timestamp,
                                        packet.keyframe_start)
        if numbers is None:
            if self.rewriter.waiting and self.publisher is not None:
                self.publisher.request_keyframe(self.layer)  # one per need (coalesced)
            return
        self.frames_out += packet.marker
        self.bytes_out += len(packet.payload)
        send(numbers[0], numbers[1], packet)

    async def start_sending(self, send: PacketSend) -> None:
        """Forwards packets through ``send`` until the subscriber stops (packet path;
        called when the sender starts: the transport is up). Asks for a keyframe."""
        self._send = send
        self._paused = False
        if self.publisher is not None:
            self.publisher.request_keyframe(self.layer)
        try:
            await self._stopped.wait()
        finally:
            self._send = None

    def _overflow(self, encoded: EncodedFrame) -> None:
        if self.kind == "video":
            dropped = self._queue.qsize()
            while not self._queue.empty():
                self._queue.get_nowait()
            self.frames_dropped += dropped + 1
            self._waiting_for_keyframe = True
            if self.publisher is not None:
                self.publisher.request_keyframe()
        else:
            self._queue.get_nowait()
            self.frames_dropped += 1
            self._queue.put_nowait(encoded)

    async def recv(self) -> EncodedFrame:  # type: ignore[override]
        """Returns the next frame to send (called by aiortc's sender)."""
        if self._paused:
            self._paused = False
            if self.publisher is not None:
                self.publisher.request_keyframe()
        if self.readyState != "live":
            raise MediaStreamError
        if (frame := await self._queue.get()) is None:
            raise MediaStreamError
        self.frames_out += 1
        self.bytes_out += len(frame.data)
        return frame

    def stop(self) -> None:
        """Ends the track (the sender stops). Idempotent."""
        self.attach(None)
        if self.readyState == "live":
            while not self._queue.empty():
                self._queue.get_nowait()
            self._queue.put_nowait(None)
            self._stopped.set()
        super().stop()
