"""Running the server: attendance stored once, quiet structured logs, the admin
credential shown again."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
from websockets.sync.client import connect

from signaling.protocol import PROTOCOL_VERSION
from tests.conftest import ROOT, LiveServer, free_port
from tests.integration.test_board_signaling import app_client, next_of, send
from tests.integration.test_signaling import create, invite, send_join


def test_each_attendance_fact_is_stored_once(tmp_path: Path) -> None:
    db = tmp_path / "attendance.db"
    with app_client(f"sqlite:///{db}") as client:
        sid, mentor = create(client, "circle", capacity=4)
        mentee = invite(client, sid, mentor, "mentee")
        with client.websocket_connect(f"/ws/sessions/{sid}") as m:
            send_join(m, mentor, "Maya")
            with client.websocket_connect(f"/ws/sessions/{sid}") as e:
                assert send_join(e, mentee, "Ana")["type"] == "joined"
            next_of(m, "participant_updated")  # Ana dropped: her seat is held
            with client.websocket_connect(f"/ws/sessions/{sid}") as e:
                assert send_join(e, mentee, "Ana")["type"] == "joined"  # rejoined
                send(e, type="leave")
                next_of(e, "bye")
            next_of(m, "participant_left")
            send(m, type="leave")
            next_of(m, "bye")
    with sqlite3.connect(db) as conn:
        records = [json.loads(r) for (r,) in conn.execute(
            "SELECT record FROM attendance WHERE session_id = ? ORDER BY seq", (sid,))]
    facts = [(r["kind"], r["display_name"], r.get("reason")) for r in records
             if r["kind"] != "alive"]
    assert facts == [
        ("joined", "Maya", None),
        ("joined", "Ana", None),
        ("left", "Ana", "dropped"),
        ("joined", "Ana", None),
        ("left", "Ana", "left"),
        ("left", "Maya", "left"),
    ]


def _server(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    full = {**os.environ, "MENTOR_ROOMS_PORT": str(port),
            "MENTOR_ROOMS_MEDIA_HOST_ADDRESSES": '["127.0.0.1"]', **env}
    full.pop("MENTOR_ROOMS_ADMIN_TOKEN", None)
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "signaling"], cwd=ROOT, env=full,
                                   stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(log.read_text())


def test_logs_are_json_lines_with_ids_and_the_credential_can_be_shown_again(
        tmp_path: Path) -> None:
    storage = f"sqlite:///{tmp_path / 'ops.db'}"
    env = {"MENTOR_ROOMS_STORAGE_URL": storage, "MENTOR_ROOMS_LOG_FORMAT": "json"}
    log = tmp_path / "server.log"
    process, base = _server(env, log)
    try:
        time.sleep(0.5)
        printed = [line.strip() for line in log.read_text().splitlines()]
        token = printed[printed.index("Mentor Rooms generated an admin credential "
                                      "(first start only):") + 1]
        live = LiveServer(base, process, admin_token=token)
        sid, mentor = live.create_session()
        with connect(live.ws_url(sid)) as ws:
            ws.send(json.dumps({"type": "join", "protocol_version": PROTOCOL_VERSION,
                                "token": mentor, "display_name": "Maya"}))
            assert json.loads(ws.recv(5))["type"] == "joined"
            ws.send(json.dumps({"type": "leave"}))
            while json.loads(ws.recv(5))["type"] != "bye":
                pass
        time.sleep(0.3)
    finally:
        process.terminate()
        process.wait(10)
    records = [json.loads(line) for line in log.read_text().splitlines()
               if line.startswith("{")]
    events = {(r.get("event"), r.get("session_id")) for r in records}
    assert ("joined", sid) in events and ("left", sid) in events
    assert all(r["participant_id"].startswith("PA_") for r in records
               if r.get("event") in {"joined", "left"})
    assert not [r for r in records if r["logger"].startswith(("aioice", "aiortc"))]
    assert "Traceback" not in log.read_text()
    shown = subprocess.run([sys.executable, "-m", "signaling", "admin-credential"], cwd=ROOT,
                           env={**os.environ, "MENTOR_ROOMS_STORAGE_URL": storage},
                           capture_output=True, text=True, timeout=30, check=True)
    assert shown.stdout.strip() == token
