"""Starts a real ``python -m signaling`` process for a benchmark."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx


@contextmanager
def running_server(
    env: dict[str, str], pin_cpu: int | None = None, port_base: int = 18000
) -> Iterator[tuple[str, int]]:
    """Runs the server until the block ends; yields its base URL and pid.

    Args:
        env: Extra environment (``MENTOR_ROOMS_*`` settings).
        pin_cpu: Pins the server to this CPU (``taskset``) and this process to the
            other one, so bots and server do not share a core.
        port_base: The port is ``port_base + pid % 1000``.
    """
    port = port_base + os.getpid() % 1000
    command = [sys.executable, "-m", "signaling"]
    if pin_cpu is not None:
        command = ["taskset", "-c", str(pin_cpu), *command]
        os.sched_setaffinity(0, {1 - pin_cpu})
    server = subprocess.Popen(
        command,
        env=dict(os.environ, MENTOR_ROOMS_PORT=str(port), **env),
        stderr=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(base + "/healthz")
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(10)
