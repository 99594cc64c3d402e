"""Which video layer each viewer gets of each camera or screen: a pure policy.

Pure: no I/O and no clock reads (samples carry their time). Two parts:

* :class:`DownlinkBudget` turns a viewer's downlink samples into a bitrate budget:
  a weak sample (``poor`` or worse on its own, see
  :func:`session_room.quality.instant_level`) sets it to a share of what actually
  arrived (the rate the link carried), at once, and a weak sample right after
  another whose loss did not fall although the relay sends within the budget halves
  it at least (loss that does not fall with the rate, such as random loss, steps
  video down fast and ends in audio-only); after :data:`RISE_AFTER` seconds
  without a weak sample it doubles every :data:`RISE_EVERY` seconds until it no
  longer limits anything. A weak sample soon after a rise (a failed recovery)
  doubles the wait, up to :data:`MAX_RISE_AFTER`, as :class:`QualityTracker` does. A
  busy computer's samples are never weak on their own (its level is ``fair`` at
  worst), so CPU pressure alone never lowers the budget.
* :func:`allocate` shares a budget between the streams one viewer receives: audio
  first (reserved), then by priority (a screen share, then the active speaker, then
  the rest), each first at its lowest step, then raised in priority order as far as
  the budget and the tile it is shown in allow (a small tile never needs the top
  layer).

The relay applies the steps (:class:`VideoStep`) by forwarding some packets and
not others: never transcoding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from types import MappingProxyType

from session_room.quality import LinkSample, QualityLevel, instant_level


class VideoStep(IntEnum):
    """What a viewer gets of one video stream, ordered (higher is more)."""

    OFF = 0
    """Nothing (audio only)."""
    LOW_FPS = 1
    """The low layer at a quarter of the frame rate."""
    LOW_HALF_FPS = 2
    """The low layer at half the frame rate."""
    LOW = 3
    """The low layer (320x240 of a 640x480 camera)."""
    FULL = 4
    """The top layer."""

    @property
    def label(self) -> str:
        """The wire name."""
        return self.name.lower()

    @property
    def layer(self) -> tuple[int, int]:
        """The (spatial, temporal) layer indexes the relay forwards for this step
        (spatial 0 the lowest; a publisher's top layer caps it)."""
        return _LAYERS[self]


_LAYERS = {VideoStep.OFF: (0, 0), VideoStep.LOW_FPS: (0, 0), VideoStep.LOW_HALF_FPS: (0, 1),
           VideoStep.LOW: (0, 2), VideoStep.FULL: (2, 2)}


class StreamKind(StrEnum):
    """What a video stream shows."""

    CAMERA = "camera"
    SCREEN = "screen"


DEFAULT_COSTS_KBPS: Mapping[VideoStep, float] = MappingProxyType({
    VideoStep.OFF: 0.0, VideoStep.LOW_FPS: 110.0, VideoStep.LOW_HALF_FPS: 160.0,
    VideoStep.LOW: 250.0, VideoStep.FULL: 750.0})
"""What each step of a camera costs before its layers' own rates are measured."""
AUDIO_KBPS = 40.0
"""Reserved per audio stream (Opus with headers)."""
SMALL_TILE_HEIGHT = 240
"""A tile shown at most this many CSS pixels tall gets no more than the low layer."""
TEMPORAL_SHARE = {VideoStep.LOW_FPS: 0.45, VideoStep.LOW_HALF_FPS: 0.65}
"""The share of the low layer's rate its reduced frame rates carry (VP8 L1T3: the
base layer's frames are the larger ones)."""


def step_costs(top_kbps: float | None, low_kbps: float | None) -> dict[VideoStep, float]:
    """Each step's cost from the measured rates of a stream's top and low layers
    (``None``: not measured; the default is used). A stream of one layer has only a
    top layer: the low steps then cost what it costs."""
    costs = dict(DEFAULT_COSTS_KBPS)
    if top_kbps is not None:
        costs[VideoStep.FULL] = top_kbps
    low = low_kbps if low_kbps is not None else top_kbps
    if low is not None:
        costs[VideoStep.LOW] = low
        for step, share in TEMPORAL_SHARE.items():
            costs[step] = low * share
    return costs


@dataclass(frozen=True, slots=True)
class StreamDemand:
    """One video stream a viewer could receive.

    Attributes:
        key: Names the stream (the allocation's key).
        kind: Camera or screen share.
        speaking: Its sender is the active speaker.
        tile_height: How tall the viewer shows it (CSS pixels), or ``None`` if unknown.
        costs: What each step costs (kbps), see :func:`step_costs`.
    """

    key: str
    kind: StreamKind = StreamKind.CAMERA
    speaking: bool = False
    tile_height: int | None = None
    costs: Mapping[VideoStep, float] = field(default_factory=lambda: DEFAULT_COSTS_KBPS)

    @property
    def priority(self) -> int:
        """Lower is served first."""
        return 0 if self.kind is StreamKind.SCREEN else 1 if self.speaking else 2

    @property
    def cap(self) -> VideoStep:
        """The most this viewer's tile can use."""
        small = self.tile_height is not None and self.tile_height <= SMALL_TILE_HEIGHT
        return VideoStep.LOW if small and self.kind is StreamKind.CAMERA else VideoStep.FULL


def allocate(budget_kbps: float | None, streams: Sequence[StreamDemand],
             audio_streams: int = 0) -> dict[str, VideoStep]:
    """The step each stream gets within ``budget_kbps`` (``None``: no limit).

    Args:
        budget_kbps: The viewer's downlink budget.
        streams: The video streams they could receive.
        audio_streams: Audio streams they receive (reserved first).
    """
    ordered = sorted(streams, key=lambda s: (s.priority, s.key))
    if budget_kbps is None:
        return {s.key: s.cap for s in ordered}
    left = budget_kbps - AUDIO_KBPS * audio_streams
    steps: dict[str, VideoStep] = {}
    for stream in ordered:  # everyone's lowest step first, by priority
        lowest = stream.costs[VideoStep.LOW_FPS]
        steps[stream.key] = VideoStep.LOW_FPS if lowest <= left else VideoStep.OFF
        left -= lowest if steps[stream.key] else 0.0
    for stream in ordered:  # then as high as fits, by priority
        now = steps[stream.key]
        if now is VideoStep.OFF:
            continue
        for step in sorted(VideoStep, reverse=True):
            extra = stream.costs[step] - stream.costs[now]
            if now < step <= stream.cap and extra <= left:
                steps[stream.key], left = step, left - extra
                break
    return steps


DELIVERED_SHARE = 0.85
"""A weak sample's budget: this share of the rate that arrived."""
RISE_AFTER = 6.0
"""Seconds without a weak sample before the budget starts to rise."""
MAX_RISE_AFTER = 24.0
"""The longest wait after repeated failed recoveries."""
RISE_EVERY = 2.0
"""Seconds between two rises (one report window or so: one step at a time)."""
RISE_FACTOR = 2.0
PERSISTING_CUT = 0.5
"""A weak sample right after a weak one, with the last cut in effect, allows at most
this share of the last budget."""
LOSS_KEPT = 0.7
"""Loss at least this share of the last weak sample's did not fall with the cut."""
WEAK_RUN_HALVES = 2
"""After this many weak samples in a row with loss kept, halve even though the relay
still sends more than the budget (a stream without lower steps to go to)."""
CUT_TAKEN = 1.15
"""A cut has taken effect once the relay sends at most this much more than it allows
(a layer switch waits for a keyframe, so the window right after a cut may not show it)."""
UNLIMITED_KBPS = 2500.0
"""A budget above this limits nothing: it is dropped."""
STABLE_AFTER = 60.0
"""A budget that held this long after its last cut resets the wait to its base."""


class DownlinkBudget:
    """The downlink budget of one viewer (see the module docstring).

    Args:
        rise_after: Base seconds without a weak sample before the budget rises.
    """

    def __init__(self, rise_after: float = RISE_AFTER) -> None:
        self.kbps: float | None = None
        self.base_wait = rise_after
        self.wait = rise_after
        self._calm_since: float | None = None
        self._last_rise: float | None = None
        self._cut_at: float | None = None
        self._weak_run = 0
        """Weak samples in a row."""
        self._weak_loss = 0.0

    def add(self, sample: LinkSample) -> bool:
        """Feeds one downlink sample; True if the budget changed."""
        if instant_level(sample) <= QualityLevel.POOR:
            cut = max(0.0, DELIVERED_SHARE * sample.delivered_kbps)
            in_effect = (sample.expected_kbps is not None
                         and sample.expected_kbps <= (self.kbps or 0.0) * CUT_TAKEN)
            if (self._weak_run and self.kbps is not None
                    and sample.loss >= self._weak_loss * LOSS_KEPT
                    and (in_effect or self._weak_run >= WEAK_RUN_HALVES)):
                # still weak although the last cut took effect (the relay sent within
                # it): the loss does not fall with the rate (random loss, or a link
                # falling further), so halve what the last cut allowed
                cut = min(cut, self.kbps * PERSISTING_CUT)
            self._weak_run, self._weak_loss = self._weak_run + 1, sample.loss
            if self._last_rise is not None and sample.at - self._last_rise < self.wait:
                self.wait = min(self.wait * 2, MAX_RISE_AFTER)  # a failed recovery
            elif self._cut_at is not None and sample.at - self._cut_at >= STABLE_AFTER:
                self.wait = self.base_wait
            self._calm_since, self._last_rise, self._cut_at = sample.at, None, sample.at
            if self.kbps is not None and self.kbps <= cut:
                return False
            self.kbps = cut
            return True
        self._weak_run = 0
        if self.kbps is None:
            return False
        if self._calm_since is None:
            self._calm_since = sample.at
        if sample.at - self._calm_since < self.wait:
            return False
        if self._last_rise is not None and sample.at - self._last_rise < RISE_EVERY:
            return False
        self._last_rise = sample.at
        risen = max(self.kbps, AUDIO_KBPS) * RISE_FACTOR
        self.kbps = None if risen > UNLIMITED_KBPS else risen
        return True
