"""First measurement: relay CPU per forwarded A+V subscription, per publisher ingest,
and relay-added latency.

Usage: ``python -m load_tests.relay_cost --subscribers 0 4 8 --seconds 15``

Starts a real server process (memory storage, loopback media), pins it to CPU 0 and
this process (the bots) to CPU 1, joins one publishing bot and N receiving bots, and
reads the server's CPU time from /proc over a steady window. The slope of server CPU
against N is the cost per forwarded A+V subscription; the intercept (minus the idle
server) is the ingest cost of one publisher. Bots count frames they actually received.

Latency: every video frame is fingerprinted (SHA-1) when the publishing bot hands it to
its sender and when a receiving bot has all its packets; the difference is the
publisher-to-subscriber latency. The same is measured once on a direct bot-to-bot
connection (no relay) in this process; relay-added latency is the difference of
the two distributions' percentiles.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time

import httpx
from aiortc import RTCPeerConnection

from load_tests.bot import Bot
from load_tests.bot_media import AudioSource, ReceiveProbe, VideoSource, install_probe
from load_tests.server import (
    CREDENTIAL_ENV,
    add_credential_option,
    bearer,
    own_server_credential,
    running_server,
)


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values`` by nearest rank (0.0 if empty)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def latencies_ms(source: VideoSource, probe: ReceiveProbe | None, since: float) -> list[float]:
    """Milliseconds from hand-off to complete arrival, for frames sent after ``since``."""
    if probe is None:
        return []
    sent = {h: t for h, t in zip(source.sent, source.send_times, strict=True) if t >= since}
    return [
        (arrival - sent[h]) * 1000
        for h, arrival in zip(probe.hashes, probe.arrivals, strict=True)
        if h in sent
    ]


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of ``ys`` over ``xs`` (0.0 with fewer than two points)."""
    if len(xs) < 2:
        return 0.0
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0


def cpu_seconds(pid: int) -> float:
    """User+system CPU seconds of a process."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(base: str, pid: int, subscribers: int, seconds: float,
                  credential: str) -> dict[str, float]:
    """Server CPU share (of one core) and received fps with one publisher and N subscribers."""
    r = httpx.post(
        f"{base}/api/sessions", json={"kind": "circle", "title": "bench", "capacity": 12},
        headers=bearer(credential),
    )
    sid, mentor = r.json()["session"]["session_id"], r.json()["mentor_invite"]["token"]
    ws = base.replace("http", "ws") + f"/ws/sessions/{sid}"
    publisher = Bot(ws, mentor, "pub", publish=True, width=640, height=480, bitrate=1_300_000)
    await publisher.join()
    bots = []
    for i in range(subscribers):
        token = httpx.post(
            f"{base}/api/sessions/{sid}/invites",
            json={"role": "mentee"},
            headers={"Authorization": f"Bearer {mentor}"},
        ).json()["token"]
        bot = Bot(ws, token, f"sub{i}", publish=False)
        await bot.join()
        bots.append(bot)
    await asyncio.sleep(4)
    start_cpu, start = cpu_seconds(pid), time.monotonic()
    frames0 = [b.remote(publisher.participant_id).video for b in bots]
    counts0 = [p.frames if p else 0 for p in frames0]
    await asyncio.sleep(seconds)
    cpu = (cpu_seconds(pid) - start_cpu) / (time.monotonic() - start)
    fps: list[float] = []
    delays: list[float] = []
    assert publisher.video is not None
    for bot, before in zip(bots, counts0, strict=True):
        probe = bot.remote(publisher.participant_id).video
        fps.append(((probe.frames if probe else 0) - before) / seconds)
        delays += latencies_ms(publisher.video, probe, start)
    for bot in [*bots, publisher]:
        await bot.close()
    return {
        "subscribers": subscribers,
        "server_cpu": cpu,
        "min_fps": min(fps) if fps else 0.0,
        "latency_ms_p50": percentile(delays, 0.5),
        "latency_ms_p95": percentile(delays, 0.95),
        "latency_ms_p99": percentile(delays, 0.99),
    }


async def direct_latency(seconds: float) -> dict[str, float]:
    """The same A+V bots connected to each other without the relay (the floor)."""
    sender, receiver = RTCPeerConnection(), RTCPeerConnection()
    video = VideoSource(640, 480, bitrate=1_300_000)
    sender.addTrack(video)
    sender.addTrack(AudioSource())
    await sender.setLocalDescription(await sender.createOffer())
    await receiver.setRemoteDescription(sender.localDescription)
    probes = {t.kind: install_probe(t.receiver, t.kind) for t in receiver.getTransceivers()}
    await receiver.setLocalDescription(await receiver.createAnswer())
    await sender.setRemoteDescription(receiver.localDescription)
    await asyncio.sleep(4)
    start, frames0 = time.monotonic(), probes["video"].frames
    await asyncio.sleep(seconds)
    delays = latencies_ms(video, probes["video"], start)
    fps = (probes["video"].frames - frames0) / seconds
    await sender.close()
    await receiver.close()
    return {
        "fps": fps,
        "latency_ms_p50": percentile(delays, 0.5),
        "latency_ms_p95": percentile(delays, 0.95),
        "latency_ms_p99": percentile(delays, 0.99),
    }


async def main(args: argparse.Namespace) -> None:
    credential = own_server_credential(args.credential)
    env = {
        "MENTOR_ROOMS_STORAGE_URL": "memory://",
        "MENTOR_ROOMS_MEDIA_HOST_ADDRESSES": '["127.0.0.1"]',
        CREDENTIAL_ENV: credential,
    }
    with running_server(env, pin_cpu=0) as (base, pid):
        idle0, t0 = cpu_seconds(pid), time.monotonic()
        await asyncio.sleep(3)
        idle = (cpu_seconds(pid) - idle0) / (time.monotonic() - t0)
        rows = [await measure(base, pid, n, args.seconds, credential)
                for n in args.subscribers]
        direct = await direct_latency(args.seconds)
        summary = {
            "idle_cpu": idle,
            "ingest_cpu_per_publisher": rows[0]["server_cpu"] - idle,
            "cpu_per_subscription": slope(
                [r["subscribers"] for r in rows], [r["server_cpu"] for r in rows]
            ),
        }
        print(json.dumps({**summary, "rows": rows, "direct": direct}, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, nargs="+", default=[0, 4, 8])
    parser.add_argument("--seconds", type=float, default=15.0)
    add_credential_option(parser)
    asyncio.run(main(parser.parse_args()))
