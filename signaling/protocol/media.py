"""The client's media messages (publish offers, subscribe answers, mute states,
quality reports, chosen modes, restarts, screen shares). :mod:`signaling.protocol`
puts them in its discriminated unions and re-exports them; import them from there.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from session_room.quality import MediaMode
from signaling.protocol.base import Message as _Message
from signaling.protocol.base import RequestId

MAX_SDP_CHARS = 64_000
"""Longer SDP is refused (a real offer is a few kilobytes)."""


class PublishOffer(_Message):
    """SDP offer of the client's send PeerConnection: its camera and microphone, or
    (``source`` ``screen``) a separate connection for a shared screen, which starts
    the share (refused with ``screen_share_taken`` while a mentee asks during someone
    else's share; a mentor takes over)."""

    type: Literal["publish_offer"] = "publish_offer"
    id: RequestId | None = None
    sdp: str = Field(min_length=1, max_length=MAX_SDP_CHARS)
    source: Literal["camera", "screen"] = "camera"


class StopScreenShare(_Message):
    """The sharer stops sharing (their page's button or the browser's own bar)."""

    type: Literal["stop_screen_share"] = "stop_screen_share"
    id: RequestId | None = None


class SubscribeAnswer(_Message):
    """SDP answer to the server's ``subscribe_offer`` of that revision."""

    type: Literal["subscribe_answer"] = "subscribe_answer"
    id: RequestId | None = None
    revision: int
    sdp: str = Field(min_length=1, max_length=MAX_SDP_CHARS)


class SetMediaState(_Message):
    """The client muted/unmuted its microphone or turned its camera off/on."""

    type: Literal["set_media_state"] = "set_media_state"
    id: RequestId | None = None
    audio_muted: bool
    video_muted: bool


class QualityReport(_Message):
    """What the client received in the last window (from its ``getStats``), every ~1 s.

    Counts are deltas over the window, summed over every received track.
    """

    type: Literal["quality_report"] = "quality_report"
    id: RequestId | None = None
    window_ms: int = Field(ge=200, le=60_000)
    packets_received: int = Field(ge=0)
    packets_lost: int = Field(ge=0)
    bytes_received: int = Field(ge=0)
    jitter_ms: float = Field(ge=0, le=60_000)
    rtt_ms: float | None = Field(default=None, ge=0, le=60_000)
    available_outgoing_kbps: float | None = Field(default=None, ge=0)
    device_busy: bool = False
    """The page's computer was short of CPU in the window (CPU pressure, the encoder
    limited by CPU, or the page's own timers running late)."""
    tile_heights: dict[Annotated[str, Field(max_length=64)],
                       Annotated[int, Field(ge=0, le=20_000)]] = Field(
        default_factory=dict, max_length=16)
    """How tall (CSS pixels) the page shows each other participant's video, by
    participant id: a small tile needs no top layer."""


class ChooseMediaMode(_Message):
    """The participant caps their media mode (``null``: automatic again)."""

    type: Literal["choose_media_mode"] = "choose_media_mode"
    id: RequestId | None = None
    mode: MediaMode | None


class MediaRestart(_Message):
    """The client rebuilt its peer connections; the server makes a new receive
    connection (and offers it) and expects a new ``publish_offer``."""

    type: Literal["media_restart"] = "media_restart"
    id: RequestId | None = None
