"""Load test report: turns the runner's raw results into a summary, a terminal table,
a JSON file and a PNG chart.

The raw results dict (JSON-able) is produced by the runner (``python -m load_tests``)::

    {
      "config": {"scenario": str, "rooms": int, "participants": int,
                 "media": "none" | "audio" | "video", "duration": float, ...},
      "started_at": float, "elapsed_s": float,
      "joins": {"attempted": int, "succeeded": int, "refused": {"<code>": int}},
      "errors": {"<error code>": int},
      "join_latency_s": [float], "first_frame_s": [float],
      "signaling_rtt_s": [float], "fanout_s": [float],
      "subscriptions": [{"kind": "video" | "audio", "fps": float, "kbps": float,
                         "packets": int, "lost": int, "frames": int}],
      "timeline": [{"t": float, "participants": int, "server_cpu": float | None,
                    "server_rss_mb": float | None, "video_fps_mean": float | None,
                    "rx_mbps": float, "errors": int}]
    }

Missing keys are treated as empty, so a partial run (e.g. interrupted) still reports.
This module has no server imports and needs only the standard library and matplotlib
(Agg canvas, no pyplot global state, works headless).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

LATENCIES = {
    "join_latency_ms": ("join_latency_s", "join (ws open -> joined)"),
    "first_frame_ms": ("first_frame_s", "first remote frame"),
    "signaling_rtt_ms": ("signaling_rtt_s", "signaling RTT (chat echo)"),
    "fanout_ms": ("fanout_s", "fan-out (chat -> others)"),
}
"""Summary key -> (raw key in seconds, table label)."""

KINDS = ("video", "audio")
SMOOTH_FPS = 29.5


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values`` by nearest rank (0.0 if empty).

    Same rule as ``load_tests.relay_cost.percentile`` (kept here so that the report
    does not import aiortc): the element at index ``round(q * (n - 1))`` of the sorted
    values.
    """
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _latency_stats(seconds: list[float]) -> dict[str, Any]:
    """``{"count", "p50", "p95", "p99", "max"}`` in ms rounded to 0.1 (None if no samples)."""
    ms = [s * 1000 for s in seconds]
    stats: dict[str, Any] = {"count": len(ms)}
    for name, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99), ("max", 1.0)):
        stats[name] = round(percentile(ms, q), 1) if ms else None
    return stats


def loss_pct(sub: dict[str, Any]) -> float:
    """Percentage of packets lost on one subscription: ``100 * lost / (packets + lost)``.

    0.0 when neither packets nor losses were counted.
    """
    packets, lost = int(sub.get("packets", 0)), int(sub.get("lost", 0))
    total = packets + lost
    return 100.0 * lost / total if total > 0 else 0.0


def _subscription_stats(subs: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    """Distribution of fps, kbps, loss and frames over the subscriptions of one kind.

    ``subs`` must be non-empty. ``share_at_29_5_fps`` (fraction of subscriptions with
    fps >= 29.5) is None for audio.
    """
    fps = [float(s.get("fps", 0.0)) for s in subs]
    kbps = [float(s.get("kbps", 0.0)) for s in subs]
    loss = [loss_pct(s) for s in subs]
    share = sum(f >= SMOOTH_FPS for f in fps) / len(fps) if kind == "video" else None
    return {
        "count": len(subs),
        "fps_min": round(min(fps), 2),
        "fps_p5": round(percentile(fps, 0.05), 2),
        "fps_p50": round(percentile(fps, 0.5), 2),
        "kbps_p50": round(percentile(kbps, 0.5), 1),
        "kbps_min": round(min(kbps), 1),
        "loss_pct_p50": round(percentile(loss, 0.5), 3),
        "loss_pct_p95": round(percentile(loss, 0.95), 3),
        "loss_pct_max": round(max(loss), 3),
        "frames_min": min(int(s.get("frames", 0)) for s in subs),
        "share_at_29_5_fps": None if share is None else round(share, 4),
    }


def _server_stats(timeline: list[dict[str, Any]]) -> dict[str, Any]:
    """Server CPU (fraction of one core) and RSS (MB) over the timeline, skipping None.

    Each field is None when no timeline entry has that value.
    """
    cpu = [float(e["server_cpu"]) for e in timeline if e.get("server_cpu") is not None]
    rss = [float(e["server_rss_mb"]) for e in timeline if e.get("server_rss_mb") is not None]
    return {
        "cpu_mean": round(sum(cpu) / len(cpu), 4) if cpu else None,
        "cpu_max": round(max(cpu), 4) if cpu else None,
        "rss_mb_start": round(rss[0], 1) if rss else None,
        "rss_mb_max": round(max(rss), 1) if rss else None,
    }


SATURATED = 0.85
"""Load-generator CPU per worker (everyone joined) above which the figures are suspect."""


def _all_joined(timeline: list[dict[str, Any]], key: str) -> list[float]:
    """``key``'s values while the most participants were in (None values skipped)."""
    most = max((int(e.get("participants", 0)) for e in timeline), default=0)
    return [float(e[key]) for e in timeline
            if e.get(key) is not None and int(e.get("participants", 0)) == most]


def _generator_stats(raw: dict[str, Any]) -> dict[str, Any]:
    """The load generator's CPU (fraction of one core, all workers together) and a warning
    when, with everyone joined, its workers were nearly saturated: then slow frames may
    be the bots', not the server's (bursts while joining are expected). Also the
    server's CPU with everyone joined (``server_cpu_all_joined``), for comparison."""
    timeline: list[dict[str, Any]] = raw.get("timeline", [])
    cpu = [float(e["loadgen_cpu"]) for e in timeline if e.get("loadgen_cpu") is not None]
    workers = max(1, int(raw.get("config", {}).get("workers", 1)))
    full, server = _all_joined(timeline, "loadgen_cpu"), _all_joined(timeline, "server_cpu")
    busy = sum(full) / len(full) / workers if full else 0.0
    warning = (f"with everyone joined the load generator was {busy:.0%} busy per worker: it "
               "may have limited the figures (add --workers on more cores)"
               if busy >= SATURATED else None)
    return {
        "cpu_mean": round(sum(cpu) / len(cpu), 4) if cpu else None,
        "cpu_max": round(max(cpu), 4) if cpu else None,
        "cpu_all_joined": round(busy * workers, 4) if full else None,
        "server_cpu_all_joined": round(sum(server) / len(server), 4) if server else None,
        "workers": workers,
        "warning": warning,
    }


def _sanity(raw: dict[str, Any], summary: dict[str, Any]) -> list[str]:
    """Problems a smoke test should fail on, as sentences (empty when the run looks fine)."""
    problems: list[str] = []
    joins = summary["joins"]
    attempted, succeeded = int(joins.get("attempted", 0)), int(joins.get("succeeded", 0))
    if attempted == 0:
        problems.append("no join was attempted")
    elif succeeded < attempted:
        refused = ", ".join(f"{c} x{n}" for c, n in sorted(joins.get("refused", {}).items()))
        problems.append(
            f"not every join succeeded ({succeeded} of {attempted}"
            + (f"; refused: {refused})" if refused else ")")
        )
    if summary["errors_total"] > 0:
        codes = ", ".join(f"{c} x{n}" for c, n in sorted(summary["errors"].items()))
        problems.append(f"errors were received ({codes})")
    subs: list[dict[str, Any]] = raw.get("subscriptions", [])
    silent = [s for s in subs if int(s.get("frames", 0)) <= 0]
    if silent:
        problems.append(f"a subscription received no frames ({len(silent)} of {len(subs)})")
    config = raw.get("config", {})
    media = config.get("media")
    if media in KINDS and int(config.get("participants", 0)) >= 2:
        if not any(s.get("kind") == media for s in subs):
            problems.append(f"media was {media} but no {media} track was received")
    return problems


def summarize(raw: dict[str, Any]) -> dict[str, Any]:
    """Condense raw runner results into a JSON-able summary.

    Args:
        raw: The runner's results (see the module docstring); missing keys count as empty.

    Returns:
        ``config`` and ``elapsed_s`` copied (for the table's heading); ``joins`` and
        ``errors`` copied, ``errors_total``; ``join_success_rate`` (succeeded/attempted,
        None if nothing was attempted); ``join_latency_ms``, ``first_frame_ms``,
        ``signaling_rtt_ms``, ``fanout_ms`` each ``{"count", "p50", "p95", "p99", "max"}``
        in ms rounded to 0.1 (percentiles None when count is 0); ``subscriptions``
        ``{kind: stats}`` for each of "video"/"audio" present (see
        ``_subscription_stats``; loss in percent); ``server`` ``{"cpu_mean", "cpu_max",
        "rss_mb_start", "rss_mb_max"}`` (CPU as a fraction of one core, each None without
        samples); ``sane``: list of problems, empty when the run looks fine.
    """
    joins = dict(raw.get("joins", {}))
    joins.setdefault("attempted", 0)
    joins.setdefault("succeeded", 0)
    joins["refused"] = dict(joins.get("refused", {}))
    errors = {str(code): int(n) for code, n in raw.get("errors", {}).items()}
    attempted = int(joins["attempted"])
    summary: dict[str, Any] = {
        "config": dict(raw.get("config", {})),
        "elapsed_s": raw.get("elapsed_s"),
        "join_success_rate": (
            round(int(joins["succeeded"]) / attempted, 4) if attempted > 0 else None
        ),
        "joins": joins,
        "errors": errors,
        "errors_total": sum(errors.values()),
    }
    for key, (raw_key, _label) in LATENCIES.items():
        summary[key] = _latency_stats([float(v) for v in raw.get(raw_key, [])])
    subs: list[dict[str, Any]] = raw.get("subscriptions", [])
    summary["subscriptions"] = {
        kind: _subscription_stats(of_kind, kind)
        for kind in KINDS
        if (of_kind := [s for s in subs if s.get("kind") == kind])
    }
    summary["server"] = _server_stats(raw.get("timeline", []))
    summary["load_generator"] = _generator_stats(raw)
    summary["sane"] = _sanity(raw, summary)
    return summary


def _num(value: Any, fmt: str = "{:.1f}", scale: float = 1.0) -> str:
    """``value * scale`` formatted with ``fmt``, or "-" for None."""
    return "-" if value is None else fmt.format(value * scale)


def _rows(rows: list[list[str]], widths: list[int]) -> list[str]:
    """Fixed-width lines: first column left-aligned, the others right-aligned."""
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(w) for cell, w in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells).rstrip())
    return lines


SUBSCRIPTION_ROWS = [
    ("count", "count", "{:.0f}", 1.0),
    ("fps min", "fps_min", "{:.1f}", 1.0),
    ("fps p5", "fps_p5", "{:.1f}", 1.0),
    ("fps p50", "fps_p50", "{:.1f}", 1.0),
    ("share at >= 29.5 fps", "share_at_29_5_fps", "{:.1f}%", 100.0),
    ("kbit/s min", "kbps_min", "{:.1f}", 1.0),
    ("kbit/s p50", "kbps_p50", "{:.1f}", 1.0),
    ("loss p50", "loss_pct_p50", "{:.2f}%", 1.0),
    ("loss p95", "loss_pct_p95", "{:.2f}%", 1.0),
    ("loss max", "loss_pct_max", "{:.2f}%", 1.0),
    ("frames min", "frames_min", "{:.0f}", 1.0),
]
"""Table label, summary key, format, scale for the subscriptions section."""


def format_table(summary: dict[str, Any]) -> str:
    """A plain-text, fixed-width report of every figure in ``summary`` for the terminal.

    Rates are shown in percent, latencies in ms, CPU in "% of a core", memory in MB.
    ``summary`` must come from ``summarize``. Ends without a trailing newline.
    """
    config = summary.get("config", {})
    heading = ", ".join(f"{k}={v}" for k, v in config.items()) or "no config"
    elapsed = summary.get("elapsed_s")
    lines = [f"Load test: {heading}"]
    if elapsed is not None:
        lines[0] += f" (ran {elapsed:.1f} s)"
    lines.append("=" * min(100, len(lines[0])))

    joins = summary["joins"]
    refused = ", ".join(f"{c} x{n}" for c, n in sorted(joins["refused"].items())) or "none"
    errors = ", ".join(f"{c} x{n}" for c, n in sorted(summary["errors"].items())) or "none"
    lines += _rows(
        [
            ["joins attempted", str(joins["attempted"])],
            ["joins succeeded", str(joins["succeeded"])],
            ["join success rate", _num(summary["join_success_rate"], "{:.1f}%", 100.0)],
            ["joins refused", refused],
            ["errors total", str(summary["errors_total"])],
            ["errors by code", errors],
        ],
        [20, 0],
    )

    lines += ["", "Latency (ms)"]
    header = ["", "count", "p50", "p95", "p99", "max"]
    rows = [header]
    for key, (_raw_key, label) in LATENCIES.items():
        stats = summary[key]
        rows.append([label, str(stats["count"])] + [_num(stats[p]) for p in header[2:]])
    lines += _rows(rows, [28, 6, 9, 9, 9, 9])

    lines += ["", "Subscriptions (per received track)"]
    subs = summary["subscriptions"]
    if subs:
        kinds = list(subs)
        rows = [["", *kinds]]
        for label, key, fmt, scale in SUBSCRIPTION_ROWS:
            rows.append([label] + [_num(subs[k].get(key), fmt, scale) for k in kinds])
        lines += _rows(rows, [28] + [10] * len(kinds))
    else:
        lines.append("  none received")

    server, generator = summary["server"], summary.get("load_generator") or {}
    lines += ["", "Server"]
    lines += _rows(
        [
            ["CPU mean", _num(server["cpu_mean"], "{:.1f}% of a core", 100.0)],
            ["CPU max", _num(server["cpu_max"], "{:.1f}% of a core", 100.0)],
            ["CPU, everyone joined", _num(generator.get("server_cpu_all_joined"),
                                          "{:.1f}% of a core", 100.0)],
            ["RSS at start", _num(server["rss_mb_start"], "{:.1f} MB")],
            ["RSS max", _num(server["rss_mb_max"], "{:.1f} MB")],
        ],
        [28, 20],
    )

    lines += ["", f"Load generator ({generator.get('workers', 1)} worker process(es))"]
    lines += _rows(
        [
            ["CPU mean", _num(generator.get("cpu_mean"), "{:.1f}% of a core", 100.0)],
            ["CPU max", _num(generator.get("cpu_max"), "{:.1f}% of a core", 100.0)],
            ["CPU, everyone joined", _num(generator.get("cpu_all_joined"), "{:.1f}% of a core",
                                          100.0)],
        ],
        [28, 20],
    )
    if generator.get("warning"):
        lines.append(f"  WARNING: {generator['warning']}")

    lines += ["", "Sanity"]
    lines += [f"  PROBLEM: {p}" for p in summary["sane"]] or ["  OK"]
    return "\n".join(lines)


def write_json(path: Path, raw: dict[str, Any], summary: dict[str, Any]) -> None:
    """Write ``{"summary": summary, "raw": raw}`` to ``path`` as JSON with indent=2.

    Creates missing parent directories and overwrites an existing file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"summary": summary, "raw": raw}, indent=2) + "\n", "utf-8")


def _series(
    timeline: list[dict[str, Any]], key: str, scale: float = 1.0
) -> tuple[list[float], list[float]]:
    """Times and ``value * scale`` of the timeline entries where ``key`` is not None."""
    points = [(float(e["t"]), float(e[key]) * scale) for e in timeline if e.get(key) is not None]
    return [t for t, _ in points], [v for _, v in points]


def plot_png(path: Path, raw: dict[str, Any]) -> None:
    """Write a PNG of the run's timeline to ``path`` (headless; creates parent dirs).

    Three stacked panels sharing the time axis (s since start): participants connected;
    server CPU (% of a core) with RSS (MB) on a twin axis; mean received video fps per
    subscription with total received Mbit/s on a twin axis. None values are skipped; an
    empty timeline still yields a (blank) chart.
    """
    timeline: list[dict[str, Any]] = raw.get("timeline", [])
    config = raw.get("config", {})
    fig = Figure(figsize=(10, 9), layout="constrained")
    FigureCanvasAgg(fig)
    ax_people, ax_cpu, ax_fps = fig.subplots(3, 1, sharex=True)
    fig.suptitle(
        f"Load test: scenario {config.get('scenario', '?')}, rooms {config.get('rooms', '?')},"
        f" participants {config.get('participants', '?')}, media {config.get('media', '?')}"
    )

    ax_people.step(*_series(timeline, "participants"), where="post", color="tab:blue")
    ax_people.set_ylabel("participants connected")
    ax_people.set_ylim(bottom=0)

    ax_cpu.plot(*_series(timeline, "server_cpu", 100.0), color="tab:red", label="CPU")
    ax_cpu.set_ylabel("server CPU (% of a core)", color="tab:red")
    ax_cpu.set_ylim(bottom=0)
    ax_rss = ax_cpu.twinx()
    ax_rss.plot(*_series(timeline, "server_rss_mb"), color="tab:purple", label="RSS")
    ax_rss.set_ylabel("server RSS (MB)", color="tab:purple")

    ax_fps.plot(*_series(timeline, "video_fps_mean"), color="tab:green")
    ax_fps.axhline(SMOOTH_FPS, color="tab:green", linestyle=":", linewidth=0.8)
    ax_fps.set_ylabel("mean video fps / subscription", color="tab:green")
    ax_fps.set_ylim(bottom=0)
    ax_mbps = ax_fps.twinx()
    ax_mbps.plot(*_series(timeline, "rx_mbps"), color="tab:orange")
    ax_mbps.set_ylabel("received Mbit/s (total)", color="tab:orange")
    ax_mbps.set_ylim(bottom=0)
    ax_fps.set_xlabel("time since start (s)")

    for ax in (ax_people, ax_cpu, ax_fps):
        ax.grid(True, alpha=0.3)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", dpi=100)
