"""First measurement: relay CPU per forwarded A+V subscription and per publisher ingest.

Usage: ``python -m load_tests.relay_cost --subscribers 0 4 8 --seconds 20``

Starts a real server process (memory storage, loopback media), pins it to CPU 0 and
this process (the bots) to CPU 1, joins one publishing bot and N receiving bots, and
reads the server's CPU time from /proc over a steady window. The slope of server CPU
against N is the cost per forwarded A+V subscription; the intercept (minus the idle
server) is the ingest cost of one publisher. Bots count frames they actually received.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time

import httpx

from load_tests.bot import Bot


def cpu_seconds(pid: int) -> float:
    """User+system CPU seconds of a process."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(base: str, pid: int, subscribers: int, seconds: float) -> dict[str, float]:
    """Server CPU share (of one core) and received fps with one publisher and N subscribers."""
    r = httpx.post(f"{base}/api/sessions", json={"kind": "circle", "title": "bench",
                                                 "capacity": 12})
    sid, mentor = r.json()["session"]["session_id"], r.json()["mentor_invite"]["token"]
    ws = base.replace("http", "ws") + f"/ws/sessions/{sid}"
    publisher = Bot(ws, mentor, "pub", publish=True, width=640, height=480, bitrate=1_300_000)
    await publisher.join()
    bots = []
    for i in range(subscribers):
        token = httpx.post(f"{base}/api/sessions/{sid}/invites", json={"role": "observer"},
                           headers={"Authorization": f"Bearer {mentor}"}).json()["token"]
        bot = Bot(ws, token, f"sub{i}", publish=False)
        await bot.join()
        bots.append(bot)
    await asyncio.sleep(4)
    start_cpu, start = cpu_seconds(pid), time.monotonic()
    frames0 = [b.remote(publisher.participant_id).video for b in bots]
    counts0 = [p.frames if p else 0 for p in frames0]
    await asyncio.sleep(seconds)
    cpu = (cpu_seconds(pid) - start_cpu) / (time.monotonic() - start)
    fps = []
    for bot, before in zip(bots, counts0, strict=True):
        probe = bot.remote(publisher.participant_id).video
        fps.append(((probe.frames if probe else 0) - before) / seconds)
    for bot in [*bots, publisher]:
        await bot.close()
    return {"subscribers": subscribers, "server_cpu": cpu,
            "min_fps": min(fps) if fps else 0.0}


async def main(args: argparse.Namespace) -> None:
    port = 18000 + os.getpid() % 1000
    env = dict(os.environ, MENTOR_ROOMS_PORT=str(port), MENTOR_ROOMS_STORAGE_URL="memory://",
               MENTOR_ROOMS_MEDIA_HOST_ADDRESSES='["127.0.0.1"]')
    server = subprocess.Popen(["taskset", "-c", "0", sys.executable, "-m", "signaling"],
                              env=env, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    os.sched_setaffinity(0, {1})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(base + "/healthz")
                break
            except httpx.HTTPError:
                await asyncio.sleep(0.1)
        idle0, t0 = cpu_seconds(server.pid), time.monotonic()
        await asyncio.sleep(3)
        idle = (cpu_seconds(server.pid) - idle0) / (time.monotonic() - t0)
        rows = [await measure(base, server.pid, n, args.seconds) for n in args.subscribers]
        print(json.dumps({"idle_cpu": idle, "rows": rows}, indent=2))
    finally:
        server.terminate()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, nargs="+", default=[0, 4, 8])
    parser.add_argument("--seconds", type=float, default=15.0)
    asyncio.run(main(parser.parse_args()))
