"""Benchmark, not collected by the suite (``python -m load_tests.impairment_times --tests
tests/unit/bench_speakers.py --runs 1``): what finding the speaker costs a 12-person
circle, against forwarding that circle's audio, interleaved rounds in one process.

Per room the worker reads every publisher's loud-packet counter and feeds the
:class:`~session_room.speakers.SpeakerTracker` every 0.4 s (2.5 times a second). The
reference is the per-packet path it rides on: the real :class:`media.forwarder.Publisher`
fanning one Opus packet (with its RFC 6464 level) out to 11 subscribers, 50 packets a
second per speaker. The figure is the speaker's share of the audio forwarding work.
"""

from __future__ import annotations

import asyncio
import statistics
import time

from media.forwarder import Publisher, Subscriber
from media.rtp_in import RtpIn
from session_room.speakers import WINDOW_SECONDS, SpeakerTracker
from tests.impairment.test_bad_network import record

PEOPLE = 12
TICKS = 20_000
PACKETS = 20_000
ROUNDS = 7


async def nothing() -> None:
    return None


def speaker_tick_ns(publishers: list[Publisher]) -> float:
    """Nanoseconds per speaker tick of the room (read the counters, feed the tracker)."""
    tracker = SpeakerTracker()
    counts: dict[str, int] = {}
    started = time.perf_counter_ns()
    for tick in range(TICKS):
        publishers[tick % PEOPLE].loud_packets += 20  # someone speaks
        now = {p.participant_id: p.loud_packets for p in publishers if p.kind == "audio"}
        window = {pid: n - counts.get(pid, n) for pid, n in now.items()}
        counts = now
        tracker.add(tick * WINDOW_SECONDS, window)
    return (time.perf_counter_ns() - started) / TICKS


async def forward_ns(publisher: Publisher) -> float:
    """Nanoseconds to fan one audio packet out to everyone else."""
    sent = [0]

    def send(seq: int, ts: int, packet: RtpIn) -> None:
        sent[0] += 1

    subscribers = [Subscriber("audio") for _ in range(PEOPLE - 1)]
    tasks = []
    for subscriber in subscribers:
        subscriber.attach(publisher)
        tasks.append(asyncio.create_task(subscriber.start_sending(send)))
    await asyncio.sleep(0)
    payload = b"\x78" + b"o" * 80
    started = time.perf_counter_ns()
    for i in range(PACKETS):
        publisher.on_packet(0, i & 0xFFFF, i * 960, True, payload, (True, 30))
    elapsed = time.perf_counter_ns() - started
    assert sent[0] == PACKETS * (PEOPLE - 1)
    for subscriber in subscribers:
        subscriber.stop()
    await asyncio.gather(*tasks)
    return elapsed / PACKETS


async def test_speaker_detection_cost_against_audio_forwarding() -> None:
    publishers = [Publisher(f"PA_{n}", "audio", lambda layer: nothing(), lambda p: None)
                  for n in range(PEOPLE)]
    ticks: list[float] = []
    packets: list[float] = []
    shares: list[float] = []
    for _ in range(ROUNDS):
        tick = speaker_tick_ns(publishers)
        packet = await forward_ns(Publisher("PA_x", "audio", lambda layer: nothing(),
                                            lambda p: None))
        per_second_speaker = tick / WINDOW_SECONDS
        per_second_audio = packet * 50 * PEOPLE
        ticks.append(tick)
        packets.append(packet)
        shares.append(per_second_speaker / per_second_audio)
    print(f"speaker tick {statistics.median(ticks):.0f} ns per room; one audio packet to "
          f"{PEOPLE - 1} subscribers {statistics.median(packets):.0f} ns; speaker share of "
          f"the room's audio forwarding {[f'{s:.4f}' for s in shares]}")
    record("speaker_cost", tick_ns=statistics.median(ticks),
           packet_ns=statistics.median(packets), share=statistics.median(shares),
           share_worst=max(shares))
