"""Typed events the relay pushes to the session worker (no callbacks into the domain)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Direction(StrEnum):
    """Direction of a peer transport, seen from the client."""

    PUBLISH = "publish"
    SUBSCRIBE = "subscribe"


@dataclass(frozen=True, slots=True)
class TrackSlot:
    """What one transceiver (by ``mid``) of a receive PeerConnection carries."""

    mid: str
    participant_id: str
    kind: str


@dataclass(frozen=True, slots=True)
class SubscribeOfferReady:
    """A new offer for a participant's receive PeerConnection is ready to send."""

    participant_id: str
    revision: int
    sdp: str
    tracks: tuple[TrackSlot, ...]


@dataclass(frozen=True, slots=True)
class MediaFlowing:
    """The first frame of a participant's track reached the relay."""

    participant_id: str
    kind: str


@dataclass(frozen=True, slots=True)
class TransportFailed:
    """A participant's peer connection failed (ICE/DTLS)."""

    participant_id: str
    direction: Direction


@dataclass(frozen=True, slots=True)
class TransportConnected:
    """A participant's peer connection connected (again)."""

    participant_id: str
    direction: Direction


@dataclass(frozen=True, slots=True)
class StreamCounters:
    """Cumulative counters of one received RTP stream (one SSRC; never an RTX stream).

    Attributes:
        ssrc: The stream.
        packets: Packets received.
        lost: Packets that never arrived (sequence gaps).
        jitter_ms: RFC 3550 interarrival jitter (stale while the stream is paused).
    """

    ssrc: int
    packets: int
    lost: int
    jitter_ms: float


@dataclass(frozen=True, slots=True)
class VideoSource:
    """One participant's camera as the relay receives it (for the layer policy).

    Attributes:
        participant_id: Whose camera (or screen).
        key: Names the stream (the publisher's key: a screen's differs).
        screen: It is a shared screen, not a camera.
        layers: How many simulcast layers it comes in (1: none).
        layer_bytes: Payload bytes received so far, per layer (lowest first).
        layer_age: Seconds since each layer's latest packet (``None``: never).
        loud_packets: Audio packets of theirs so far with a speaking level.
    """

    participant_id: str
    key: str
    screen: bool
    layers: int
    layer_bytes: tuple[int, ...]
    layer_age: tuple[float | None, ...]
    loud_packets: int


@dataclass(frozen=True, slots=True)
class LinkCounters:
    """Cumulative counters of one participant's media, as the relay sees them.

    Attributes:
        up_streams: The media streams received from them (RTX excluded).
        up_bytes: Media payload bytes received from them.
        publishing: Whether they have a publish connection with tracks.
        down_bytes: Media payload bytes forwarded to them.
        down_gaps: Packets lost upstream that were forwarded to them as gaps (their
            browser counts them as lost, but not on their link).
    """

    up_streams: tuple[StreamCounters, ...] = ()
    up_bytes: int = 0
    publishing: bool = False
    down_bytes: int = 0
    down_gaps: int = 0

    @property
    def up_packets(self) -> int:
        """Packets received from them, all streams."""
        return sum(s.packets for s in self.up_streams)

    @property
    def up_lost(self) -> int:
        """Packets of theirs lost on the way, all streams."""
        return sum(s.lost for s in self.up_streams)


MediaEvent = SubscribeOfferReady | MediaFlowing | TransportFailed | TransportConnected


class MediaError(Exception):
    """A media request was refused; ``code`` is a stable error code string.

    Attributes:
        code: ``invalid_sdp``, ``codec_unsupported``, ``stale_answer`` or ``not_allowed``.
        message: A human sentence.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
