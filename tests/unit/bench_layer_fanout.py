"""Benchmark, not collected by the suite (``python -m load_tests.impairment_times --tests
tests/unit/bench_layer_fanout.py --runs 1``): the relay's forwarding cost per forwarded
packet per subscription, with a simulcast publisher (two layers, subscribers on the top
one) against a single-layer publisher, interleaved rounds in one process.

The real :class:`media.forwarder.Publisher` / :class:`Subscriber` and their rewriters; the
send is a no-op (SRTP and the socket cost the same either way), so the figure is what
layers add to the per-packet path: the low layer's packets reach no top-layer subscriber,
and a top-layer packet is offered only to its layer's subscribers.
"""

from __future__ import annotations

import asyncio
import statistics
import time

from media.forwarder import Publisher, Subscriber
from media.rtp_in import RtpIn
from tests.impairment.test_bad_network import record

SUBSCRIBERS = 10
TOP_PACKETS = 50_000
LOW_SHARE = 0.35
"""Low-layer packets per top-layer packet (320x240 next to 640x480, by packet count)."""
ROUNDS = 9


def vp8(tid: int, start: bool, key: bool) -> bytes:
    """A VP8 payload: descriptor with picture id, TL0PICIDX and TID, then the header."""
    first = 0x90 if start else 0x80
    return bytes([first, 0xE0, 0x80, 0x01, 0x05, tid << 6, 0x00 if key else 0x01]) + b"x" * 1100


async def one_round(layers: int) -> float:
    """Nanoseconds per forwarded top-layer packet per subscription."""
    async def nothing() -> None:
        return None

    publisher = Publisher("PA_p", "video", lambda layer: nothing(), lambda p: None,
                          layers=layers)
    sent = [0]

    def send(seq: int, ts: int, packet: RtpIn) -> None:
        sent[0] += 1

    subscribers = [Subscriber("video") for _ in range(SUBSCRIBERS)]
    tasks = []
    for subscriber in subscribers:
        subscriber.attach(publisher)
        tasks.append(asyncio.create_task(subscriber.start_sending(send)))
    await asyncio.sleep(0)
    top = layers - 1
    payloads = [vp8(tid, True, False) for tid in (0, 2, 1, 2)]
    key = vp8(0, True, True)
    low_every = round(1 / LOW_SHARE) if layers > 1 else 0
    started = time.perf_counter_ns()
    for i in range(TOP_PACKETS):
        payload = key if i == 0 else payloads[i % 4]
        publisher.on_packet(top, i & 0xFFFF, (i // 4) * 3000, True, payload, None)
        if low_every and i % low_every == 0:
            publisher.on_packet(0, (i // low_every) & 0xFFFF, (i // 4) * 3000, True,
                                payloads[i % 4], None)
    elapsed = time.perf_counter_ns() - started
    assert sent[0] == TOP_PACKETS * SUBSCRIBERS
    for subscriber in subscribers:
        subscriber.stop()
    await asyncio.gather(*tasks)
    return elapsed / (TOP_PACKETS * SUBSCRIBERS)


async def test_layer_fanout_cost() -> None:
    single: list[float] = []
    layered: list[float] = []
    for _ in range(ROUNDS):
        single.append(await one_round(1))
        layered.append(await one_round(2))
    ratios = [b / a for a, b in zip(single, layered, strict=True)]
    print(f"ns per forwarded packet per subscription: single {statistics.median(single):.0f}"
          f", two layers {statistics.median(layered):.0f}, ratios {[f'{r:.3f}' for r in ratios]}")
    record("layer_fanout", single_ns=statistics.median(single),
           layered_ns=statistics.median(layered), ratio=statistics.median(ratios),
           ratio_worst=max(ratios))
