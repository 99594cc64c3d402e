"""The media mode a participant's link allows: video, audio-only or chat-only.

Pure: :class:`LinkState` folds link samples (both directions), the person's own
choice and whether media connected at all into a :class:`LinkView`. Rules:

* Video off in a direction as soon as that direction's smoothed level is ``poor``
  or worse (the relay stops forwarding video to a weak downlink; a weak uplink is
  asked to stop sending it). Either way the person is *audio-only*; the other
  direction keeps its video.
* *Chat-only* when audio is not viable either: :data:`CHAT_ONLY_AFTER` lost
  samples in a row measured while video was already off in that direction (so a
  link drowned by video gets the chance to carry audio alone first), or when media
  did not connect at all.
* While the uplink carries no video, the sender's own bandwidth estimate is not
  scored (without video to probe with, a browser's estimate stays low after the
  bottleneck has gone).
* Back up only when the trackers rise (see :class:`QualityTracker`: after a good
  while, with backoff after failed recoveries).
* A busy computer is not a weak link: a sample taken while the device (or the relay)
  was short of CPU, with little loss and a short round trip, scores at worst ``fair``
  (see :func:`session_room.quality.instant_level`), so CPU pressure alone never
  switches anyone to audio-only; the view says the device is busy.
* A mode the person chose caps the result until they change it, also when the link
  alone already gives that mode: the reason is then the choice.
* Video steps down before it stops (:mod:`session_room.layers`): the downlink's
  budget, cut to what a weak link carried, decides whether video reaches the person
  at all (not below :data:`VIDEO_MIN_KBPS`), and the relay reports the step it
  gives them (a lower layer or frame rate) with its reason, shown as the reason
  while the mode is video.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from session_room.layers import DownlinkBudget, VideoStep
from session_room.quality import (
    MODE_ORDER,
    VIDEO_MIN_KBPS,
    LinkDirection,
    LinkSample,
    MediaMode,
    ModeReason,
    QualityLevel,
    QualityTracker,
)

CHAT_ONLY_AFTER = 2
"""Consecutive lost samples, with video already off, that mean audio is not viable."""


@dataclass(frozen=True, slots=True)
class LinkView:
    """What a participant's link allows now.

    Attributes:
        quality: The worse of the two directions' smoothed levels.
        mode: The media mode.
        reason: Why (the network, a failure, or the person's choice).
        sends_video: Whether their browser should send video.
        receives_video: Whether the relay forwards video to them.
        device_busy: Their computer (or the relay) was short of CPU in the latest
            sample: a low level is the device's, not the network's ("your computer
            is busy", never audio-only for it alone).
        video_step: The step of video they are on (``off`` unless the mode is video).
        budget_kbps: Their downlink's budget (``None``: not limited).
    """

    quality: QualityLevel = QualityLevel.GOOD
    mode: MediaMode = MediaMode.VIDEO
    reason: ModeReason = ModeReason.GOOD_LINK
    sends_video: bool = True
    receives_video: bool = True
    device_busy: bool = False
    video_step: VideoStep = VideoStep.FULL
    budget_kbps: float | None = None


class LinkState:
    """The link of one participant, both directions.

    Args:
        recover_after: Base seconds of good samples before a level rises.
    """

    def __init__(self, recover_after: float | None = None) -> None:
        self._trackers = {
            d: QualityTracker() if recover_after is None else QualityTracker(recover_after)
            for d in LinkDirection
        }
        self._lost_runs = dict.fromkeys(LinkDirection, 0)
        self.chosen: MediaMode | None = None
        self.connected = True
        self._no_audio = False
        self._busy = dict.fromkeys(LinkDirection, False)
        self.budget = DownlinkBudget()
        self.step, self.step_reason = VideoStep.FULL, ModeReason.GOOD_LINK
        """The step the relay reports, and why it is below full."""

    def level(self, direction: LinkDirection) -> QualityLevel:
        """The smoothed level of one direction."""
        return self._trackers[direction].level

    def add(self, direction: LinkDirection, sample: LinkSample) -> None:
        """Feeds one sample of one direction."""
        tracker = self._trackers[direction]
        if (direction is LinkDirection.UPLINK and tracker.level <= QualityLevel.POOR
                and sample.capacity_kbps is not None):
            # not sending video: a browser's estimate without video to probe with stays
            # low after a bottleneck has gone, so it would keep the video off for good
            sample = dataclasses.replace(sample, capacity_kbps=None)
        self._busy[direction] = sample.device_busy
        video_was_off = (tracker.level <= QualityLevel.POOR if direction is LinkDirection.UPLINK
                         else not self._receives())
        tracker.add(sample)
        if direction is LinkDirection.DOWNLINK:
            self.budget.add(sample)
        if tracker.last_seen is QualityLevel.LOST and video_was_off:
            self._lost_runs[direction] += 1
        else:
            self._lost_runs[direction] = 0
        if self._lost_runs[direction] >= CHAT_ONLY_AFTER:
            self._no_audio = True
        elif all(t.level > QualityLevel.LOST for t in self._trackers.values()):
            self._no_audio = False

    def reconnect(self, connected: bool) -> None:
        """Media connected again (or failed). A new connection starts afresh: what the
        old one measured (lost samples, a cut budget, a wait doubled by failed
        recoveries) says nothing about it, and a weak one is caught within seconds."""
        if connected and not self.connected:
            self._trackers = {d: QualityTracker(t.base_wait)
                              for d, t in self._trackers.items()}
            self._lost_runs = dict.fromkeys(LinkDirection, 0)
            self._no_audio = False
            self.budget = DownlinkBudget(self.budget.base_wait)
        self.connected = connected

    def _receives(self) -> bool:
        return self.budget.kbps is None or self.budget.kbps >= VIDEO_MIN_KBPS

    def view(self) -> LinkView:
        """The mode, reason and video directions the link allows now."""
        up = self._trackers[LinkDirection.UPLINK].level
        down = self._trackers[LinkDirection.DOWNLINK].level
        sends, receives = up >= QualityLevel.FAIR, self._receives()
        if not self.connected:
            mode, reason = MediaMode.CHAT_ONLY, ModeReason.MEDIA_FAILED
        elif self._no_audio:
            mode, reason = MediaMode.CHAT_ONLY, ModeReason.NO_AUDIO
        elif not receives:
            mode, reason = MediaMode.AUDIO_ONLY, ModeReason.WEAK_DOWNLINK
        elif not sends:
            mode, reason = MediaMode.AUDIO_ONLY, ModeReason.WEAK_UPLINK
        elif self.step < VideoStep.FULL:
            mode, reason = MediaMode.VIDEO, self.step_reason
        else:
            mode, reason = MediaMode.VIDEO, ModeReason.GOOD_LINK
        if (self.chosen is not None and self.chosen is not MediaMode.VIDEO
                and MODE_ORDER.index(self.chosen) <= MODE_ORDER.index(mode)):
            # a choice at or below what the link allows is the choice, whatever made
            # the link's mode (choosing audio-only while already audio-only for a weak
            # link stops video both ways, and the reason shown and logged is "chosen")
            mode, reason = self.chosen, ModeReason.CHOSEN
        if mode is MediaMode.CHAT_ONLY or reason is ModeReason.CHOSEN:
            sends = receives = False
        step = self.step if mode is MediaMode.VIDEO else VideoStep.OFF
        return LinkView(min(up, down), mode, reason, sends, receives,
                        any(self._busy.values()), step, self.budget.kbps)
