"""Publisher/subscriber fan-out policy: keyframe requests, queues, timestamps."""

from __future__ import annotations

import asyncio

import pytest

import media.forwarder as forwarder
import media.keyframes as keyframes
from media.assembler import AssembledFrame
from media.forwarder import Publisher, Subscriber

KEY = AssembledFrame(b"\x00key", 0, True)


def delta(ts: int) -> AssembledFrame:
    return AssembledFrame(b"\x01dlt", ts, False)


class Upstream:
    """Counts the PLIs a publisher sends."""

    def __init__(self) -> None:
        self.plis = 0
        self.layers: list[int] = []

    async def send(self, layer: int) -> None:
        self.plis += 1
        self.layers.append(layer)


async def started(subscriber: Subscriber) -> asyncio.Task[forwarder.EncodedFrame]:
    """Starts the sender side (the first ``recv`` resumes a subscriber)."""
    task = asyncio.create_task(subscriber.recv())
    await asyncio.sleep(0)
    return task


async def test_a_subscriber_waiting_for_a_keyframe_keeps_asking_for_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(keyframes, "KEYFRAME_REQUEST_INTERVAL", 0.05)
    monkeypatch.setattr(keyframes, "KEYFRAME_RETRY_SECONDS", 0.05)
    upstream = Upstream()
    publisher = Publisher("PA_p", "video", upstream.send, lambda p: None)
    subscriber = Subscriber("video")
    subscriber.attach(publisher)
    task = await started(subscriber)
    await asyncio.sleep(0.01)
    assert upstream.plis == 1  # asked when the sender started
    for i in range(1, 7):  # the keyframe never comes (request lost or ignored)
        publisher.on_frame(delta(i * 3000))
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.06)
    assert 2 <= upstream.plis <= 4  # asked again, but throttled
    publisher.on_frame(KEY)
    assert (await asyncio.wait_for(task, 1)).data == KEY.data
    subscriber.stop()


async def test_a_full_video_queue_drops_to_the_next_keyframe_and_asks_for_one() -> None:
    upstream = Upstream()
    publisher = Publisher("PA_p", "video", upstream.send, lambda p: None)
    subscriber = Subscriber("video", queue_size=3)
    subscriber.attach(publisher)
    task = await started(subscriber)
    publisher.on_frame(KEY)
    assert (await asyncio.wait_for(task, 1)).data == KEY.data
    for i in range(1, 6):  # nobody reads: the queue overflows
        publisher.on_frame(delta(i * 3000))
    assert subscriber.frames_dropped >= 3
    publisher.on_frame(delta(99_000))  # still waiting for a keyframe: not queued
    publisher.on_frame(AssembledFrame(b"\x00key2", 100_000, True))
    assert (await asyncio.wait_for(subscriber.recv(), 1)).data == b"\x00key2"
    subscriber.stop()


async def test_timestamps_continue_forward_when_a_subscriber_switches_publisher() -> None:
    upstream = Upstream()
    first = Publisher("PA_a", "video", upstream.send, lambda p: None)
    second = Publisher("PA_b", "video", upstream.send, lambda p: None)
    subscriber = Subscriber("video")
    subscriber.attach(first)
    task = await started(subscriber)
    first.on_frame(AssembledFrame(b"\x00a", 500_000, True))
    first.on_frame(AssembledFrame(b"\x01b", 503_000, False))
    out = [await asyncio.wait_for(task, 1)]
    subscriber.attach(second)  # one frame of the first is still queued
    second.on_frame(AssembledFrame(b"\x00c", 7, True))
    out += [await subscriber.recv(), await subscriber.recv()]
    assert [f.data for f in out] == [b"\x00a", b"\x01b", b"\x00c"]
    assert out[0].pts < out[1].pts < out[2].pts
    subscriber.stop()


async def test_one_loss_makes_exactly_one_keyframe_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(keyframes, "KEYFRAME_REQUEST_INTERVAL", 0.02)
    upstream = Upstream()
    publisher = Publisher("PA_p", "video", upstream.send, lambda p: None)
    for loss in range(20):
        # the assembler and two waiting subscribers all ask, within a few ms
        for _ in range(3):
            publisher.request_keyframe()
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.03)  # the keyframe comes back
        publisher.on_frame(AssembledFrame(b"\x00key", loss * 9000, True))
        await asyncio.sleep(0.03)  # more than the interval: the next loss is a new need
    await asyncio.sleep(0.05)
    assert upstream.plis == publisher.keyframe_requests_sent == 20


async def test_joins_share_an_outstanding_request_and_a_keyframe_cancels_a_deferred_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(keyframes, "KEYFRAME_REQUEST_INTERVAL", 0.05)
    upstream = Upstream()
    publisher = Publisher("PA_p", "video", upstream.send, lambda p: None)
    subscribers = [Subscriber("video") for _ in range(5)]
    tasks = []
    for subscriber in subscribers:  # five late joiners within 10 ms
        subscriber.attach(publisher)
        tasks.append(await started(subscriber))
        await asyncio.sleep(0.002)
    await asyncio.sleep(0.02)
    assert upstream.plis == 1
    publisher.on_frame(KEY)
    late = Subscriber("video")  # inside the interval: deferred...
    late.attach(publisher)
    tasks.append(await started(late))
    publisher.on_frame(AssembledFrame(b"\x00key2", 3000, True))  # ...and answered
    await asyncio.sleep(0.1)
    assert upstream.plis == 1
    for subscriber in [*subscribers, late]:
        subscriber.stop()
    for task in tasks:
        task.cancel()


KEY_PACKET = bytes([0x90, 0x80, 0x80, 0x01, 0x00]) + b"key"
DELTA_PACKET = bytes([0x90, 0x80, 0x80, 0x02, 0x01]) + b"dlt"


async def test_packets_are_forwarded_as_they_arrive_from_a_keyframe_with_gaps_kept() -> None:
    upstream = Upstream()
    publisher = Publisher("PA_p", "video", upstream.send, lambda p: None)
    subscriber = Subscriber("video")
    subscriber.attach(publisher)
    sent: list[tuple[int, int, bytes]] = []
    sending = asyncio.create_task(subscriber.start_sending(
        lambda seq, ts, packet: sent.append((seq, ts, packet.payload))))  # the sender starts
    await asyncio.sleep(0.01)
    assert upstream.plis == 1
    publisher.on_packet(0, 10, 3000, True, DELTA_PACKET, None)  # not a start point
    publisher.on_packet(0, 11, 6000, False, KEY_PACKET, None)
    publisher.on_packet(0, 12, 6000, True, b"\x80\x80\x80\x01rest", None)
    publisher.on_packet(0, 15, 9000, True, DELTA_PACKET, None)  # 13, 14 lost upstream
    seqs = [seq for seq, _, _ in sent]  # sent in the publisher's own call, no queue
    assert len(sent) == 3
    assert seqs[1] == (seqs[0] + 1) & 0xFFFF and seqs[2] == (seqs[0] + 4) & 0xFFFF
    assert sent[0][2] == KEY_PACKET and sent[0][1] == sent[1][1]
    assert (sent[2][1] - sent[0][1]) & 0xFFFFFFFF == 3000
    assert subscriber.rewriter.gaps_forwarded == 2
    assert upstream.plis == 1  # the waiting subscriber's need shared the join's request
    subscriber.stop()
    await asyncio.wait_for(sending, 1)  # stopping the subscriber ends the sender's loop


async def test_a_subscriber_switching_layers_keeps_asking_for_the_new_layers_keyframe() -> None:
    upstream = Upstream()
    publisher = Publisher("PA_p", "video", upstream.send, lambda p: None, layers=2)
    subscriber = Subscriber("video")
    subscriber.attach(publisher)
    sent: list[int] = []
    task = asyncio.create_task(subscriber.start_sending(lambda seq, ts, p: sent.append(seq)))
    await asyncio.sleep(0)
    publisher.on_packet(1, 10, 3000, True, KEY_PACKET, None)  # the top layer starts
    assert len(sent) == 1 and subscriber.layer == 1
    subscriber.select(0)  # the low layer, from its next keyframe
    publisher.on_packet(1, 11, 6000, True, DELTA_PACKET, None)  # top goes on meanwhile
    await asyncio.sleep(0.4)
    asks = len(upstream.layers)
    publisher.on_packet(0, 500, 6000, True, DELTA_PACKET, None)  # no keyframe yet: ask again
    await asyncio.sleep(0.8)
    assert upstream.layers.count(0) >= 2 and len(upstream.layers) > asks
    publisher.on_packet(0, 501, 9000, True, KEY_PACKET, None)  # the switch
    publisher.on_packet(1, 12, 9000, True, DELTA_PACKET, None)  # top no longer forwarded
    assert subscriber.layer == 0 and len(sent) == 3
    assert sent[-1] == sent[-2] + 1  # one stream: numbering continues
    subscriber.stop()
    await asyncio.wait_for(task, 1)
