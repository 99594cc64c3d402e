"""Shared fixtures: a real server process on loopback (memory storage)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
TEST_ADMIN_TOKEN = "test-admin-credential-0001"
"""The admin credential every test server gets unless the test chooses its own (creating
a session needs one)."""


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    """A running ``python -m signaling`` process."""

    base_url: str
    process: subprocess.Popen[bytes]
    admin_token: str = TEST_ADMIN_TOKEN
    """The server's admin credential (``MENTOR_ROOMS_ADMIN_TOKEN``)."""

    @property
    def admin_headers(self) -> dict[str, str]:
        """``Authorization`` with the admin credential."""
        return {"Authorization": f"Bearer {self.admin_token}"}

    @property
    def ws_base(self) -> str:
        return self.base_url.replace("http://", "ws://")

    def create_session(
        self, kind: str = "one_on_one", capacity: int | None = None, title: str = "Weekly check-in"
    ) -> tuple[str, str]:
        """Creates a session with the admin credential; returns (session_id, mentor token)."""
        body: dict[str, object] = {"kind": kind, "title": title, "mentor_name": "Maya"}
        if capacity is not None:
            body["capacity"] = capacity
        r = httpx.post(f"{self.base_url}/api/sessions", json=body, headers=self.admin_headers)
        r.raise_for_status()
        data = r.json()
        return data["session"]["session_id"], data["mentor_invite"]["token"]

    def invite(
        self, session_id: str, mentor_token: str, role: str, name: str = ""
    ) -> dict[str, str]:
        """Issues an invite; returns the invite JSON."""
        r = httpx.post(
            f"{self.base_url}/api/sessions/{session_id}/invites",
            json={"role": role, "display_name": name},
            headers={"Authorization": f"Bearer {mentor_token}"},
        )
        r.raise_for_status()
        result: dict[str, str] = r.json()
        return result

    def stop(self) -> None:
        """Terminates the process (kills it if it does not stop within 10 s)."""
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def ws_url(self, session_id: str) -> str:
        return f"{self.ws_base}/ws/sessions/{session_id}"


def start_server(extra_env: dict[str, str] | None = None, port: int | None = None) -> LiveServer:
    """Starts a server process (on ``port``, default a free one) and waits until it answers.

    Its admin credential is ``extra_env``'s ``MENTOR_ROOMS_ADMIN_TOKEN``, else
    :data:`TEST_ADMIN_TOKEN`.
    """
    port = port or free_port()
    env = dict(os.environ)
    env.update(
        {
            "MENTOR_ROOMS_PORT": str(port),
            "MENTOR_ROOMS_STORAGE_URL": "memory://",
            "MENTOR_ROOMS_MEDIA_HOST_ADDRESSES": json.dumps(["127.0.0.1"]),
            "MENTOR_ROOMS_ADMIN_TOKEN": TEST_ADMIN_TOKEN,
        }
    )
    env.update(extra_env or {})
    process = subprocess.Popen([sys.executable, "-m", "signaling"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return LiveServer(base, process, env["MENTOR_ROOMS_ADMIN_TOKEN"])
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start")


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    server = start_server()
    yield server
    server.stop()
