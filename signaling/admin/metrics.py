"""Operational metrics in Prometheus format (``GET /metrics``), via prometheus-client.

Gauges about live sessions are read from the registry when scraped (no bookkeeping on
the hot path); errors are counted where they are sent; the event-loop lag is measured
by a probe task the app's lifespan owns.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, Mapping

from prometheus_client import CollectorRegistry, Gauge, Histogram, ProcessCollector
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from session_room.ids import SessionId
from session_room.quality import MediaMode
from signaling.admin.metrics_counters import CLOSED_WITH_ERROR, DASHBOARD_PUSH, ERRORS
from signaling.worker.service import SessionWorker

PROBE_SECONDS = 0.25
"""How often the loop-lag probe wakes."""


class LiveCollector(Collector):
    """Reads the live sessions of this node when Prometheus scrapes."""

    def __init__(self, workers: Mapping[SessionId, SessionWorker]) -> None:
        self._workers = workers

    def collect(self) -> Iterator[GaugeMetricFamily]:
        workers = [w for w in list(self._workers.values()) if w.accepting]
        yield GaugeMetricFamily("mentor_rooms_live_sessions", "Live sessions on this node",
                                value=len(workers))
        people = GaugeMetricFamily("mentor_rooms_participants",
                                   "Participants in live sessions, by media mode",
                                   labels=["media_mode"])
        counts = dict.fromkeys(MediaMode, 0)
        for worker in workers:
            for participant in worker.room.participants:
                counts[participant.link.mode] += 1
        for mode, count in counts.items():
            people.add_metric([mode.value], count)
        yield people
        yield GaugeMetricFamily("mentor_rooms_forwarded_streams",
                                "Tracks the relay forwards to subscribers now",
                                value=sum(w.router.forwarded_streams() for w in workers))
        totals = [w.links.bitrates.totals() for w in workers]
        yield GaugeMetricFamily("mentor_rooms_bitrate_in_bits_per_second",
                                "Media bitrate the relay receives (last 2 s sample)",
                                value=sum(t.bits_in for t in totals))
        yield GaugeMetricFamily("mentor_rooms_bitrate_out_bits_per_second",
                                "Media bitrate the relay sends (last 2 s sample)",
                                value=sum(t.bits_out for t in totals))


class Metrics:
    """One app's metrics registry and its loop-lag probe."""

    def __init__(self, workers: Mapping[SessionId, SessionWorker]) -> None:
        self.registry = CollectorRegistry()
        self.registry.register(LiveCollector(workers))
        self.registry.register(ERRORS)
        self.registry.register(CLOSED_WITH_ERROR)
        self.registry.register(DASHBOARD_PUSH)
        ProcessCollector(registry=self.registry)
        self.loop_lag = Gauge("mentor_rooms_event_loop_lag_seconds",
                              "How late the event loop ran the last probe",
                              registry=self.registry)
        self.loop_lag_seconds = Histogram(
            "mentor_rooms_event_loop_lag", "Event-loop lag of each probe, seconds",
            buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
            registry=self.registry)

    async def probe_loop_lag(self) -> None:
        """Measures how late ``asyncio.sleep`` wakes, until cancelled (by the owner)."""
        while True:
            started = time.perf_counter()
            await asyncio.sleep(PROBE_SECONDS)
            lag = max(0.0, time.perf_counter() - started - PROBE_SECONDS)
            self.loop_lag.set(lag)
            self.loop_lag_seconds.observe(lag)
