"""Connection quality: a pure scorer with hysteresis.

No I/O and no clock reads: samples carry their time. The edge feeds one
:class:`LinkSample` per direction of a participant's link every ~2 s, built from
the relay's RTCP view (uplink: what the relay receives from a publisher) or the
browser's own ``getStats`` report (downlink: what the participant received of what
the relay sent). :mod:`session_room.media_mode` turns the levels into a mode.
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
    """What a participant sends and receives (ordered by :data:`MODE_ORDER`)."""

    VIDEO = "video"
    AUDIO_ONLY = "audio_only"
    CHAT_ONLY = "chat_only"


MODE_ORDER = (MediaMode.CHAT_ONLY, MediaMode.AUDIO_ONLY, MediaMode.VIDEO)
"""Media modes from least to most media."""


class ModeReason(StrEnum):
    """Why a participant is in their media mode."""

    GOOD_LINK = "good_link"
    WEAK_DOWNLINK = "weak_downlink"
    WEAK_UPLINK = "weak_uplink"
    NO_AUDIO = "no_audio"
    MEDIA_FAILED = "media_failed"
    CHOSEN = "chosen"
    DEVICE_BUSY = "device_busy"
    """Video at a lower step because the sender's computer is short of CPU."""


class LinkDirection(StrEnum):
    """Which way media goes, seen from the participant."""

    UPLINK = "uplink"
    DOWNLINK = "downlink"


VIDEO_MIN_KBPS = 150.0
"""Below this much sending capacity, video is not viable (audio needs ~40)."""


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
        capacity_kbps: The sender's own estimate of what it can send (a browser's
            ``availableOutgoingBitrate``), or ``None`` if unknown.
        device_busy: The measuring side's computer was short of CPU in the window
            (the page's CPU pressure or late timers, or the relay's own event-loop
            lag): its low estimates, jitter and late packets say little about the
            network.
    """

    at: float
    loss: float
    jitter_ms: float
    rtt_ms: float | None
    delivered_kbps: float
    expected_kbps: float | None
    packets: int
    capacity_kbps: float | None = None
    device_busy: bool = False


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
    if sample.device_busy and sample.loss < 0.05 and rtt < 1000:
        # a starved computer, not a weak link: its bandwidth estimate falls and its
        # packets come late, and the round trip it measures includes its own delay in
        # answering, but little is lost. It may be fair (the person is told their
        # computer is busy), never poor; loss or a very long round trip is a weak link.
        return QualityLevel.FAIR if (ratio < 0.75 or sample.jitter_ms >= 40 or (
            sample.capacity_kbps is not None and sample.capacity_kbps < VIDEO_MIN_KBPS)
        ) else QualityLevel.GOOD
    capacity = sample.capacity_kbps if sample.capacity_kbps is not None else VIDEO_MIN_KBPS
    if (sample.loss >= 0.10 or rtt >= 600 or sample.jitter_ms >= 100 or ratio < 0.4
            or capacity < VIDEO_MIN_KBPS):
        return QualityLevel.POOR
    if sample.loss >= 0.03 or rtt >= 300 or sample.jitter_ms >= 40 or ratio < 0.75:
        return QualityLevel.FAIR
    return QualityLevel.GOOD


RECOVER_AFTER = 10.0
"""Seconds a link must stay better before its level rises."""
MAX_RECOVER_AFTER = 80.0
"""The longest wait after repeated failed recoveries."""
STABLE_AFTER = 60.0
"""A level that held this long after a rise resets the wait to its base."""


class QualityTracker:
    """The smoothed level of one direction of one link.

    Degrade fast: the level drops at the first worse sample (two in a row for a
    drop from ``good`` to ``fair``, and for a drop to ``poor`` with nothing lost).
    Recover slowly: it rises only after ``recover_after`` seconds in which every
    sample was better, and then to the worst level seen during that time. A drop
    soon after a rise (a failed recovery, e.g. video resumed on a link still capped)
    doubles the wait, up to :data:`MAX_RECOVER_AFTER`, so a persisting impairment
    does not flap.

    Args:
        recover_after: Base seconds of consistently better samples before rising.
    """

    def __init__(self, recover_after: float = RECOVER_AFTER) -> None:
        self.level = QualityLevel.GOOD
        self.last_seen = QualityLevel.GOOD
        self.base_wait = recover_after
        self.recover_after = recover_after
        self._better_since: float | None = None
        self._floor = QualityLevel.GOOD
        self._risen_at: float | None = None
        self._fair_streak = 0
        self._lossless_poor = 0

    def add(self, sample: LinkSample) -> QualityLevel | None:
        """Feeds one sample; returns the new level if it changed, else ``None``."""
        seen = self.last_seen = instant_level(sample)
        if (seen is QualityLevel.POOR and self.level > QualityLevel.POOR
                and sample.loss < 0.03 and ((sample.rtt_ms or 0.0) < 600 or sample.device_busy)):
            # poor on a low estimate, late packets or a short delivery alone, with
            # nothing lost: a starving computer looks like this for a few seconds before
            # its page can say so; two such samples in a row are needed to drop to poor
            self._lossless_poor += 1
            if self._lossless_poor < 2:
                seen = QualityLevel.FAIR
        else:
            self._lossless_poor = 0
        if seen < self.level:
            self._better_since = None
            if seen is QualityLevel.FAIR and self.level is QualityLevel.GOOD:
                self._fair_streak += 1
                if self._fair_streak < 2:
                    return None  # one fair sample is noise
            self._fair_streak = 0
            self._back_off(sample.at)
            self.level = seen
            return seen
        self._fair_streak = 0
        if seen == self.level:
            self._better_since = None
            return None
        if self._better_since is None:
            self._better_since, self._floor = sample.at, seen
            return None
        self._floor = min(self._floor, seen)
        if sample.at - self._better_since < self.recover_after:
            return None
        self.level, self._risen_at, self._better_since = self._floor, sample.at, None
        return self.level

    def _back_off(self, at: float) -> None:
        if self._risen_at is None:
            return
        since_rise = at - self._risen_at
        if since_rise < self.base_wait:
            self.recover_after = min(self.recover_after * 2, MAX_RECOVER_AFTER)
        elif since_rise >= STABLE_AFTER:
            self.recover_after = self.base_wait


