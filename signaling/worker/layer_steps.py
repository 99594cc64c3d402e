"""Applies the layer policy (:mod:`session_room.layers`) to the relay, and tells the
room which video step each person is on.

Every :data:`signaling.worker.link_sampler.SAMPLE_SECONDS` (and for one viewer as
soon as their link view changes) it measures each camera's layers (their bitrates,
and which still arrive), finds the active speaker from the audio levels, and for
every viewer allocates their downlink budget over the cameras they receive (tile
sizes from their page's reports), then has the relay forward those layers.

A person's step is the lower of what they receive (the best camera the budget
gives them; a small tile is not a reduced step) and what their own camera reaches
the relay in (the top layer no longer arriving while the low one does: their
uplink, or their busy computer, which the browser then spares).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from media.events import VideoSource
from media.router import SessionRouter
from session_room.commands import ReportVideoStep
from session_room.ids import ParticipantId
from session_room.layers import StreamDemand, StreamKind, VideoStep, allocate, step_costs
from session_room.media_mode import LinkView
from session_room.quality import ModeReason

logger = logging.getLogger(__name__)

ARRIVING_SECONDS = 1.5
"""A layer whose latest packet is older than this is not arriving."""
RATE_WEIGHT = 0.3
"""The weight of the latest window in a layer's measured rate."""
SPEAKER_MIN_PACKETS = 10
"""Loud audio packets in a window that make someone the active speaker."""


def smoothed(before: tuple[float | None, float | None] | None,
             now: tuple[float | None, float | None]) -> tuple[float | None, float | None]:
    """Layer rates averaged with the previous ones (an encoder's rate swings from one
    window to the next; the steps should not follow every swing)."""
    if before is None:
        return now
    return tuple(  # type: ignore[return-value]
        b if n is None else n if b is None else (1 - RATE_WEIGHT) * b + RATE_WEIGHT * n
        for b, n in zip(before, now, strict=True))


def arriving(source: VideoSource, layer: tuple[int, int]) -> tuple[int, int]:
    """``layer``, or the layer that stands in for it while it does not arrive (the
    browser stopped sending it, e.g. its own estimate is low): the best one below
    that arrives, else the lowest one above that does (else ``layer``: nothing does)."""
    spatial, temporal = min(layer[0], source.layers - 1), layer[1]
    fresh = [i for i, age in enumerate(source.layer_age)
             if age is not None and age < ARRIVING_SECONDS]
    below = [i for i in fresh if i <= spatial]
    if spatial in fresh or not fresh:
        return spatial, temporal
    return (max(below) if below else min(fresh)), temporal


class LayerSteps:
    """The layer choices of one session's viewers.

    Args:
        router: The session's media router.
    """

    def __init__(self, router: SessionRouter) -> None:
        self._router = router
        self._views: dict[str, LinkView] = {}
        self._tiles: dict[str, dict[str, int]] = {}
        self._bytes: dict[str, tuple[float, tuple[int, ...]]] = {}
        self._rates: dict[str, tuple[float | None, float | None]] = {}
        self._loud: dict[str, int] = {}
        self._sources: list[VideoSource] = []
        self._steps: dict[str, dict[str, VideoStep]] = {}
        self.speaker: str | None = None
        self.reported: dict[str, tuple[VideoStep, ModeReason]] = {}

    def on_link(self, participant_id: str, view: LinkView) -> None:
        """A viewer's link view changed (their budget, or whether they get video)."""
        self._views[participant_id] = view

    def on_tiles(self, participant_id: str, heights: Mapping[str, int]) -> None:
        """How tall a viewer's page shows each other person's video."""
        self._tiles[participant_id] = dict(heights)

    def forget(self, participant_id: str) -> None:
        """Drops a participant who left."""
        self._views.pop(participant_id, None)
        self._steps.pop(participant_id, None)
        self._tiles.pop(participant_id, None)
        self._bytes.pop(participant_id, None)
        self._rates.pop(participant_id, None)
        self._loud.pop(participant_id, None)
        self.reported.pop(participant_id, None)

    def measure(self, now: float) -> None:
        """Reads the cameras' layers: bitrates since the last call, and the speaker."""
        self._sources = self._router.video_sources()
        loudest, most = None, SPEAKER_MIN_PACKETS - 1
        for source in self._sources:
            pid, key = source.participant_id, source.key
            before = self._bytes.get(key)
            self._bytes[key] = (now, source.layer_bytes)
            if before is not None and now > before[0] and len(before[1]) == source.layers:
                kbps = [8 * (b - a) / 1000 / (now - before[0])
                        for a, b in zip(before[1], source.layer_bytes, strict=True)]
                top = kbps[-1] if kbps[-1] > 0 else None
                low = kbps[0] if source.layers > 1 and kbps[0] > 0 else None
                self._rates[key] = smoothed(self._rates.get(key), (top, low))
            if source.screen:
                continue
            loud = source.loud_packets - self._loud.get(pid, source.loud_packets)
            self._loud[pid] = source.loud_packets
            if loud > most:
                loudest, most = pid, loud
        self.speaker = loudest

    def apply(self, viewers: Iterable[str]) -> list[ReportVideoStep]:
        """Has the relay forward each viewer's layers; the step changes to report."""
        received: dict[str, tuple[VideoStep, ModeReason]] = {}
        for viewer in viewers:
            received[viewer] = self._apply_one(viewer)
        out = []
        for viewer, (step, reason) in received.items():
            sent = self._sent_step(viewer)
            if sent[0] < step:
                step, reason = sent
            if self.reported.get(viewer, (VideoStep.FULL, ModeReason.GOOD_LINK)) != (
                    step, reason):
                self.reported[viewer] = (step, reason)
                out.append(ReportVideoStep(ParticipantId(viewer), step, reason))
        return out

    def _apply_one(self, viewer: str) -> tuple[VideoStep, ModeReason]:
        view = self._views.get(viewer, LinkView())
        tiles = self._tiles.get(viewer, {})
        demands = []
        for source in self._sources:
            pid = source.participant_id
            if pid == viewer:
                continue
            top, low = self._rates.get(source.key, (None, None))
            kind = StreamKind.SCREEN if source.screen else StreamKind.CAMERA
            demands.append(StreamDemand(source.key, kind, speaking=pid == self.speaker,
                                        tile_height=None if source.screen else tiles.get(pid),
                                        costs=step_costs(top, low)))
        audio = sum(1 for d in demands if d.kind is StreamKind.CAMERA)
        steps = allocate(view.budget_kbps, demands, audio_streams=audio)
        if steps != self._steps.get(viewer):
            self._steps[viewer] = steps
            logger.debug("layers for %s: budget %s kbit/s -> %s (costs %s)", viewer,
                        None if view.budget_kbps is None else round(view.budget_kbps),
                        {k: s.label for k, s in steps.items()},
                        {d.key: [round(d.costs[v]) for v in VideoStep] for d in demands})
        by_id = {source.key: source for source in self._sources}
        self._router.select_video(viewer, {
            pid: arriving(by_id[pid], step.layer)
            if step is not VideoStep.OFF and view.receives_video else None
            for pid, step in steps.items()})
        if view.budget_kbps is None or not demands:
            return VideoStep.FULL, ModeReason.GOOD_LINK
        untiled = [StreamDemand(d.key, d.kind, d.speaking, None, d.costs) for d in demands]
        best = max(allocate(view.budget_kbps, untiled, audio_streams=audio).values())
        reason = ModeReason.GOOD_LINK if best is VideoStep.FULL else ModeReason.WEAK_DOWNLINK
        return best, reason

    def _sent_step(self, participant_id: str) -> tuple[VideoStep, ModeReason]:
        """Their camera at the relay: the low layer only, when the top one stopped."""
        source = next((s for s in self._sources
                       if s.participant_id == participant_id and not s.screen), None)
        if source is None or source.layers < 2:
            return VideoStep.FULL, ModeReason.GOOD_LINK
        top, low = source.layer_age[-1], source.layer_age[0]
        if (low is not None and low < ARRIVING_SECONDS and top is not None
                and top >= ARRIVING_SECONDS):  # the top layer came, then stopped
            busy = self._views.get(participant_id, LinkView()).device_busy
            return VideoStep.LOW, ModeReason.DEVICE_BUSY if busy else ModeReason.WEAK_UPLINK
        return VideoStep.FULL, ModeReason.GOOD_LINK
