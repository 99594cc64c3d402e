"""What a load-test worker measures: the recorder its bots report into, and the
per-second samples and final result it sends to the parent (JSON-able dicts)."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from load_tests.bot import Bot, SubscriptionCounters
from signaling import protocol

if TYPE_CHECKING:
    from load_tests.runner import RoomRunner

CHAT_PREFIX = "lt "
"""Chat messages the tester sends start with this, then the send time (monotonic)."""


@dataclass
class Recorder:
    """Everything one worker measured."""

    attempted: int = 0
    succeeded: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    join_latency: list[float] = field(default_factory=list)
    first_frame: list[float] = field(default_factory=list)
    rtt: list[float] = field(default_factory=list)
    fanout: list[float] = field(default_factory=list)

    def listen(self, bot: Bot) -> None:
        """Counts a bot's errors and times its chat echoes and fan-out."""

        def on_message(message: protocol.AnyServerMessage, arrived: float) -> None:
            if isinstance(message, protocol.Error):
                self.errors[message.code.value] += 1
            elif isinstance(message, protocol.ChatPosted) and message.message.text.startswith(
                CHAT_PREFIX
            ):
                sent = float(message.message.text.removeprefix(CHAT_PREFIX))
                mine = (
                    bot.joined is not None
                    and message.message.participant_id == bot.joined.you.participant_id
                )
                (self.rtt if mine else self.fanout).append(arrived - sent)

        bot.listeners.append(on_message)


def counters(rooms: list[RoomRunner]) -> dict[tuple[int, str], SubscriptionCounters]:
    """Every current subscription of every bot, by (bot, mid)."""
    return {
        (id(m.bot), s.mid): s for room in rooms for m in room.members for s in m.bot.subscriptions()
    }


def sample(worker: int, rooms: list[RoomRunner], recorder: Recorder) -> dict[str, Any]:
    """This second's cumulative counters of the worker."""
    subs = [s for room in rooms for m in room.members for s in m.bot.subscriptions()]
    video = [s for s in subs if s.kind == "video"]
    return {
        "kind": "sample",
        "worker": worker,
        "t": time.monotonic(),
        "participants": sum(len(room.members) for room in rooms),
        "video_frames": sum(s.frames for s in video),
        "video_subscriptions": len(video),
        "rx_bytes": sum(s.payload_bytes for s in subs),
        "errors": sum(recorder.errors.values()),
        "cpu_s": time.process_time(),
    }


def result(
    worker: int,
    recorder: Recorder,
    steady: tuple[float, dict[tuple[int, str], SubscriptionCounters]] | None,
    finished: tuple[float, dict[tuple[int, str], SubscriptionCounters]],
) -> dict[str, Any]:
    """The worker's measurements; subscriptions over the steady part of the run."""
    subscriptions = []
    if steady is not None and finished[0] > steady[0]:
        seconds = finished[0] - steady[0]
        for key, end in finished[1].items():
            begin = steady[1].get(key)
            if begin is None:
                continue
            subscriptions.append(
                {
                    "kind": end.kind,
                    "frames": end.frames - begin.frames,
                    "fps": (end.frames - begin.frames) / seconds,
                    "kbps": (end.payload_bytes - begin.payload_bytes) * 8 / seconds / 1000,
                    "packets": end.packets - begin.packets,
                    "lost": end.lost - begin.lost,
                }
            )
    return {
        "kind": "result",
        "worker": worker,
        "attempted": recorder.attempted,
        "succeeded": recorder.succeeded,
        "refused": dict(recorder.refused),
        "errors": dict(recorder.errors),
        "join_latency_s": recorder.join_latency,
        "first_frame_s": recorder.first_frame,
        "signaling_rtt_s": recorder.rtt,
        "fanout_s": recorder.fanout,
        "subscriptions": subscriptions,
    }
