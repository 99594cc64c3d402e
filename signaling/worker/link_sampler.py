"""Turns the relay's counters and the clients' reports into link samples.

The uplink of a participant is what the relay receives from them (RTCP view of the
publish connection, read every ~2 s); the downlink is what their browser says it
received (``quality_report``) against what the relay sent them in the same time.
Counters are cumulative; this keeps the previous reading per participant and
returns deltas as :class:`LinkSample` values for the pure scorer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from media.events import LinkCounters
from media.router import SessionRouter
from session_room.commands import ReportLink, ReportVideoStep
from session_room.ids import ParticipantId
from session_room.media_mode import LinkView
from session_room.quality import LinkDirection, LinkSample
from signaling import protocol
from signaling.worker.layer_steps import LayerSteps

logger = logging.getLogger(__name__)

SAMPLE_SECONDS = 2.0
"""How often the relay's view of every uplink is sampled."""

MIN_WINDOW = 0.5
"""Seconds; a shorter window says too little to score."""
RELAY_BUSY_LAG = 0.1
"""Seconds the relay's own link timer fired late that mean the relay's event loop is
short of CPU: its samples are then marked ``device_busy`` (a busy computer is not a
bad network, the relay's included)."""
BUSY_HOLD_SECONDS = 6.0
"""A page that said its computer was busy counts as busy this long (a starved page's
reports come in bursts: one late report says busy, the next right after it may not)."""
REPORT_LATE_SECONDS = 2.5
"""A page reports every second: one whose last report is older than this while its
media still flows is starved of CPU (a congested link shows as loss on the media)."""
ESTIMATE_RAMP_SECONDS = 10.0
"""How long a browser's own bandwidth estimate is not scored after its publish
connection is new or its video is allowed back (after audio-only it has probed with
audio alone, so its estimate starts near the audio rate and ramps up)."""
WARM_UP_REPORTS = 3
"""Reports with media before the delivered/expected ratio counts: while a receive
connection starts, the relay has sent packets the page has not set up to count."""


@dataclass(slots=True)
class _Reading:
    at: float
    counters: LinkCounters


class LinkSampler:
    """Per-participant previous readings; one per session worker."""

    def __init__(self) -> None:
        self._up: dict[str, _Reading] = {}
        self._ramp_until: dict[str, float] = {}
        """Per participant: until when their new publish connection's own bandwidth
        estimate is not scored (a browser's starts low and ramps up)."""
        self._down: dict[str, _Reading] = {}
        self._reports: dict[str, protocol.QualityReport] = {}
        self._flowing: dict[str, dict[int, bool]] = {}
        self._last_window: dict[str, tuple[float, float, float, float]] = {}
        self._warm: dict[str, int] = {}
        self._gap_credit: dict[str, int] = {}
        self._report_at: dict[str, float] = {}
        self._busy_until: dict[str, float] = {}
        self._up_jitter: dict[str, float] = {}
        self._sends_video: dict[str, bool] = {}
        self._resumed: set[str] = set()
        self.relay_busy = False
        """The relay's event loop ran late at the last tick (set by :class:`LinkMonitor`)."""

    def forget(self, participant_id: str) -> None:
        """Drops a participant's readings (they left)."""
        for table in (self._up, self._down, self._reports, self._flowing, self._last_window,
                      self._warm, self._gap_credit, self._report_at, self._busy_until,
                      self._up_jitter, self._ramp_until, self._sends_video):
            table.pop(participant_id, None)
        self._resumed.discard(participant_id)

    def video_allowed(self, participant_id: str, sends_video: bool) -> None:
        """Notes whether a participant may send video; when it is allowed back, their
        browser's estimate is not scored for :data:`ESTIMATE_RAMP_SECONDS` from the next
        uplink reading (loss, delivery and jitter still are)."""
        if sends_video and not self._sends_video.get(participant_id, True):
            self._resumed.add(participant_id)
        self._sends_video[participant_id] = sends_video

    def _jitter(self, participant_id: str, now: LinkCounters, before: LinkCounters) -> float:
        """The worst jitter of the streams that flowed in this window and the previous
        one: a paused stream's estimate is stale, and its first packets after a pause
        make RFC 3550's estimate jump by a sixteenth of the pause."""
        previous = {s.ssrc: s.packets for s in before.up_streams}
        was_flowing = self._flowing.get(participant_id, {})
        flowing = {s.ssrc: s.packets > previous.get(s.ssrc, s.packets) for s in now.up_streams}
        self._flowing[participant_id] = flowing
        return max((s.jitter_ms for s in now.up_streams
                    if flowing[s.ssrc] and was_flowing.get(s.ssrc, False)), default=0.0)

    def _remember_jitter(self, participant_id: str, jitter_ms: float) -> float:
        self._up_jitter[participant_id] = jitter_ms
        return jitter_ms

    def uplink(self, participant_id: str, counters: LinkCounters, now: float) -> LinkSample | None:
        """The uplink sample since the previous reading, or ``None`` (first reading,
        too short a window, or nothing published)."""
        prev = self._up.get(participant_id)
        self._up[participant_id] = _Reading(now, counters)
        if (prev is None or not counters.publishing or not prev.counters.publishing
                or counters.up_packets < prev.counters.up_packets):  # < : a new connection
            self._ramp_until[participant_id] = now + ESTIMATE_RAMP_SECONDS
            return None
        if participant_id in self._resumed:
            self._resumed.discard(participant_id)
            self._ramp_until[participant_id] = now + ESTIMATE_RAMP_SECONDS
        window = now - prev.at
        if window < MIN_WINDOW:
            return None
        packets = max(0, counters.up_packets - prev.counters.up_packets)
        lost = max(0, counters.up_lost - prev.counters.up_lost)
        report = self._reports.get(participant_id)
        return LinkSample(
            at=now,
            loss=lost / (packets + lost) if packets + lost else 0.0,
            jitter_ms=self._remember_jitter(
                participant_id, self._jitter(participant_id, counters, prev.counters)),
            rtt_ms=report.rtt_ms if report else None,
            delivered_kbps=8 * (counters.up_bytes - prev.counters.up_bytes) / 1000 / window,
            expected_kbps=None,
            packets=packets,
            capacity_kbps=report.available_outgoing_kbps
            if report and now >= self._ramp_until.get(participant_id, 0.0) else None,
            device_busy=self.relay_busy or (report is not None and (
                now < self._busy_until.get(participant_id, 0.0)
                or now - self._report_at[participant_id] > REPORT_LATE_SECONDS)),
        )

    def _own_loss(self, participant_id: str, reported: int, upstream: int) -> int:
        """The browser's reported loss less the gaps the relay forwarded (packets lost
        upstream: not this link's loss). The relay counts a gap when it forwards the
        packet after it, the browser a little later: gaps it has not reported yet stay
        as credit for the next window only (so they cannot hide later loss)."""
        available = upstream + self._gap_credit.get(participant_id, 0)
        self._gap_credit[participant_id] = min(upstream, max(0, available - reported))
        return max(0, reported - available)

    def downlink(
        self, participant_id: str, report: protocol.QualityReport, counters: LinkCounters,
        now: float,
    ) -> LinkSample | None:
        """The downlink sample of a client's report, or ``None`` when nothing was
        sent to them and nothing arrived (nobody to receive from)."""
        self._reports[participant_id] = report
        self._report_at[participant_id] = now
        if report.device_busy:
            self._busy_until[participant_id] = now + BUSY_HOLD_SECONDS
        media = report.packets_received + report.packets_lost > 0
        warm = self._warm[participant_id] = self._warm.get(participant_id, 0) + media
        prev = self._down.get(participant_id)
        self._down[participant_id] = _Reading(now, counters)
        if prev is None:
            return None
        window = now - prev.at
        sent = counters.down_bytes - prev.counters.down_bytes  # < 0: a restarted connection
        if window < MIN_WINDOW or (sent <= 0 and report.packets_received == 0):
            return None
        lost = self._own_loss(participant_id, report.packets_lost,
                              max(0, counters.down_gaps - prev.counters.down_gaps))
        total = report.packets_received + lost
        # delivered vs expected over this and the previous window: the browser's
        # window and the relay's (between report arrivals) do not line up exactly
        here = (8 * report.bytes_received, report.window_ms, 8 * max(sent, 0), window * 1000)
        last = self._last_window.get(participant_id, (0.0, 0.0, 0.0, 0.0))
        self._last_window[participant_id] = here
        delivered_bits, delivered_ms, sent_bits, sent_ms = (
            a + b for a, b in zip(here, last, strict=True))
        return LinkSample(
            at=now,
            loss=lost / total if total else 0.0,
            # what the senders' own irregularity (a starved sender's late packets) puts
            # into the jitter the browser sees is not this link's: the relay measured it
            jitter_ms=max(0.0, report.jitter_ms - max(
                (j for p, j in self._up_jitter.items() if p != participant_id), default=0.0)),
            rtt_ms=report.rtt_ms,
            delivered_kbps=delivered_bits / delivered_ms,
            expected_kbps=sent_bits / sent_ms if sent >= 0 and warm > WARM_UP_REPORTS else None,
            packets=report.packets_received,
            device_busy=self.relay_busy or now < self._busy_until.get(participant_id, 0.0),
        )


@dataclass(frozen=True, slots=True)
class Bitrate:
    """The last measured bitrates of one participant, bits per second."""

    bits_in: int = 0
    bits_out: int = 0


class BitrateMeter:
    """Turns the relay's cumulative byte counters into bitrates between two samples.

    Fed by the :class:`LinkMonitor` on each link tick, from the counters it reads anyway.
    """

    def __init__(self) -> None:
        self._last: dict[str, tuple[float, int, int]] = {}
        self.rates: dict[str, Bitrate] = {}

    def sample(self, participant_id: str, counters: LinkCounters, now: float) -> None:
        """Updates one participant's bitrates from their cumulative counters."""
        before = self._last.get(participant_id)
        self._last[participant_id] = (now, counters.up_bytes, counters.down_bytes)
        if before is None or now <= before[0]:
            return
        seconds = now - before[0]
        self.rates[participant_id] = Bitrate(
            bits_in=max(0, int((counters.up_bytes - before[1]) * 8 / seconds)),
            bits_out=max(0, int((counters.down_bytes - before[2]) * 8 / seconds)),
        )

    def forget(self, participant_id: str) -> None:
        """Drops a participant who left."""
        self._last.pop(participant_id, None)
        self.rates.pop(participant_id, None)

    def totals(self) -> Bitrate:
        """The session's total bitrate in and out."""
        return Bitrate(sum(r.bits_in for r in self.rates.values()),
                       sum(r.bits_out for r in self.rates.values()))


class LinkMonitor:
    """Reads a session router's counters and turns them into link commands.

    Args:
        router: The session's media router (read only).
    """

    def __init__(self, router: SessionRouter) -> None:
        self.router = router
        self.sampler = LinkSampler()
        self.bitrates = BitrateMeter()
        self.layers = LayerSteps(router)

    async def tick(self, wake: Callable[[], object]) -> None:
        """Calls ``wake`` every :data:`SAMPLE_SECONDS` until cancelled (by the owner)."""
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + SAMPLE_SECONDS
            await asyncio.sleep(SAMPLE_SECONDS)
            self.sampler.relay_busy = loop.time() - due > RELAY_BUSY_LAG
            wake()

    def on_tick(self, participant_ids: Iterable[ParticipantId],
                now: float) -> list[ReportLink | ReportVideoStep]:
        """Uplink samples of every participant (every :data:`SAMPLE_SECONDS`); the same
        counters update their bitrates; everyone's layers are chosen again."""
        out: list[ReportLink | ReportVideoStep] = []
        participant_ids = list(participant_ids)
        self.layers.measure(now)
        out += self.layers.apply(participant_ids)
        for pid in participant_ids:
            counters = self.router.link_counters(pid)
            if counters is not None:
                self.bitrates.sample(pid, counters, now)
            sample = None if counters is None else self.sampler.uplink(pid, counters, now)
            if sample is not None:
                logger.debug("uplink %s %s", pid, sample)
                out.append(ReportLink(pid, LinkDirection.UPLINK, sample))
        return out

    def forget(self, participant_id: str) -> None:
        """Drops a participant who left (their samples, bitrates and layers)."""
        self.sampler.forget(participant_id)
        self.bitrates.forget(participant_id)
        self.layers.forget(participant_id)

    def on_link(self, participant_id: str, view: LinkView) -> list[ReportVideoStep]:
        """A participant's link view changed: their layers are chosen again now."""
        self.sampler.video_allowed(participant_id, view.sends_video)
        self.layers.on_link(participant_id, view)
        return self.layers.apply([participant_id])

    def on_report(
        self, pid: ParticipantId, report: protocol.QualityReport, now: float
    ) -> list[ReportLink]:
        """The downlink sample of one client report (empty if there is nothing to score)."""
        self.layers.on_tiles(pid, report.tile_heights)
        counters = self.router.downlink_counters(pid)  # cheap: a report comes every second
        sample = None if counters is None else self.sampler.downlink(pid, report, counters, now)
        logger.debug("downlink %s %s %s", pid, report, sample)
        return [] if sample is None else [ReportLink(pid, LinkDirection.DOWNLINK, sample)]
