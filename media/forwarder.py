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
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from fractions import Fraction

from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from media.assembler import AssembledFrame
from media.rtp_rewriter import StreamRewriter, vp8_keyframe_start

logger = logging.getLogger(__name__)

VIDEO_CLOCK = 90_000
AUDIO_CLOCK = 48_000
KEYFRAME_REQUEST_INTERVAL = 0.35
"""Seconds between two keyframe requests sent upstream for one publisher (Chrome
ignores a PLI that comes less than 300 ms after the previous one)."""
KEYFRAME_RETRY_SECONDS = 0.7
"""An unanswered keyframe request is repeated after this long (the request or the
keyframe was lost); while one is outstanding, further needs share it."""
DEFAULT_VIDEO_QUEUE = 30
DEFAULT_AUDIO_QUEUE = 50


@dataclass(frozen=True, slots=True)
class EncodedFrame:
    """An encoded frame as aiortc's sender expects from a passthrough track.

    aiortc's ``RTCRtpSender`` calls ``encoder.pack(frame)`` for anything that is not
    an ``av.Frame``; ``pack`` reads ``bytes(frame)``, ``frame.pts`` and
    ``frame.time_base``. This avoids allocating an ``av.Packet`` per subscriber.
    """

    data: bytes
    pts: int
    time_base: Fraction

    def __bytes__(self) -> bytes:
        return self.data


@dataclass(frozen=True, slots=True)
class RtpIn:
    """One packet as the relay received it (after SRTP and RTX unwrapping): what a
    subscriber needs to forward it. Read once per packet, shared by every subscriber:
    ``keyframe_start``, and the time it is forwarded (``ntp``, 64-bit NTP, for sender
    reports; ``abs_send_time``, the 3-byte header extension value)."""

    sequence_number: int
    timestamp: int
    marker: bool
    payload: bytes
    audio_level: tuple[bool, int] | None
    keyframe_start: bool
    ntp: int
    abs_send_time: bytes


PacketSend = Callable[[int, int, RtpIn], None]
"""Sends one packet to one subscriber with the given (sequence number, timestamp)."""
NTP_UNIX_OFFSET = 2_208_988_800
"""Seconds from the NTP epoch (1900) to the Unix epoch."""


def ntp_now() -> int:
    """The wall clock as a 64-bit NTP timestamp (32.32 fixed point)."""
    return int((time.time() + NTP_UNIX_OFFSET) * 4_294_967_296)


class Publisher:
    """One inbound track of one participant, fanned out to subscribers.

    Args:
        participant_id: Whose track this is.
        kind: ``"audio"`` or ``"video"``.
        send_keyframe_request: Coroutine factory that sends a PLI upstream.
        on_first_frame: Called once, when the first frame arrives.
    """

    def __init__(
        self,
        participant_id: str,
        kind: str,
        send_keyframe_request: Callable[[], Awaitable[None]],
        on_first_frame: Callable[[Publisher], None],
    ) -> None:
        self.participant_id = participant_id
        self.kind = kind
        self.subscribers: set[Subscriber] = set()
        self.frames_in = 0
        self.bytes_in = 0
        self.keyframe_requests_sent = 0
        self._send_keyframe_request = send_keyframe_request
        self._on_first_frame = on_first_frame
        self._last_request = -1e9
        self._request_task: asyncio.Future[None] | None = None
        self._deferred: asyncio.TimerHandle | None = None
        self._outstanding = False
        """A request was sent and no keyframe has arrived since."""
        self._closed = False

    def on_frame(self, frame: AssembledFrame) -> None:
        """Fans one assembled frame out to every subscriber (never blocks)."""
        if self._closed:
            return
        self.frames_in += 1
        self.bytes_in += len(frame.data)
        if self.frames_in == 1:
            self._on_first_frame(self)
        if frame.keyframe:  # answers every need so far: nothing more to ask
            self._keyframe_arrived()
        for subscriber in self.subscribers:
            subscriber.push(frame)

    def on_packet(self, sequence_number: int, timestamp: int, marker: bool, payload: bytes,
                  audio_level: tuple[bool, int] | None) -> None:
        """Fans one RTP packet out to every subscriber as it arrives (packet path)."""
        if self._closed:
            return
        if self.bytes_in == 0 and payload:
            self._on_first_frame(self)
        self.bytes_in += len(payload)
        self.frames_in += marker
        start = self.kind == "video" and vp8_keyframe_start(payload)
        if start:
            self._keyframe_arrived()
        ntp = ntp_now()
        packet = RtpIn(sequence_number, timestamp, marker, payload, audio_level, start, ntp,
                       (ntp >> 14 & 0xFFFFFF).to_bytes(3, "big"))
        for subscriber in self.subscribers:
            subscriber.push_packet(packet)

    def _keyframe_arrived(self) -> None:
        self._outstanding = False
        if self._deferred is not None:
            self._deferred.cancel()
            self._deferred = None

    def request_keyframe(self) -> None:
        """Asks the publisher's sender for a keyframe: one request per need.

        Needs that come while a request is outstanding (sent, no keyframe since) share
        it, and it is repeated only after :data:`KEYFRAME_RETRY_SECONDS`; otherwise
        requests are at least :data:`KEYFRAME_REQUEST_INTERVAL` apart (a need inside
        the interval is deferred, not lost). A keyframe cancels a deferred request.
        """
        if self.kind != "video" or self._closed or self._deferred is not None:
            return
        pause = KEYFRAME_RETRY_SECONDS if self._outstanding else KEYFRAME_REQUEST_INTERVAL
        wait = self._last_request + pause - time.monotonic()
        if wait > 0:
            self._deferred = asyncio.get_running_loop().call_later(wait, self._send_now)
            return
        self._send_now()

    def _send_now(self) -> None:
        self._deferred = None
        if self._closed:
            return
        self._last_request = time.monotonic()
        self._outstanding = True
        self.keyframe_requests_sent += 1
        if self._request_task is None or self._request_task.done():
            self._request_task = asyncio.ensure_future(self._send_keyframe_request())

    def close(self) -> None:
        """Detaches every subscriber and stops forwarding. Idempotent."""
        if self._closed:
            return
        self._closed = True
        for subscriber in list(self.subscribers):
            subscriber.attach(None)
        if self._request_task is not None:
            self._request_task.cancel()
        if self._deferred is not None:
            self._deferred.cancel()


class Subscriber(MediaStreamTrack):
    """One outbound copy of a publisher's track to one participant.

    The subscriber is bound to a sender (one transceiver of the participant's
    receive PeerConnection) for its whole life and can be re-pointed to another
    publisher with :meth:`attach`, so a transceiver is re-used when people come and
    go. Timestamps are rebased so each switch continues forward in time.

    It starts paused: frames are dropped until aiortc's sender first asks for one
    (the transport is connected), which resumes it and requests a keyframe.

    A video subscriber can be switched off (:attr:`enabled`) when the receiving
    link cannot carry video: frames are skipped, and switching it back on waits
    for a keyframe (which it requests).
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
                self.publisher.request_keyframe()

    def attach(self, publisher: Publisher | None) -> None:
        """Points this subscriber at ``publisher`` (or nothing)."""
        if self.publisher is publisher:
            return
        if self.publisher is not None:
            self.publisher.subscribers.discard(self)
        self.publisher = publisher
        self._ts_offset = None
        self.rewriter.switch()
        self._waiting_for_keyframe = self.kind == "video"
        if publisher is not None:
            publisher.subscribers.add(self)
            if not self._paused:
                publisher.request_keyframe()

    def push(self, frame: AssembledFrame) -> None:
        """Queues a frame for sending; drops instead of blocking."""
        if self._paused:
            return
        if not self._enabled:
            self.frames_skipped += 1
            return
        if self._waiting_for_keyframe:
            if not frame.keyframe:
                # keep asking: a request can be lost, or ignored by a sender that
                # rate-limits them (Chrome drops PLIs closer than ~300 ms apart);
                # the publisher throttles, so this is at most one PLI per interval
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

    def push_packet(self, packet: RtpIn) -> None:
        """Rewrites one packet's numbers and sends it at once (packet path): no queue,
        nothing to lag behind; a slow link loses packets in the network, where its
        receiver's NACKs and the relay's history deal with it. Never blocks."""
        send = self._send
        if send is None:
            return
        if not self._enabled:
            self.frames_skipped += packet.marker
            return
        numbers = self.rewriter.rewrite(packet.sequence_number, packet.timestamp,
                                        packet.keyframe_start)
        if numbers is None:
            if self.rewriter.waiting and self.publisher is not None:
                self.publisher.request_keyframe()  # one request per need (coalesced)
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
            self.publisher.request_keyframe()
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
        frame = await self._queue.get()
        if frame is None:
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
