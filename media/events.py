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


MediaEvent = SubscribeOfferReady | MediaFlowing | TransportFailed


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
