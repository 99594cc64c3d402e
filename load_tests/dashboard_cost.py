"""The server's cost of one admin dashboard watching many live sessions.

Usage: ``python -m load_tests.dashboard_cost --sessions 50 --seconds 20 --rounds 3``

Starts a real server (memory storage) pinned to CPU 0; this process (bots and the
dashboard client) runs on CPU 1. Each session is a circle with two signaling-only
bots (no media, so the figure is the dashboard's cost and not the relay's). Every
mentor bot toggles its session's timer (start / pause) every ``--action-every``
seconds and every mentee toggles its microphone mute every ``--mute-every`` seconds
(standing in for the bitrate and quality figures that change on every 2 s link
sample when media flows), staggered over the sessions, so every row keeps changing.
Rounds alternate a window with no dashboard and a window with one dashboard
connected to ``/ws/admin``; server CPU comes from
``/proc/<pid>/stat``, and the time the monitor spent building and queueing updates
from the server's own ``/metrics`` counter. The dashboard's own figures: bytes and
messages per second it received, the snapshot's size and time, and the delay from a
timer action being sent to the dashboard showing it (p50/p95/max).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import time

import httpx
import websockets

from load_tests.bot import Bot
from load_tests.relay_cost import cpu_seconds, percentile
from load_tests.server import (
    CREDENTIAL_ENV,
    add_credential_option,
    bearer,
    own_server_credential,
    running_server,
)
from signaling import protocol


class Watcher:
    """One admin dashboard client: counts what it receives and when timers change."""

    def __init__(self, ws_base: str, credential: str) -> None:
        self._url = f"{ws_base}/ws/admin"
        self._credential = credential
        self.bytes = 0
        self.messages = 0
        self.snapshot_bytes = 0
        self.snapshot_seconds = 0.0
        self.timer_changes: dict[str, list[tuple[str, float]]] = {}
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self) -> None:
        """Connects, says hello and waits for the snapshot."""
        self._task = asyncio.create_task(self._run())
        await asyncio.wait_for(self._ready.wait(), 30)

    async def _run(self) -> None:
        async with websockets.connect(self._url, max_size=2**24) as ws:
            started = time.monotonic()
            await ws.send(protocol.encode(protocol.AdminHello(id="h", token=self._credential)))
            async for raw in ws:
                now = time.monotonic()
                message = protocol.parse_server(raw)
                if isinstance(message, protocol.DashboardSnapshot):
                    self.snapshot_bytes = len(raw)
                    self.snapshot_seconds = now - started
                    self._ready.set()
                    continue
                self.bytes += len(raw)
                self.messages += 1
                if isinstance(message, protocol.DashboardUpdate):
                    for row in message.sessions:
                        changes = self.timer_changes.setdefault(row.session_id, [])
                        status = row.timer.status.value
                        if not changes or changes[-1][0] != status:
                            changes.append((status, now))

    async def stop(self) -> None:
        """Disconnects."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task


async def toggle_mutes(mentees: list[Bot], every: float, stop: asyncio.Event) -> None:
    """Each mentee flips its microphone mute every ``every`` s, staggered."""
    muted = [False] * len(mentees)
    step = every / len(mentees)
    while not stop.is_set():
        for i, bot in enumerate(mentees):
            if stop.is_set():
                return
            muted[i] = not muted[i]
            await bot.send(protocol.SetMediaState(id=bot.next_id(), audio_muted=muted[i],
                                                  video_muted=False))
            await asyncio.sleep(step)


async def toggle_timers(mentors: list[Bot], every: float, stop: asyncio.Event,
                        sent: list[tuple[str, str, float]], ids: list[str]) -> None:
    """Each mentor flips its timer every ``every`` s, staggered over the sessions."""
    running = [False] * len(mentors)
    step = every / len(mentors)
    while not stop.is_set():
        for i, bot in enumerate(mentors):
            if stop.is_set():
                return
            action = (protocol.TimerAction.PAUSE if running[i]
                      else protocol.TimerAction.START)
            seconds = None if running[i] else 600.0
            running[i] = not running[i]
            sent.append((ids[i], "paused" if action is protocol.TimerAction.PAUSE
                         else "running", time.monotonic()))
            await bot.send(protocol.TimerControl(id=bot.next_id(), action=action,
                                                 seconds=seconds))
            await asyncio.sleep(step)


async def push_seconds(base: str) -> float:
    """The server's ``mentor_rooms_dashboard_push_seconds_total`` (from /metrics)."""
    async with httpx.AsyncClient() as http:
        text = (await http.get(f"{base}/metrics")).text
    for line in text.splitlines():
        if line.startswith("mentor_rooms_dashboard_push_seconds_total "):
            return float(line.split()[1])
    return 0.0


async def window(pid: int, seconds: float) -> float:
    """Server CPU (fraction of one core) over a window."""
    cpu0, t0 = cpu_seconds(pid), time.monotonic()
    await asyncio.sleep(seconds)
    return (cpu_seconds(pid) - cpu0) / (time.monotonic() - t0)


async def run(base: str, pid: int, args: argparse.Namespace) -> dict[str, object]:
    ws_base = base.replace("http://", "ws://")
    bots: list[Bot] = []
    mentors: list[Bot] = []
    mentees: list[Bot] = []
    ids: list[str] = []
    async with httpx.AsyncClient(base_url=base) as http:
        for n in range(args.sessions):
            r = await http.post("/api/sessions", json={
                "kind": "circle", "title": f"Circle {n}", "planned_minutes": 45,
                "agenda": [{"title": "Goals", "planned_minutes": 10}]},
                headers=bearer(args.credential))
            body = r.json()
            sid, mentor_token = body["session"]["session_id"], body["mentor_invite"]["token"]
            invite = await http.post(f"/api/sessions/{sid}/invites", json={"role": "mentee"},
                                     headers={"Authorization": f"Bearer {mentor_token}"})
            mentor = Bot(f"{ws_base}/ws/sessions/{sid}", mentor_token, f"Mentor {n}",
                         publish=False, report_quality=False)
            mentee = Bot(f"{ws_base}/ws/sessions/{sid}", invite.json()["token"], f"Mentee {n}",
                         publish=False, report_quality=False)
            await mentor.join()
            await mentee.join()
            bots += [mentor, mentee]
            mentors.append(mentor)
            mentees.append(mentee)
            ids.append(sid)
    stop = asyncio.Event()
    sent: list[tuple[str, str, float]] = []
    togglers = [
        asyncio.create_task(toggle_timers(mentors, args.action_every, stop, sent, ids)),
        asyncio.create_task(toggle_mutes(mentees, args.mute_every, stop)),
    ]
    await asyncio.sleep(3)  # settle: every session has had link samples
    without: list[float] = []
    with_one: list[float] = []
    delays: list[float] = []
    rates: list[tuple[float, float]] = []
    pushing: list[float] = []
    snapshot = (0, 0.0)
    for _ in range(args.rounds):
        without.append(await window(pid, args.seconds))
        watcher = Watcher(ws_base, args.credential)
        await watcher.start()
        snapshot = (watcher.snapshot_bytes, watcher.snapshot_seconds)
        first = len(sent)
        b0, m0, t0 = watcher.bytes, watcher.messages, time.monotonic()
        p0 = await push_seconds(base)
        with_one.append(await window(pid, args.seconds))
        elapsed = time.monotonic() - t0
        pushing.append((await push_seconds(base) - p0) / elapsed)
        rates.append(((watcher.bytes - b0) / elapsed, (watcher.messages - m0) / elapsed))
        await asyncio.sleep(1.5)  # let the last actions arrive
        delays += delays_of(sent[first:], watcher)
        await watcher.stop()
    stop.set()
    await asyncio.gather(*togglers)
    for bot in bots:
        await bot.close()
    mean = sum(without) / len(without), sum(with_one) / len(with_one)
    paired = sorted(w - o for w, o in zip(with_one, without, strict=True))
    return {
        "sessions": args.sessions,
        "participants": len(bots),
        "server_cpu_without_dashboard": [round(c, 4) for c in without],
        "server_cpu_with_dashboard": [round(c, 4) for c in with_one],
        "dashboard_cost_of_a_core": round(mean[1] - mean[0], 4),
        "paired_differences": [round(d, 4) for d in paired],
        "monitor_push_time_of_a_core": [round(p, 5) for p in pushing],
        "dashboard_bytes_per_second": round(sum(r[0] for r in rates) / len(rates)),
        "dashboard_messages_per_second": round(sum(r[1] for r in rates) / len(rates), 2),
        "snapshot_bytes": snapshot[0],
        "snapshot_ms": round(snapshot[1] * 1000, 1),
        "action_to_dashboard_ms": {
            "p50": round(percentile(delays, 0.5) * 1000, 1),
            "p95": round(percentile(delays, 0.95) * 1000, 1),
            "max": round(max(delays, default=0.0) * 1000, 1),
            "count": len(delays),
        },
    }


def delays_of(sent: list[tuple[str, str, float]], watcher: Watcher) -> list[float]:
    """For every timer action: the delay until the dashboard first showed that state
    after the action was sent (actions whose state never showed are left out)."""
    out = []
    for sid, status, at in sent:
        changes = watcher.timer_changes.get(sid, [])
        seen = next((t for s, t in changes if s == status and t >= at), None)
        if seen is not None:
            out.append(seen - at)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each window")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--action-every", type=float, default=5.0,
                        help="seconds between one session's timer actions")
    parser.add_argument("--mute-every", type=float, default=2.0,
                        help="seconds between one mentee's mute toggles")
    add_credential_option(parser)
    args = parser.parse_args()
    args.credential = own_server_credential(args.credential)  # the dashboard's too
    env = {"MENTOR_ROOMS_STORAGE_URL": "memory://", CREDENTIAL_ENV: args.credential,
           "MENTOR_ROOMS_MEDIA_HOST_ADDRESSES": '["127.0.0.1"]'}
    with running_server(env, pin_cpu=0) as (base, pid):
        result = asyncio.run(run(base, pid, args))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
