"""Clients behind networks that block direct UDP: Chromium with
``iceTransportPolicy: 'relay'`` joins through a real coturn on loopback, using the
short-lived credentials the server hands out, and receives media."""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LiveServer, free_port, start_server
from tests.e2e.test_browser_rooms import open_room, wait_for_media

pytestmark = pytest.mark.browser


@contextmanager
def running_coturn(address: str, tmp_path: Path, ports: str = "49160-49200"
                   ) -> Iterator[tuple[int, str]]:
    """coturn on ``address`` (TCP and UDP) with the REST-API shared secret, relaying
    from ``address`` on ``ports``; loopback peers allowed (the recipe). Yields
    (port, secret). Skips the test if coturn is not installed."""
    binary = shutil.which("turnserver")
    if binary is None:
        pytest.skip("coturn is not installed (apt-get install coturn)")
    port, secret = free_port(), secrets.token_urlsafe(24)
    low, high = ports.split("-")
    process = subprocess.Popen(
        [binary, "-n", f"--listening-ip={address}", f"--listening-port={port}",
         f"--relay-ip={address}", f"--min-port={low}", f"--max-port={high}",
         "--use-auth-secret", f"--static-auth-secret={secret}", "--realm=mentor-rooms",
         "--allow-loopback-peers", "--no-cli", "--no-tls", "--no-dtls", "--fingerprint",
         f"--userdb={tmp_path}/turndb", f"--pidfile={tmp_path}/turn.pid", "--log-file=stdout"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # TCP listener up means UDP is up too
        try:
            socket.create_connection((address, port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.05)
    try:
        yield port, secret
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def coturn(tmp_path: Path) -> Iterator[tuple[int, str]]:
    with running_coturn("127.0.0.1", tmp_path) as running:
        yield running


@pytest.fixture
def turn_server(coturn: tuple[int, str]) -> Iterator[LiveServer]:
    port, secret = coturn
    server = start_server({
        "MENTOR_ROOMS_TURN_URLS": f'["turn:127.0.0.1:{port}?transport=udp"]',
        "MENTOR_ROOMS_TURN_SECRET": secret,
    })
    yield server
    server.process.kill()


def test_two_relay_only_browsers_exchange_media_through_coturn(
    browser: Any, turn_server: LiveServer,
) -> None:
    sid, mentor = turn_server.create_session("one_on_one")
    mentee = turn_server.invite(sid, mentor, "mentee", "Ana")["url"]
    relay_only = mentee.replace(f"/s/{sid}#", f"/s/{sid}?relay#")
    pages = [open_room(browser, f"{turn_server.base_url}/s/{sid}?relay#token={mentor}", "Maya"),
             open_room(browser, relay_only, "Ana")]
    try:
        wait_for_media(pages, 1)  # decoded video and audio packets, both ways
        for page in pages:
            path = page.evaluate("window.mentorRooms.receivePath()")
            assert path is not None and path["local"] == "relay", path
    finally:
        for page in pages:
            page.context.close()
