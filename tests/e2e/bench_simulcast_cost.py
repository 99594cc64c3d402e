"""Benchmark, not collected by the suite (``python -m load_tests.impairment_times --tests
tests/e2e/bench_simulcast_cost.py --runs 3``): the relay's CPU per forwarded video
subscription with simulcast publishers against single-layer publishers, measured in the
same run.

Two real Chromium pages in a one-on-one (each publishing its camera, receiving the
other's) on a server with ``MENTOR_ROOMS_SIMULCAST`` false, then true, in interleaved rounds;
the server process's CPU time (user + system, ``/proc``) is read over a quiet window once
media flows. Browsers and server share the machine's two cores, so the figures are only
compared with each other.
"""

from __future__ import annotations

import os
import time
from typing import Any

import pytest

from tests.conftest import start_server
from tests.e2e.test_browser_rooms import open_room, wait_for_media
from tests.impairment.test_bad_network import record

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]
PAGES = 2
SETTLE_SECONDS = 10.0
WINDOW_SECONDS = 20.0
ROUNDS = 2


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    fields = open(f"/proc/{pid}/stat", encoding="ascii").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_round(browser: Any, simulcast: bool) -> float:
    """CPU milliseconds per second per forwarded video subscription."""
    server = start_server({"MENTOR_ROOMS_SIMULCAST": "true" if simulcast else "false"})
    pages: list[Any] = []
    try:
        sid, mentor = server.create_session("one_on_one" if PAGES == 2 else "circle",
                                            capacity=PAGES)
        urls = [f"{server.base_url}/s/{sid}#token={mentor}"] + [
            server.invite(sid, mentor, "mentee", f"M{i}")["url"].replace(
                "http://testserver", server.base_url) for i in range(PAGES - 1)]
        pages = [open_room(browser, url, f"P{i}") for i, url in enumerate(urls)]
        wait_for_media(pages, PAGES - 1)
        time.sleep(SETTLE_SECONDS)
        before, started = cpu_seconds(server.process.pid), time.monotonic()
        time.sleep(WINDOW_SECONDS)
        used = cpu_seconds(server.process.pid) - before
        elapsed = time.monotonic() - started
        subscriptions = PAGES * (PAGES - 1)
        return 1000 * used / elapsed / subscriptions
    finally:
        for page in pages:
            page.context.close()
        server.stop()


def test_simulcast_cost(browser: Any) -> None:
    single: list[float] = []
    layered: list[float] = []
    for _ in range(ROUNDS):
        single.append(one_round(browser, simulcast=False))
        layered.append(one_round(browser, simulcast=True))
    for a, b in zip(single, layered, strict=True):
        print(f"relay CPU ms/s per video subscription: single {a:.1f}, simulcast {b:.1f}, "
              f"ratio {b / a:.2f}")
        record("simulcast_cost", single_ms_per_s=a, simulcast_ms_per_s=b, ratio=b / a)
