"""Our relay against Janus, side by side in one run: server CPU per forwarded A+V
subscription and per publisher ingest.

Usage (as root: it adds a private address on an interface of its own; 2 cores)::

    python -m load_tests.janus_compare --subscribers 0 2 4 8 --seconds 15 --rounds 2

``--frame-path`` runs our server on the frame path instead of the packet path;
``--ours-only`` / ``--janus-only`` measure one side (for debugging). The JSON result
goes to stdout, one progress line per measurement to stderr.

Method. Both servers run for the whole run, each pinned to CPU 0 (``taskset``); this
process, with every bot, runs on CPU 1.

* Ours: ``python -m signaling`` (memory storage; ``MENTOR_ROOMS_PACKET_FORWARDING=true``
  unless ``--frame-path``), joined by :class:`load_tests.bot.Bot`, their quality reports
  off as Janus has none (``--quality-reports``: one a second, as browsers send).
* Janus (Debian ``janus`` 1.1.x): the VideoRoom plugin over the HTTP API only, every
  other plugin, transport, logger and event handler disabled
  (:mod:`load_tests.janus_client`); one API session per bot, as one per browser.

Same media for both: 640x480 VP8 at 800 kbit/s, ``--loop-frames`` frames encoded once
before any publisher starts (:func:`prepare_loop`) and replayed by both servers'
publishers, byte for byte; interframes padded to the bitrate as in ``python -m
load_tests`` (about 3 packets per frame; ``--unpadded``: the bare test pattern, about
50 kbit/s); plus Opus in 20 ms packets. Subscribers count complete frames on arrival,
without decoding. Same network path: every ICE host candidate (bots, our server, Janus)
is one private address (``--address``, default 10.77.0.1 on a dummy interface this
creates and removes, because Janus's libnice skips loopback interfaces); the kernel
carries local traffic through its loopback path whatever the interface.

Each round first reads both servers' idle CPU (``--idle-seconds``). Then, for each N
in ``--subscribers``, a publisher and N subscribers join one server, ``--warmup``
seconds pass, and the server's CPU time (``/proc/<pid>/stat``, all its threads) is read
over ``--seconds`` along with what every subscriber received; everyone leaves and the
same N runs on the other server. The order of the two servers alternates per round.

Figures per server, as fractions of one core: ``idle_cpu`` (mean of the rounds);
``ingest_cpu_per_publisher``: mean CPU at N = 0 minus ``idle_cpu``;
``cpu_per_subscription``: least-squares slope of CPU over N, all rounds pooled. The
``ratios`` are ours / Janus. Each row also has the machine's 1-minute load average:
rows taken while something else ran are visible.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import itertools
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import aioice.ice
import aiortc
import httpx

from load_tests.bot import Bot
from load_tests.bot_media import LOOPS, AudioSource, ReceiveProbe, VideoSource
from load_tests.janus_client import (
    JanusPeer,
    bench_address,
    destroy_room,
    publish,
    running_janus,
    subscribe,
)
from load_tests.relay_cost import cpu_seconds, percentile, slope
from load_tests.server import (
    CREDENTIAL_ENV,
    add_credential_option,
    bearer,
    own_server_credential,
    running_server,
)

SERVER_CPU, BOT_CPU = 0, 1
WIDTH, HEIGHT, BITRATE = 640, 480, 800_000

Received = list[tuple[ReceiveProbe | None, ReceiveProbe | None]]
"""Per subscription: the video and the audio probe (``None`` until media is set up)."""


@dataclass
class Room:
    """One measured room on one server.

    Attributes:
        received: What each subscription's probes counted so far.
        leave: Makes every bot leave and closes their connections.
    """

    received: Callable[[], Received]
    leave: Callable[[], Awaitable[None]]


@dataclass
class Server:
    """A server under test.

    Attributes:
        name: ``"ours"`` or ``"janus"``.
        pid: Its process id (for ``/proc/<pid>/stat``).
        join: Joins one publisher and N subscribers in a fresh room.
        idle: Its idle CPU share, one value per round.
    """

    name: str
    pid: int
    join: Callable[[int], Awaitable[Room]]
    idle: list[float] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Row:
    """One measurement: a server, N subscribers, one steady window.

    Attributes:
        server_cpu: The server's CPU share of one core over the window.
        min_fps: The lowest received video frame rate of any subscription.
        p50_fps: The median one.
        min_audio_pps: The lowest received audio packet rate (50 expected).
        video_kbps: Mean received video payload per subscription, kbit/s.
        load_1min: The machine's 1-minute load average after the window.
    """

    server: str
    round: int
    subscribers: int
    server_cpu: float
    min_fps: float | None
    p50_fps: float | None
    min_audio_pps: float | None
    video_kbps: float | None
    load_1min: float


async def prepare_loop(loop_frames: int, padded: bool) -> dict[str, float]:
    """Encodes the video loop every publisher of this process replays, before any
    publisher exists.

    A keyframe request while a :class:`VideoSource` is still filling its loop (a relay's
    PLI when a subscriber joins) makes libvpx's rate control jump: the loop, and so the
    bitrate and packets per frame of the whole run, would depend on timing. Encoded
    here with no request, it is the same in every run and for both servers.

    Returns:
        The loop's size: bytes per keyframe, mean bytes per other frame, kbit/s.
    """
    source = VideoSource(WIDTH, HEIGHT, bitrate=BITRATE, loop_frames=loop_frames, padded=padded)
    for _ in range(loop_frames):
        await source.recv()
    loop = LOOPS[(WIDTH, HEIGHT, BITRATE, loop_frames, padded)]
    return {
        "keyframe_bytes": len(loop[0]),
        "interframe_bytes": statistics.fmean(len(f) for f in loop[1:]) if loop[1:] else 0.0,
        "kbit_per_s": sum(map(len, loop)) * 8 * source.fps / len(loop) / 1000,
    }


async def join_ours(base: str, credential: str, subscribers: int, loop_frames: int,
                    padded: bool, reports: bool = False) -> Room:
    """Our server: a session with one publishing bot and ``subscribers`` receiving bots
    (:class:`load_tests.bot.Bot`); ``reports``: they send a browser's ``quality_report``
    every second (signalling work Janus has no counterpart for; off by default)."""
    r = httpx.post(
        f"{base}/api/sessions", json={"kind": "circle", "title": "bench", "capacity": 12},
        headers=bearer(credential),
    )
    r.raise_for_status()
    sid, mentor = r.json()["session"]["session_id"], r.json()["mentor_invite"]["token"]
    ws = base.replace("http", "ws") + f"/ws/sessions/{sid}"
    publisher = Bot(ws, mentor, "pub", publish=True, width=WIDTH, height=HEIGHT,
                    bitrate=BITRATE, video_loop_frames=loop_frames, padded=padded,
                    fingerprint=False, report_quality=reports)
    bots: list[Bot] = []

    async def leave() -> None:
        for bot in [*bots, publisher]:
            await bot.close()

    def received() -> Received:
        media = [bot.remote(publisher.participant_id) for bot in bots]
        return [(m.video, m.audio) for m in media]

    try:
        await publisher.join()
        for i in range(subscribers):
            token = httpx.post(
                f"{base}/api/sessions/{sid}/invites", json={"role": "mentee"},
                headers={"Authorization": f"Bearer {mentor}"},
            ).json()["token"]
            bots.append(Bot(ws, token, f"sub{i}", publish=False, fingerprint=False,
                            report_quality=reports))
            await bots[-1].join()
    except BaseException:
        await leave()
        raise
    return Room(received, leave)


async def join_janus(client: httpx.AsyncClient, base: str, room: int, subscribers: int,
                     loop_frames: int, padded: bool) -> Room:
    """Janus: VideoRoom ``room`` with one publisher and ``subscribers`` subscribers."""
    video = VideoSource(WIDTH, HEIGHT, bitrate=BITRATE, loop_frames=loop_frames, padded=padded)
    publisher, feed = await publish(client, base, room, video, AudioSource())
    subs: list[JanusPeer] = []

    async def leave() -> None:
        for sub in subs:
            await sub.close()
        await destroy_room(publisher, room)
        await publisher.close()

    try:
        for _ in range(subscribers):
            subs.append(await subscribe(client, base, room, feed))
    except BaseException:
        await leave()
        raise
    return Room(lambda: [(s.probes.get("video"), s.probes.get("audio")) for s in subs], leave)


async def idle_cpu(pid: int, seconds: float) -> float:
    """CPU share of ``pid`` over ``seconds`` with nothing connected."""
    start_cpu, start = cpu_seconds(pid), time.monotonic()
    await asyncio.sleep(seconds)
    return (cpu_seconds(pid) - start_cpu) / (time.monotonic() - start)


def _counts(received: Received) -> list[tuple[int, int, int]]:
    return [(v.frames if v else 0, v.byte_count if v else 0, a.packets if a else 0)
            for v, a in received]


async def measure(server: Server, subscribers: int, round_: int, warmup: float,
                  seconds: float) -> Row:
    """Server CPU and what arrived with one publisher and ``subscribers`` subscribers."""
    room = await server.join(subscribers)
    try:
        await asyncio.sleep(warmup)
        before = _counts(room.received())
        start_cpu, start = cpu_seconds(server.pid), time.monotonic()
        await asyncio.sleep(seconds)
        cpu, elapsed = cpu_seconds(server.pid) - start_cpu, time.monotonic() - start
        after = _counts(room.received())
    finally:
        await room.leave()
    fps = [(a[0] - b[0]) / elapsed for a, b in zip(after, before, strict=True)]
    kbps = [(a[1] - b[1]) * 8 / 1000 / elapsed for a, b in zip(after, before, strict=True)]
    pps = [(a[2] - b[2]) / elapsed for a, b in zip(after, before, strict=True)]
    return Row(
        server=server.name, round=round_, subscribers=subscribers, server_cpu=cpu / elapsed,
        min_fps=min(fps) if fps else None, p50_fps=percentile(fps, 0.5) if fps else None,
        min_audio_pps=min(pps) if pps else None,
        video_kbps=statistics.fmean(kbps) if kbps else None, load_1min=os.getloadavg()[0],
    )


def summarize(server: Server, rows: list[Row]) -> dict[str, Any]:
    """Idle, ingest and per-subscription cost of one server from its rows."""
    idle = statistics.fmean(server.idle) if server.idle else 0.0
    zero = [r.server_cpu for r in rows if r.subscribers == 0]
    return {
        "idle_cpu": idle,
        "idle_cpu_per_round": server.idle,
        "ingest_cpu_per_publisher": statistics.fmean(zero) - idle if zero else None,
        "cpu_per_subscription": slope([float(r.subscribers) for r in rows],
                                      [r.server_cpu for r in rows]),
        "rows": [asdict(r) for r in rows],
    }


def machine() -> dict[str, Any]:
    """The machine and software the figures come from."""
    with open("/proc/cpuinfo") as cpuinfo:
        model = next((line.split(":", 1)[1].strip() for line in cpuinfo
                      if line.startswith("model name")), "")
    janus = subprocess.run(["janus", "--version"], capture_output=True, text=True, check=False)
    return {
        "load_average_at_start": list(os.getloadavg()), "cpus": os.cpu_count(),
        "cpu_model": model, "python": platform.python_version(),
        "aiortc": aiortc.__version__, "janus": janus.stdout.splitlines()[0] if janus.stdout else "",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Starts the servers, runs the interleaved measurements, returns the result."""
    started = machine()
    os.sched_setaffinity(0, {BOT_CPU})
    padded = not args.unpadded
    loop = await prepare_loop(args.loop_frames, padded)
    credential = own_server_credential(args.credential)
    env = {
        "MENTOR_ROOMS_STORAGE_URL": "memory://",
        "MENTOR_ROOMS_MEDIA_HOST_ADDRESSES": json.dumps([args.address]),
        "MENTOR_ROOMS_PACKET_FORWARDING": "false" if args.frame_path else "true",
        CREDENTIAL_ENV: credential,
    }
    rooms = itertools.count(1001)
    servers: list[Server] = []
    rows: list[Row] = []
    with contextlib.ExitStack() as stack:
        interface = stack.enter_context(bench_address(args.address))
        # the bots gather on it only, too (aioice looks this up per gathering)
        aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: [args.address]
        client = httpx.AsyncClient(timeout=10)
        try:
            if not args.janus_only:
                base, pid = stack.enter_context(running_server(env, pin_cpu=SERVER_CPU))
                servers.append(Server("ours", pid, functools.partial(
                    join_ours, base, credential, loop_frames=args.loop_frames,
                    padded=padded, reports=args.quality_reports)))
            if not args.ours_only:
                janus_base, janus_pid = stack.enter_context(
                    running_janus(args.address, interface, pin_cpu=SERVER_CPU))

                async def janus_join(n: int) -> Room:
                    return await join_janus(client, janus_base, next(rooms), n,
                                            args.loop_frames, padded)

                servers.append(Server("janus", janus_pid, janus_join))
            for round_ in range(1, args.rounds + 1):
                for server in servers:
                    server.idle.append(await idle_cpu(server.pid, args.idle_seconds))
                for n in args.subscribers:
                    for server in servers if round_ % 2 else servers[::-1]:
                        row = await measure(server, n, round_, args.warmup, args.seconds)
                        rows.append(row)
                        print(f"round {round_} {server.name:5} N={n}: cpu {row.server_cpu:.2%}"
                              f" min fps {row.min_fps} load {row.load_1min:.2f}",
                              file=sys.stderr, flush=True)
        finally:
            await client.aclose()
    result: dict[str, Any] = {
        "machine": started,
        "settings": {
            "subscribers": args.subscribers, "seconds": args.seconds, "rounds": args.rounds,
            "warmup": args.warmup, "idle_seconds": args.idle_seconds,
            "packet_forwarding": not args.frame_path, "address": args.address,
            "interface": interface, "media": f"{WIDTH}x{HEIGHT} VP8 {BITRATE // 1000} kbit/s "
            f"({args.loop_frames}-frame loop, {'padded' if padded else 'unpadded'}) + Opus 20 ms",
            "video_loop": loop,
        },
    }
    for server in servers:
        result[server.name] = summarize(server, [r for r in rows if r.server == server.name])
    if len(servers) == 2:  # ours / Janus (None without a positive Janus figure)
        ours, janus = result["ours"], result["janus"]
        result["ratios"] = {key: ours[key] / janus[key] if ours[key] is not None
                            and janus[key] is not None and janus[key] > 0 else None
                            for key in ("cpu_per_subscription", "ingest_cpu_per_publisher")}
    return result


async def main(args: argparse.Namespace) -> None:
    """Runs the benchmark and prints its JSON; SIGTERM stops it and cleans up."""
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    print(json.dumps(await run(args), indent=2))


def parser() -> argparse.ArgumentParser:
    """The command line."""
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--subscribers", type=int, nargs="+", default=[0, 2, 4, 8],
                   help="subscriber counts N (at most 11: a session holds 12)")
    p.add_argument("--seconds", type=float, default=15.0, help="steady window per measurement")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--warmup", type=float, default=4.0)
    p.add_argument("--idle-seconds", type=float, default=3.0)
    p.add_argument("--loop-frames", type=int, default=60,
                   help="encoded video frames replayed in a loop (keyframe first)")
    p.add_argument("--unpadded", action="store_true",
                   help="interframes not padded to the bitrate (about 50 kbit/s)")
    p.add_argument("--quality-reports", action="store_true", help="bots send quality reports")
    p.add_argument("--frame-path", action="store_true", help="our server on the frame path")
    p.add_argument("--address", default="10.77.0.1", help="private IPv4 address for every "
                   "ICE candidate (one the machine lacks: on an interface of the run's)")
    only = p.add_mutually_exclusive_group()
    only.add_argument("--ours-only", action="store_true")
    only.add_argument("--janus-only", action="store_true")
    add_credential_option(p)
    return p


if __name__ == "__main__":
    asyncio.run(main(parser().parse_args()))
