"""Connection quality: a pure scorer with hysteresis, and the media mode it implies.

No I/O and no clock reads: samples carry their time. A sampler (edge code) feeds
:class:`QualityTracker` one :class:`LinkSample` per direction every ~2 s, built from
the relay's RTCP view (uplink: what the relay receives from a publisher) or the
browser's own ``getStats`` report (downlink: what the participant receives).

Hysteresis: the level drops as soon as one sample is worse (two for a drop to
``fair`` only), and rises one step at a time, only after ``recover_after`` seconds
in which every sample was at least that good: degrade fast, recover slowly.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class QualityLevel(IntEnum):
    """Connection quality, ordered (higher is better)."""

    LOST = 0
    POOR = 1
    FAIR = 2
    GOOD = 3

    @property
    def label(self) -> str:
        """The wire name."""
        return self.name.lower()


class MediaMode(StrEnum):
    """What a participant sends and receives."""

    VIDEO = "video"
    AUDIO_ONLY = "audio_only"
    CHAT_ONLY = "chat_only"


@dataclass(frozen=True, slots=True)
class LinkSample:
    """One measurement window of one direction of one participant's link.

    Attributes:
        at: End of the window (seconds, any monotonic clock).
        loss: Fraction of packets lost in the window (0..1).
        jitter_ms: Interarrival jitter.
        rtt_ms: Round-trip time, or ``None`` if unknown.
        delivered_kbps: Media bitrate that arrived.
        expected_kbps: What the sender tried to send, or ``None`` if unknown.
        packets: Packets that arrived in the window.
    """

    at: float
    loss: float
    jitter_ms: float
    rtt_ms: float | None
    delivered_kbps: float
    expected_kbps: float | None
    packets: int


def instant_level(sample: LinkSample) -> QualityLevel:
    """The level one sample shows on its own (thresholds from WebRTC practice)."""
    if sample.packets == 0 or sample.loss >= 0.5:
        return QualityLevel.LOST
    ratio = (
        sample.delivered_kbps / sample.expected_kbps
        if sample.expected_kbps and sample.expected_kbps > 0
        else 1.0
    )
    rtt = sample.rtt_ms or 0.0
    if sample.loss >= 0.10 or rtt >= 600 or sample.jitter_ms >= 100 or ratio < 0.4:
        return QualityLevel.POOR
    if sample.loss >= 0.03 or rtt >= 300 or sample.jitter_ms >= 40 or ratio < 0.75:
        return QualityLevel.FAIR
    return QualityLevel.GOOD


class QualityTracker:
    """The smoothed level of one direction of one link.

    Args:
        recover_after: Seconds of consistently better samples before rising a step.
    """

    def __init__(self, recover_after: float = 10.0) -> None:
        self.level = QualityLevel.GOOD
        self.recover_after = recover_after
        self._better_since: float | None = None
        self._fair_streak = 0

    def add(self, sample: LinkSample) -> QualityLevel | None:
        """Feeds one sample; returns the new level if it changed, else ``None``."""
        seen = instant_level(sample)
        if seen < self.level:
            self._better_since = None
            if seen is QualityLevel.FAIR and self.level is QualityLevel.GOOD:
                self._fair_streak += 1
                if self._fair_streak < 2:
                    return None  # one fair sample is noise
            self._fair_streak = 0
            self.level = seen
            return seen
        self._fair_streak = 0
        if seen == self.level:
            self._better_since = None
            return None
        if self._better_since is None:
            self._better_since = sample.at
            return None
        if sample.at - self._better_since >= self.recover_after:
            self.level = QualityLevel(self.level + 1)
            self._better_since = sample.at if seen > self.level else None
            return self.level
        return None


def media_mode(
    uplink: QualityLevel,
    downlink: QualityLevel,
    chosen: MediaMode | None = None,
    media_connected: bool = True,
) -> tuple[MediaMode, str]:
    """The media mode a participant should be in, and why (plain words).

    A mode the person chose themselves caps the result (they may pick audio-only
    on a good link); the network can only lower it further.
    """
    if not media_connected:
        mode, why = MediaMode.CHAT_ONLY, "media could not connect"
    elif uplink is QualityLevel.LOST or downlink is QualityLevel.LOST:
        mode, why = MediaMode.CHAT_ONLY, "the connection cannot carry audio"
    elif downlink <= QualityLevel.POOR:
        mode, why = MediaMode.AUDIO_ONLY, "your connection cannot receive video"
    elif uplink <= QualityLevel.POOR:
        mode, why = MediaMode.AUDIO_ONLY, "your connection cannot send video"
    else:
        mode, why = MediaMode.VIDEO, "your connection is good"
    order = [MediaMode.CHAT_ONLY, MediaMode.AUDIO_ONLY, MediaMode.VIDEO]
    if chosen is not None and order.index(chosen) < order.index(mode):
        return chosen, "you chose it"
    return mode, why
