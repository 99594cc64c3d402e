"""A bot participant run inside a network namespace (``ip netns exec``), reporting
what it experiences as JSON lines on stdout for the impairment tests.

Lines: ``{"kind": "joined", "participant_id"}``; every 0.25 s a ``status`` with the
monotonic time (system-wide, so comparable with the test process), the frames
received per kind, the arrival times of audio frames since the last status, and the
bot's own media mode as the server last told it; and one ``message`` line per chat
or agenda message received. When the server closes the bot's socket it writes
``{"kind": "closed", "code", "reason"}`` (the ``bye`` reason) and exits.

Usage: ``python -m tests.impairment.remote_bot WS_URL TOKEN [NAME]``; stops on SIGTERM.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time

from load_tests.bot import Bot
from signaling import protocol

STATUS_EVERY = 0.25


def emit(line: dict[str, object]) -> None:
    """Writes one JSON line and flushes it."""
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


async def main(ws_url: str, token: str, name: str = "Remote mentee") -> None:
    """Joins, publishes and reports until SIGTERM or until the server closes it."""
    bot = Bot(ws_url, token, name=name, video_loop_frames=90)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await bot.join(timeout=20)
    emit({"kind": "joined", "participant_id": bot.participant_id})
    seen_messages = 0
    audio_seen: dict[int, int] = {}
    while not stop.is_set():
        if bot.close_code is not None:
            bye = next((m for m in bot.received if isinstance(m, protocol.Bye)), None)
            emit({"kind": "closed", "code": bot.close_code,
                  "reason": bye.reason.value if bye else None})
            break
        arrivals: list[float] = []
        frames = {"audio": 0, "video": 0}
        for probe in bot.probes.values():
            frames[probe.kind] += probe.frames
            if probe.kind == "audio":
                start = audio_seen.get(id(probe), 0)
                arrivals += probe.arrivals[start:]
                audio_seen[id(probe)] = len(probe.arrivals)
        me = bot.participants.get(bot.participant_id)
        emit({
            "kind": "status", "t": time.monotonic(), "audio": frames["audio"],
            "video": frames["video"], "arrivals": sorted(arrivals),
            "mode": me.media_mode.value if me else "video",
            "reason": me.mode_reason.value if me else "good_link",
            "receives_video": me.receives_video if me else True,
            "sends_video": me.sends_video if me else True,
            "quality": int(me.quality) if me else 3,
        })
        for message in bot.received[seen_messages:]:
            if isinstance(message, protocol.ChatPosted | protocol.AgendaChanged):
                emit({"kind": "message", "t": time.monotonic(), "type": message.type,
                      "body": message.model_dump(mode="json")})
        seen_messages = len(bot.received)
        try:
            await asyncio.wait_for(stop.wait(), STATUS_EVERY)
        except TimeoutError:
            pass
    await bot.close()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
