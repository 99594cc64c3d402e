"""Reaction and recovery times under real impairment, for docs/benchmarks.md.

Runs ``tests/impairment`` (network namespace, tbf caps, nftables loss; needs root)
``--runs`` times with ``IMPAIRMENT_RESULTS`` set, then prints a Markdown table of the
median and worst figures per impairment. The tests themselves assert the limits
(audio-only within 5 s, chat-only within 10 s, video back within 20 s); this only
collects what they measured.

Usage: ``python -m load_tests.impairment_times --runs 3``; with ``--tests
tests/e2e/bench_downlink_caps.py`` it runs the Chromium downlink-cap benchmark instead.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def collect(runs: int, tests: str = "tests/impairment") -> list[dict[str, float | str]]:
    """Runs the impairment tests (or ``tests``) and returns every recorded line."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "results.jsonl"
        env = {**os.environ, "IMPAIRMENT_RESULTS": str(out)}
        for run in range(runs):
            done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", tests],
                                  cwd=ROOT, env=env, check=False)
            print(f"run {run + 1}: pytest exit {done.returncode}", file=sys.stderr)
        if not out.exists():
            return []
        return [json.loads(line) for line in out.read_text().splitlines()]


def table(lines: list[dict[str, float | str]]) -> str:
    """Median and worst of each figure, per impairment."""
    by_test: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for line in lines:
        for key, value in line.items():
            if key != "test" and isinstance(value, (int, float)):
                by_test[str(line["test"])][key].append(float(value))
    rows = ["| impairment | figure | runs | median | worst |", "|---|---|---|---|---|"]
    for test, figures in by_test.items():
        for key, values in figures.items():
            rows.append(f"| {test} | {key} | {len(values)} | {statistics.median(values):.2f} "
                        f"| {max(values):.2f} |")
    return "\n".join(rows)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tests", default="tests/impairment",
                        help="the tests to run, e.g. tests/e2e/bench_downlink_caps.py "
                             "(Chromium in a namespace behind 1000/600/300/150 kbit/s)")
    args = parser.parse_args()
    print(table(collect(args.runs, args.tests)))


if __name__ == "__main__":
    main()
