"""Attendance over the real edge: logged before acknowledgement, reported as JSON and
CSV to mentors only, and exact after the server is killed with SIGKILL."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient
from websockets.sync.client import ClientConnection, connect

from signaling.protocol import PROTOCOL_VERSION
from tests.conftest import start_server
from tests.integration.test_board_signaling import app_client, next_of, send
from tests.integration.test_signaling import create, invite, send_join


@pytest.fixture
def client() -> Iterator[TestClient]:
    with app_client("memory://") as c:
        yield c


def test_mentors_see_who_attended_and_for_how_long(client: TestClient) -> None:
    sid, mentor = create(client, "circle", capacity=4)
    mentee = invite(client, sid, mentor, "mentee")
    with client.websocket_connect(f"/ws/sessions/{sid}") as m:
        send_join(m, mentor, "Maya")
        with client.websocket_connect(f"/ws/sessions/{sid}") as e:
            send_join(e, mentee, '=HYPERLINK("http://x")')
            send(e, type="leave")
            next_of(e, "bye")
        next_of(m, "participant_left")
        r = client.get(
            f"/api/sessions/{sid}/attendance", headers={"Authorization": f"Bearer {mentor}"}
        )
        assert r.status_code == 200
        report = r.json()
        assert report["live"] is True and report["actual_start"] is not None
        people = {p["role"]: p for p in report["people"]}
        assert people["mentee"]["left_reason"] == "left"
        assert people["mentee"]["seconds_present"] >= 0
        assert people["mentor"]["present"] is True and people["mentor"]["left_at"] is None
        assert report["together_seconds"] == pytest.approx(
            people["mentee"]["seconds_present"], abs=0.01
        )
        r = client.get(
            f"/api/sessions/{sid}/attendance.csv", headers={"Authorization": f"Bearer {mentor}"}
        )
        rows = list(csv.DictReader(io.StringIO(r.text)))
        names = {row["role"]: row["display_name"] for row in rows}
        assert names["mentee"] == '\'=HYPERLINK("http://x")'  # never a formula
        assert (
            client.get(
                f"/api/sessions/{sid}/attendance", headers={"Authorization": f"Bearer {mentee}"}
            ).status_code
            == 403
        )
        assert client.get(f"/api/sessions/{sid}/attendance").status_code == 401


def join(ws_url: str, token: str, name: str) -> ClientConnection:
    ws = connect(ws_url)
    ws.send(
        json.dumps(
            {
                "type": "join",
                "protocol_version": PROTOCOL_VERSION,
                "token": token,
                "display_name": name,
            }
        )
    )
    while json.loads(ws.recv())["type"] != "joined":
        pass  # acknowledged: the join is in the log
    return ws


def test_a_sigkill_loses_no_acknowledged_event_and_open_intervals_close_as_server_lost(
    tmp_path: Path,
) -> None:
    env = {
        "MENTOR_ROOMS_STORAGE_URL": f"sqlite:///{tmp_path / 'rooms.db'}",
        "MENTOR_ROOMS_SECRET_KEY": "k" * 40,
    }
    server = start_server(env)
    try:
        base = server.base_url
        created = httpx.post(
            f"{base}/api/sessions", json={"kind": "circle", "title": "crash"},
            headers=server.admin_headers,
        ).json()
        sid, mentor = created["session"]["session_id"], created["mentor_invite"]["token"]
        tokens = [
            httpx.post(
                f"{base}/api/sessions/{sid}/invites",
                json={"role": "mentee"},
                headers={"Authorization": f"Bearer {mentor}"},
            ).json()["token"]
            for _ in range(3)
        ]
        url = f"{server.ws_base}/ws/sessions/{sid}"
        sockets = [join(url, mentor, "Maya")] + [
            join(url, t, f"M{i}") for i, t in enumerate(tokens)
        ]
        sockets[1].send(json.dumps({"type": "leave", "id": "bye"}))
        while json.loads(sockets[1].recv())["type"] != "bye":
            pass  # acknowledged: the leave is in the log
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait(10)
        for ws in sockets:
            ws.close()
        server = start_server(env)
        report = httpx.get(
            f"{server.base_url}/api/sessions/{sid}/attendance",
            headers={"Authorization": f"Bearer {mentor}"},
        ).json()
        people = {p["display_name"]: p for p in report["people"]}
        assert set(people) == {"Maya", "M0", "M1", "M2"}
        assert people["M0"]["left_reason"] == "left"
        for name in ("Maya", "M1", "M2"):
            assert people[name]["left_reason"] == "server_lost"
            assert len(people[name]["intervals"]) == 1 and people[name]["left_at"] is not None
        assert report["live"] is False
        again = start_server(env)  # a second restart closes nothing twice
        try:
            second = httpx.get(
                f"{again.base_url}/api/sessions/{sid}/attendance",
                headers={"Authorization": f"Bearer {mentor}"},
            ).json()
            assert second["people"] == report["people"]
        finally:
            again.process.kill()
    finally:
        server.process.kill()
