"""``python -m load_tests``: simulate many concurrent mentoring rooms against a server.

Runs the rooms in worker processes (bots that speak ``signaling.protocol`` and send
synthetic media), shows progress every second, stops by itself after ``--duration``
seconds and cleans up (every bot leaves), then prints a table and writes a JSON report
and a PNG plot. It only ever targets ``--url`` and refuses non-loopback addresses
unless ``--i-own-this-server`` says the target is yours.
"""

from __future__ import annotations

import argparse
import multiprocessing
import queue
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from load_tests.report import format_table, plot_png, summarize, write_json
from load_tests.runner import worker_main
from load_tests.scenario import (
    LoadConfig,
    Media,
    RoomPlan,
    Scenario,
    TargetRefused,
    check_target,
    plan_rooms,
)
from load_tests.server import add_credential_option

EPILOG = """examples:
  python -m load_tests --scenario one_on_one --rooms 10 --media video --duration 60
  python -m load_tests --scenario signaling --rooms 50 --participants 10 --workers 2
  python -m load_tests --scenario mix --rooms 30 --participants 5 --ramp 10
"""


def parse_args(argv: list[str]) -> tuple[LoadConfig, Path, bool]:
    """The run's settings, the report path prefix and the owner flag."""
    p = argparse.ArgumentParser(
        prog="python -m load_tests",
        description=__doc__,
        epilog=EPILOG,
        formatter_class=argparse.RawTextHelpFormatter,
    )
    p.add_argument(
        "--url", default="http://127.0.0.1:8000", help="the server (default %(default)s)"
    )
    p.add_argument(
        "--scenario",
        type=Scenario,
        choices=list(Scenario),
        default=Scenario.ONE_ON_ONE,
        help="one_on_one | circle | churn | signaling | mix (default %(default)s)",
    )
    p.add_argument("--rooms", type=int, default=5, help="concurrent rooms (default %(default)s)")
    p.add_argument(
        "--participants",
        type=int,
        default=4,
        help="people per circle, 2..12 (one-on-one rooms have 2; default %(default)s)",
    )
    p.add_argument(
        "--media",
        type=Media,
        choices=list(Media),
        default=Media.VIDEO,
        help="none | audio | video (video = audio + video; default %(default)s)",
    )
    p.add_argument(
        "--resolution", default="640x480", help="synthetic video size (default %(default)s)"
    )
    p.add_argument(
        "--bitrate", default="800k", help="video bitrate, e.g. 500k or 1.2M (default %(default)s)"
    )
    p.add_argument("--ramp", type=float, default=5.0, help="joins per second (default %(default)s)")
    p.add_argument(
        "--duration",
        type=float,
        default=30.0,
        help="seconds from the first join to the end (default %(default)s)",
    )
    p.add_argument("--workers", type=int, default=1, help="worker processes (default %(default)s)")
    p.add_argument(
        "--chat-every",
        type=float,
        default=5.0,
        help="seconds between one person's chat messages, 0 for none (default %(default)s)",
    )
    p.add_argument(
        "--action-every",
        type=float,
        default=3.0,
        help="seconds between board actions in signaling rooms (default %(default)s)",
    )
    p.add_argument(
        "--warmup",
        type=float,
        default=5.0,
        help="seconds after the last join before per-subscription figures count "
        "(default %(default)s)",
    )
    p.add_argument(
        "--bots",
        choices=["packet", "aiortc"],
        default="packet",
        help="packet: bots replay pre-packetized RTP and count what arrives from RTP "
        "headers (a fraction of the CPU); aiortc: aiortc's own send and receive path "
        "(default %(default)s)",
    )
    p.add_argument(
        "--no-quality-reports",
        action="store_true",
        help="bots do not report their downlink (the server then never adapts it)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("load-report"),
        help="report path prefix: PREFIX.json and PREFIX.png (default %(default)s)",
    )
    add_credential_option(p, own_server=False)
    p.add_argument(
        "--i-own-this-server",
        action="store_true",
        help="allow a non-loopback target: you confirm it is your own server",
    )
    args = p.parse_args(argv)
    width, _, height = args.resolution.partition("x")
    config = LoadConfig(
        url=args.url.rstrip("/"),
        scenario=args.scenario,
        rooms=args.rooms,
        participants=args.participants,
        media=args.media,
        width=int(width),
        height=int(height),
        bitrate=parse_bitrate(args.bitrate),
        ramp=args.ramp,
        duration=args.duration,
        workers=max(1, args.workers),
        chat_every=args.chat_every,
        action_every=args.action_every,
        churn_stay=(5.0, 15.0),
        warmup=args.warmup,
        quality_reports=not args.no_quality_reports,
        packet_bots=args.bots == "packet",
        credential=args.credential,
    )
    return config, args.out, bool(args.i_own_this_server)


def parse_bitrate(text: str) -> int:
    """``800k`` → 800000; ``1.2M`` → 1200000; plain numbers are bits per second."""
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:].lower(), 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


class ServerProbe:
    """Reads the server's CPU and memory from its ``/metrics`` (prometheus-client's
    process collector), so it works wherever the server runs."""

    def __init__(self, url: str) -> None:
        self._url = f"{url}/metrics"
        self._last: tuple[float, float] | None = None

    def read(self) -> tuple[float | None, float | None]:
        """(CPU as a fraction of one core since the last read, RSS in MB)."""
        try:
            text = httpx.get(self._url, timeout=2).text
        except httpx.HTTPError:
            return None, None
        values = {}
        for line in text.splitlines():
            name, _, value = line.partition(" ")
            if name in ("process_cpu_seconds_total", "process_resident_memory_bytes"):
                values[name] = float(value)
        cpu_total = values.get("process_cpu_seconds_total")
        rss = values.get("process_resident_memory_bytes")
        cpu = None
        now = time.monotonic()
        if cpu_total is not None:
            if self._last is not None and now > self._last[0]:
                cpu = (cpu_total - self._last[1]) / (now - self._last[0])
            self._last = (now, cpu_total)
        return cpu, None if rss is None else rss / 1e6


def split(plans: list[RoomPlan], workers: int) -> list[list[RoomPlan]]:
    """Deals the rooms out to the workers, round robin."""
    return [plans[i::workers] for i in range(workers) if plans[i::workers]]


def run(config: LoadConfig) -> dict[str, Any]:
    """Runs the load test; returns the raw results."""
    context = multiprocessing.get_context("spawn")
    outbox: multiprocessing.Queue[dict[str, Any]] = context.Queue()
    shares = split(plan_rooms(config), config.workers)
    probe = ServerProbe(config.url)
    probe.read()
    started, started_at = time.monotonic(), time.time()
    end_at = started + config.duration
    stop = context.Event()
    processes = [
        context.Process(
            target=worker_main, args=(config, share, outbox, i, end_at, stop), daemon=True
        )
        for i, share in enumerate(shares)
    ]
    for process in processes:
        process.start()
    latest: dict[int, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    timeline: list[dict[str, Any]] = []
    previous: dict[str, float] | None = None
    next_tick = started + 1
    while len(results) < len(processes):
        try:
            item = outbox.get(timeout=0.2)
            if item["kind"] == "sample":
                latest[item["worker"]] = item
            else:
                results.append(item)
        except queue.Empty:
            if not any(p.is_alive() for p in processes) and outbox.empty():
                break
        except KeyboardInterrupt:  # stop early: the workers clean up and still report
            sys.stderr.write("\nstopping: every bot leaves, then the report follows\n")
            stop.set()
        if time.monotonic() >= next_tick:
            next_tick += 1
            previous = tick(timeline, latest, previous, probe, started, config)
    for process in processes:
        process.join(30)
    sys.stderr.write("\n")
    return merge(config, results, timeline, started_at, time.monotonic() - started)


def tick(
    timeline: list[dict[str, Any]],
    latest: dict[int, dict[str, Any]],
    previous: dict[str, float] | None,
    probe: ServerProbe,
    started: float,
    config: LoadConfig,
) -> dict[str, float] | None:
    """Adds one timeline point and redraws the progress line; returns the totals (the
    base of the next rates), or ``previous`` before any worker has sampled."""
    now = time.monotonic()
    totals = {
        key: float(sum(s[key] for s in latest.values()))
        for key in (
            "participants", "video_frames", "video_subscriptions", "rx_bytes", "errors", "cpu_s"
        )
    }
    totals["t"] = sum(s["t"] for s in latest.values()) / len(latest) if latest else now
    cpu, rss = probe.read()
    fps = mbps = loadgen = None
    if previous is not None and totals["t"] > previous["t"]:
        seconds = totals["t"] - previous["t"]  # between the workers' own samples
        loadgen = max(0.0, totals["cpu_s"] - previous["cpu_s"]) / seconds
        if totals["video_subscriptions"]:
            fps = (
                (totals["video_frames"] - previous["video_frames"])
                / seconds
                / totals["video_subscriptions"]
            )
        mbps = max(0.0, totals["rx_bytes"] - previous["rx_bytes"]) * 8 / seconds / 1e6
    timeline.append(
        {
            "t": round(now - started, 2),
            "participants": int(totals["participants"]),
            "server_cpu": cpu,
            "server_rss_mb": rss,
            "video_fps_mean": fps,
            "rx_mbps": mbps or 0.0,
            "errors": int(totals["errors"]),
            "loadgen_cpu": loadgen,
        }
    )
    sys.stderr.write(
        f"\r{now - started:5.0f}/{config.duration:.0f} s  participants "
        f"{int(totals['participants']):4d}  video fps/sub {fps or 0:5.1f}  rx {mbps or 0:6.1f} "
        f"Mb/s  errors {int(totals['errors'])}  server cpu "
        f"{'-' if cpu is None else f'{cpu * 100:.0f} %'}  rss "
        f"{'-' if rss is None else f'{rss:.0f} MB'}  bots cpu "
        f"{'-' if loadgen is None else f'{loadgen * 100:.0f} %'}   "
    )
    sys.stderr.flush()
    return totals if latest else previous  # rates start from the first real sample


def merge(
    config: LoadConfig,
    results: list[dict[str, Any]],
    timeline: list[dict[str, Any]],
    started_at: float,
    elapsed: float,
) -> dict[str, Any]:
    """The workers' results as one raw report."""
    refused: dict[str, int] = {}
    errors: dict[str, int] = {}
    for r in results:
        for code, n in r["refused"].items():
            refused[code] = refused.get(code, 0) + n
        for code, n in r["errors"].items():
            errors[code] = errors.get(code, 0) + n
    settings = {key: getattr(config, key) for key in config.__slots__ if key != "credential"}
    return {
        "config": {k: v.value if hasattr(v, "value") else v for k, v in settings.items()},
        "started_at": started_at,
        "elapsed_s": elapsed,
        "joins": {
            "attempted": sum(r["attempted"] for r in results),
            "succeeded": sum(r["succeeded"] for r in results),
            "refused": refused,
        },
        "errors": errors,
        **{
            key: [x for r in results for x in r[key]]
            for key in (
                "join_latency_s",
                "first_frame_s",
                "signaling_rtt_s",
                "fanout_s",
                "subscriptions",
            )
        },
        "timeline": timeline,
    }


def main(argv: list[str] | None = None) -> int:
    """Runs the CLI; returns the exit status."""
    config, out, own = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        check_target(config.url, own)
        httpx.get(f"{config.url}/healthz", timeout=5).raise_for_status()
    except TargetRefused as exc:
        sys.stderr.write(f"refused: {exc}\n")
        return 2
    except httpx.HTTPError as exc:
        sys.stderr.write(f"no Mentor Rooms server answers at {config.url}: {exc}\n")
        return 2
    if not config.credential:
        sys.stderr.write("note: no --credential (nor $MENTOR_ROOMS_ADMIN_TOKEN): creating "
                         "sessions will be refused unless the server runs with "
                         "MENTOR_ROOMS_OPEN_CREATION=1\n")
    raw = run(config)
    summary = summarize(raw)
    print(format_table(summary))
    out.parent.mkdir(parents=True, exist_ok=True)
    write_json(out.with_suffix(".json"), raw, summary)
    plot_png(out.with_suffix(".png"), raw)
    print(f"report: {out.with_suffix('.json')}  plot: {out.with_suffix('.png')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
