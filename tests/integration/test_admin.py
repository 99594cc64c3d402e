"""The admin side: credentials, the pushed live dashboard, ending a session, removing a
participant, observing visibly, the audit log and the Prometheus metrics."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient, WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from signaling.app import admin_credentials, create_app
from signaling.backends.base import open_store
from signaling.settings import Settings
from tests.integration.test_reconnect import next_update
from tests.integration.test_signaling import CREATOR, SECRET, create, invite, send_join

ADMIN = "admin-credential-for-tests-0001"
BEARER = {"Authorization": f"Bearer {ADMIN}"}


@pytest.fixture
def client() -> Iterator[TestClient]:
    settings = Settings(storage_url="memory://", secret_key=SECRET,
                        media_host_addresses=["127.0.0.1"], admins={"ines": ADMIN},
                        admin_token=CREATOR)
    with TestClient(create_app(settings)) as c:
        yield c


def watch(ws: WebSocketTestSession) -> dict[str, Any]:
    ws.send_text(json.dumps({"type": "admin_hello", "id": "h", "token": ADMIN}))
    snapshot: dict[str, Any] = ws.receive_json()
    assert snapshot["type"] == "dashboard_snapshot" and snapshot["admin"] == "ines"
    return snapshot


def update_where(ws: WebSocketTestSession, sid: str, check: Any) -> tuple[dict[str, Any], float]:
    """The first pushed row of ``sid`` that passes ``check``, and how long it took."""
    started = time.monotonic()
    while True:
        assert time.monotonic() - started < 10, f"no update of {sid} passed the check"
        message = ws.receive_json()
        assert message["type"] == "dashboard_update"
        for row in message["sessions"]:
            if row["session_id"] == sid and check(row):
                return row, time.monotonic() - started


def test_admin_routes_refuse_a_missing_a_wrong_and_a_participant_token(
    client: TestClient,
) -> None:
    sid, mentor = create(client)
    routes = [("GET", "/api/admin/live"), ("GET", f"/api/admin/live/{sid}"),
              ("GET", "/api/admin/nodes"),
              ("GET", "/api/admin/sessions"),
              ("GET", "/api/admin/sessions/ended"), ("GET", "/api/admin/actions"),
              ("POST", f"/api/admin/sessions/{sid}/end"),
              ("POST", f"/api/admin/sessions/{sid}/participants/PA_x/remove"),
              ("POST", f"/api/admin/sessions/{sid}/observe")]
    for method, path in routes:
        for headers, status in (({}, 401), ({"Authorization": "Bearer not-the-one"}, 403),
                                ({"Authorization": f"Bearer {mentor}"}, 403)):
            r = client.request(method, path, headers=headers, json={})
            assert r.status_code == status, (method, path, headers, r.text)
    assert client.get("/api/admin/live", headers=BEARER).json() == []
    assert client.get("/api/admin/actions", headers=BEARER).json() == []  # nothing happened


@pytest.mark.parametrize(("hello", "close_code"), [
    ({"type": "ping", "id": "p"}, 4400),
    ({"type": "admin_hello", "id": "h", "token": "not-the-one"}, 4401),
    (None, 4413),  # a mentor's invite token
])
def test_the_admin_socket_refuses_everyone_without_the_credential(
    client: TestClient, hello: dict[str, str] | None, close_code: int,
) -> None:
    sid, mentor = create(client)
    with client.websocket_connect("/ws/admin") as ws:
        ws.send_text(json.dumps(hello or {"type": "admin_hello", "id": "h", "token": mentor}))
        error = ws.receive_json()
        assert (error["type"], error["code"]) == ("error", "not_allowed")
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == close_code


def test_the_dashboard_shows_a_join_an_agenda_advance_and_a_mode_change_within_a_second(
    client: TestClient,
) -> None:
    sid, mentor = create(client, "circle", planned_minutes=45,
                         agenda=[{"title": "Goals", "planned_minutes": 10}, {"title": "Plan"}])
    mentee = invite(client, sid, mentor, "mentee")
    with client.websocket_connect("/ws/admin") as admin:
        assert watch(admin)["sessions"] == []
        with client.websocket_connect(f"/ws/sessions/{sid}") as a:
            send_join(a, mentor, "Maya")
            row, took = update_where(admin, sid, lambda r: len(r["participants"]) == 1)
            assert took < 1.0
            assert (row["kind"], row["title"], row["planned_minutes"]) == ("circle", "Check-in", 45)
            maya = row["participants"][0]
            assert (maya["display_name"], maya["role"], maya["media_mode"]) == (
                "Maya", "mentor", "video")
            assert row["started_at"] is not None and row["agenda_total"] == 2
            with client.websocket_connect(f"/ws/sessions/{sid}") as b:
                send_join(b, mentee, "Ana")
                _, took = update_where(admin, sid, lambda r: len(r["participants"]) == 2)
                assert took < 1.0
                a.send_text(json.dumps({"type": "agenda_start", "id": "s"}))
                row, took = update_where(admin, sid, lambda r: r["current_item"] is not None)
                assert took < 1.0 and row["current_item"]["title"] == "Goals"
                b.send_text(json.dumps({"type": "choose_media_mode", "mode": "audio_only"}))
                row, took = update_where(admin, sid, lambda r: any(
                    p["media_mode"] == "audio_only" for p in r["participants"]))
                assert took < 1.0
                ana = next(p for p in row["participants"] if p["display_name"] == "Ana")
                assert (ana["role"], ana["mode_reason"]) == ("mentee", "chosen")
        live = client.get(f"/api/admin/live/{sid}", headers=BEARER).json()
        # the same view over REST: both sockets closed, their seats are held
        assert [p["connected"] for p in live["participants"]] == [False, False]


def test_ending_a_session_disconnects_everyone_with_the_reason_and_closes_it(
    client: TestClient,
) -> None:
    sid, mentor = create(client)
    mentee = invite(client, sid, mentor, "mentee")
    with client.websocket_connect(f"/ws/sessions/{sid}") as a:
        send_join(a, mentor, "Maya")
        with client.websocket_connect(f"/ws/sessions/{sid}") as b:
            send_join(b, mentee, "Ana")
            r = client.post(f"/api/admin/sessions/{sid}/end", headers=BEARER)
            assert r.status_code == 200, r.text
            for ws in (a, b):
                bye = next_update(ws, "bye")
                assert bye["reason"] == "session_ended" and "administrator" in bye["message"]
    with client.websocket_connect(f"/ws/sessions/{sid}") as again:
        refused = send_join(again, mentee, "Ana")
        assert (refused["type"], refused["code"]) == ("error", "session_ended")
    assert client.post(f"/api/admin/sessions/{sid}/end", headers=BEARER).status_code == 409
    [entry] = client.get("/api/admin/actions", headers=BEARER).json()
    assert (entry["admin"], entry["action"], entry["session_id"]) == ("ines", "end_session", sid)
    report = client.get(f"/api/sessions/{sid}/attendance", headers=BEARER).json()
    assert {p["left_reason"] for p in report["people"]} == {"session_ended"}


def test_a_removed_participant_sees_why_and_cannot_rejoin_while_others_carry_on(
    client: TestClient,
) -> None:
    sid, mentor = create(client)
    mentee = invite(client, sid, mentor, "mentee")
    with client.websocket_connect(f"/ws/sessions/{sid}") as a:
        send_join(a, mentor, "Maya")
        with client.websocket_connect(f"/ws/sessions/{sid}") as b:
            ana = send_join(b, mentee, "Ana")["you"]["participant_id"]
            r = client.post(f"/api/admin/sessions/{sid}/participants/{ana}/remove",
                            headers=BEARER, json={"reason": "Wrong session"})
            assert r.status_code == 200, r.text
            bye = next_update(b, "bye")
            assert bye["reason"] == "removed" and "Wrong session" in bye["message"]
        left = next_update(a, "participant_left")
        assert (left["participant_id"], left["reason"]) == (ana, "removed")
        with client.websocket_connect(f"/ws/sessions/{sid}") as again:
            refused = send_join(again, mentee, "Ana")
            assert (refused["type"], refused["code"]) == ("error", "removed")
        a.send_text(json.dumps({"type": "ping", "id": "p"}))
        assert next_update(a, "pong")["re"] == "p"  # the session carries on
        gone = client.post(f"/api/admin/sessions/{sid}/participants/{ana}/remove",
                           headers=BEARER, json={})
        assert gone.status_code == 404
    [entry] = client.get("/api/admin/actions", headers=BEARER).json()
    assert (entry["action"], entry["display_name"], entry["reason"]) == (
        "remove_participant", "Ana", "Wrong session")


def test_an_admin_who_joins_is_a_visible_observer_and_it_is_logged(client: TestClient) -> None:
    sid, mentor = create(client)
    with client.websocket_connect(f"/ws/sessions/{sid}") as a:
        send_join(a, mentor, "Maya")
        r = client.post(f"/api/admin/sessions/{sid}/observe", headers=BEARER)
        assert r.status_code == 200, r.text
        with client.websocket_connect(f"/ws/sessions/{sid}") as watcher:
            joined = send_join(watcher, r.json()["token"], "Not an admin")  # name is fixed
            assert joined["type"] == "joined", joined
            seen = next_update(a, "participant_joined")["participant"]
            assert (seen["role"], seen["display_name"]) == ("observer", "ines (admin)")
    [entry] = client.get("/api/admin/actions", headers=BEARER).json()
    assert entry["action"] == "join_as_observer"


def test_ended_sessions_are_listed_with_their_attendance_links(client: TestClient) -> None:
    sid, mentor = create(client)
    with client.websocket_connect(f"/ws/sessions/{sid}") as a:
        send_join(a, mentor, "Maya")
        client.post(f"/api/admin/sessions/{sid}/end", headers=BEARER)
        next_update(a, "bye")
    deadline = time.monotonic() + 5
    while True:  # the worker stops once the session is empty
        ended = client.get("/api/admin/sessions/ended", headers=BEARER,
                           params={"since": time.time() - 3600}).json()
        if ended or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    [row] = ended
    assert (row["session_id"], row["people"], row["ended_by_admin"]) == (sid, 1, True)
    assert row["attendance_page"] == f"/s/{sid}/attendance"
    notes = client.get(row["notes"], headers=BEARER)
    assert notes.status_code == 200 and "Check-in" in notes.text


def test_metrics_count_live_sessions_participants_and_errors_by_code(client: TestClient) -> None:
    sid, mentor = create(client)
    with client.websocket_connect(f"/ws/sessions/{sid}") as a:
        send_join(a, mentor, "Maya")
        a.send_text(json.dumps({"type": "agenda_start", "id": "x", "item_id": "nope"}))
        assert next_update(a, "error")["re"] == "x"
        text = client.get("/metrics").text
    samples = {line.split(" ")[0]: float(line.split(" ")[1])
               for line in text.splitlines() if line and not line.startswith("#")}
    assert samples["mentor_rooms_live_sessions"] == 1
    assert samples['mentor_rooms_participants{media_mode="video"}'] == 1
    assert samples['mentor_rooms_errors_total{code="unknown_item"}'] >= 1
    for name in ("mentor_rooms_forwarded_streams", "mentor_rooms_bitrate_in_bits_per_second",
                 "mentor_rooms_bitrate_out_bits_per_second",
                 "mentor_rooms_event_loop_lag_seconds", "process_resident_memory_bytes",
                 "mentor_rooms_dashboard_push_seconds_total"):
        assert name in samples, name


def test_an_admin_credential_is_generated_and_printed_on_first_start_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    settings = Settings(storage_url=f"sqlite:///{tmp_path}/db.sqlite")

    async def start() -> dict[str, str]:
        store = open_store(settings.storage_url)
        try:
            return await admin_credentials(settings, store)
        finally:
            await store.close()

    first = asyncio.run(start())
    printed = capsys.readouterr().out
    assert first["admin"] in printed and "/admin/live" in printed
    assert asyncio.run(start()) == first
    assert first["admin"] not in capsys.readouterr().out
    chosen = Settings(storage_url=settings.storage_url, admin_token="x" * 20)
    assert asyncio.run(admin_credentials(chosen, open_store("memory://"))) == {"admin": "x" * 20}


def test_a_session_nobody_is_in_can_be_ended_and_then_admits_nobody(client: TestClient) -> None:
    sid, mentor = create(client)
    r = client.post(f"/api/admin/sessions/{sid}/end", headers=BEARER)
    assert r.status_code == 200 and r.json()["action"] == "end_session"
    with client.websocket_connect(f"/ws/sessions/{sid}") as ws:
        refused = send_join(ws, mentor, "Maya")
        assert (refused["type"], refused["code"]) == ("error", "session_ended")
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 4410


def test_the_audit_log_names_each_session_by_its_title(client: TestClient) -> None:
    first, _ = create(client, title="Career circle")
    second, _ = create(client, title="Weekly check-in")
    for sid in (first, second):
        assert client.post(f"/api/admin/sessions/{sid}/end", headers=BEARER).status_code == 200
    issued = client.post("/api/admin/mentors", headers=BEARER, json={"name": "Maya"})
    assert issued.status_code == 201, issued.text
    entries = client.get("/api/admin/actions", headers=BEARER).json()
    assert [(e["action"], e["session_id"], e["session_title"]) for e in entries] == [
        ("end_session", first, "Career circle"), ("end_session", second, "Weekly check-in"),
        ("issue_mentor_credential", "", None)]


def test_every_session_is_listed_with_its_title_in_order_of_its_start(
    client: TestClient,
) -> None:
    later, _ = create(client, title="Later", scheduled_start="2031-01-02T10:00:00Z")
    earlier, _ = create(client, title="Earlier", scheduled_start="2031-01-02T09:00:00Z")
    client.post(f"/api/admin/sessions/{earlier}/end", headers=BEARER)
    rows = client.get("/api/admin/sessions", headers=BEARER).json()
    assert [(r["session_id"], r["title"], r["kind"]) for r in rows] == [
        (earlier, "Earlier", "one_on_one"), (later, "Later", "one_on_one")]
    assert rows[0]["ended_at"] is not None and rows[1]["ended_at"] is None
    assert rows[0]["scheduled_start"] == rows[1]["scheduled_start"] - 3600
