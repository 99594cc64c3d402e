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
class LinkCounters:
    """Cumulative counters of one participant's media, as the relay sees them.

    Attributes:
        up_packets: RTP packets received from them (all their tracks).
        up_lost: Packets they sent that never arrived (sequence gaps).
        up_jitter_ms: The worst interarrival jitter of their tracks.
        up_bytes: Media payload bytes received from them.
        publishing: Whether they have a publish connection with tracks.
        down_bytes: Media payload bytes forwarded to them.
    """

    up_packets: int = 0
    up_lost: int = 0
    up_jitter_ms: float = 0.0
    up_bytes: int = 0
    publishing: bool = False
    down_bytes: int = 0


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
