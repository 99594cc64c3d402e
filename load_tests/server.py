"""Starts a real ``python -m signaling`` process for a benchmark, and the credential
that creates sessions on it."""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

CREDENTIAL_ENV = "MENTOR_ROOMS_ADMIN_TOKEN"
"""Where ``--credential`` is read from by default (the server's own admin credential)."""


def add_credential_option(parser: argparse.ArgumentParser, own_server: bool = True) -> None:
    """Adds ``--credential``: what creates sessions (an admin or mentor credential),
    by default ``$MENTOR_ROOMS_ADMIN_TOKEN``.

    Args:
        parser: The benchmark's argument parser.
        own_server: The benchmark starts its own server, which gets the credential as
            its admin credential (a fresh one when none is given).
    """
    started = (" The server this starts gets it as MENTOR_ROOMS_ADMIN_TOKEN (>= 16 "
               "characters; default: a fresh one).") if own_server else ""
    parser.add_argument(
        "--credential", default=os.environ.get(CREDENTIAL_ENV, ""),
        help="admin or mentor credential that creates sessions (default: "
        f"${CREDENTIAL_ENV}).{started}")


def own_server_credential(given: str) -> str:
    """The admin credential for a server a benchmark starts: ``given``, or a fresh one."""
    return given or secrets.token_urlsafe(24)


def bearer(credential: str) -> dict[str, str]:
    """The ``Authorization`` header for ``credential`` (none for an empty one)."""
    return {"Authorization": f"Bearer {credential}"} if credential else {}


@contextmanager
def running_server(
    env: dict[str, str], pin_cpu: int | None = None, port_base: int = 18000,
    cwd: str | None = None,
) -> Iterator[tuple[str, int]]:
    """Runs the server until the block ends; yields its base URL and pid.

    Args:
        env: Extra environment (``MENTOR_ROOMS_*`` settings).
        pin_cpu: Pins the server to this CPU (``taskset``) and this process to the
            other one, so bots and server do not share a core.
        port_base: The port is ``port_base + pid % 1000``.
        cwd: Run the server from this checkout (e.g. the previous build, to compare
            against); default: this one.
    """
    port = port_base + os.getpid() % 1000
    command = [sys.executable, "-m", "signaling"]
    if pin_cpu is not None:
        command = ["taskset", "-c", str(pin_cpu), *command]
        os.sched_setaffinity(0, {1 - pin_cpu})
    server = subprocess.Popen(
        command,
        env=dict(os.environ, MENTOR_ROOMS_PORT=str(port), **env,
                 **({"PYTHONPATH": cwd} if cwd else {})),
        cwd=cwd,
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
