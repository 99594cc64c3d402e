"""Feedback and progress over REST: numbers from real sessions, permission checks, CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from session_room.ids import Identity, SessionId
from session_room.roles import Role
from signaling.app import create_app
from signaling.auth import InviteSigner
from signaling.settings import Settings
from tests.integration.test_board_signaling import next_of, send
from tests.integration.test_signaling import CREATOR, SECRET, create, send_join

ADMIN = CREATOR  # creates the sessions too


@pytest.fixture
def client() -> Iterator[TestClient]:
    settings = Settings(
        storage_url="memory://",
        secret_key=SECRET,
        admin_token=ADMIN,
        media_host_addresses=["127.0.0.1"],
    )
    with TestClient(create_app(settings)) as c:
        yield c


def invite(client: TestClient, sid: str, mentor: str, role: str, name: str) -> dict[str, str]:
    r = client.post(
        f"/api/sessions/{sid}/invites",
        json={"role": role, "display_name": name},
        headers={"Authorization": f"Bearer {mentor}"},
    )
    result: dict[str, str] = r.json()
    return result


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_feedback_and_progress_follow_identities_with_permissions(client: TestClient) -> None:
    sid, mentor = create(client, agenda=[{"title": "Goals"}, {"title": "Plan"}])
    ana = invite(client, sid, mentor, "mentee", "=Ana")
    other_sid, other_mentor = create(client)
    ben = invite(client, other_sid, other_mentor, "mentee", "Ben")
    with client.websocket_connect(f"/ws/sessions/{sid}") as m:
        send_join(m, mentor, "Maya")
        with client.websocket_connect(f"/ws/sessions/{sid}") as e:
            send_join(e, ana["token"], "=Ana")
            send(m, type="agenda_start")
            next_of(m, "agenda_changed")
            send(m, type="agenda_finish", item_id="AI_1", outcome="clear goals")
            next_of(m, "agenda_changed")
            send(e, type="leave")
            next_of(e, "bye")
    r = client.post(
        f"/api/sessions/{sid}/feedback",
        json={"rating": 5, "comment": "great"},
        headers=auth(ana["token"]),
    )
    assert r.status_code == 204
    assert (
        client.post(
            f"/api/sessions/{sid}/feedback", json={"rating": 9}, headers=auth(ana["token"])
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"/api/sessions/{sid}/feedback", json={"rating": 4}, headers=auth(ben["token"])
        ).status_code
        == 403
    )  # not their session

    own = client.get(f"/api/progress/people/{ana['identity']}", headers=auth(ana["token"]))
    assert own.status_code == 200
    p = own.json()["progress"]
    assert (p["sessions_scheduled"], p["sessions_attended"]) == (1, 1)
    assert p["agenda_items_completed"] == 1 and p["average_feedback"] == 5.0
    assert p["streak"] == 1 and p["on_time_rate"] == 1.0
    [pair] = own.json()["pairs"]
    assert pair["mentee_name"] == "=Ana" and pair["progress"]["sessions_attended"] == 1

    assert (
        client.get(f"/api/progress/people/{ana['identity']}", headers=auth(mentor)).status_code
        == 200
    )  # her mentor
    assert (
        client.get(
            f"/api/progress/people/{ana['identity']}", headers=auth(ben["token"])
        ).status_code
        == 403
    )  # another mentee
    assert (
        client.get(
            f"/api/progress/people/{ana['identity']}", headers=auth(other_mentor)
        ).status_code
        == 403
    )  # not her mentor
    forged = InviteSigner("z" * 40).issue(
        SessionId(sid), Role.MENTEE, Identity(ana["identity"]), "x", 60
    )[0]
    assert (
        client.get(f"/api/progress/people/{ana['identity']}", headers=auth(forged)).status_code
        == 403
    )

    assert client.get("/api/progress/program", headers=auth(mentor)).status_code == 403
    assert client.get(f"/api/sessions/{sid}/attendance", headers=auth(ADMIN)).status_code == 200
    program = client.get("/api/progress/program", headers=auth(ADMIN)).json()
    assert program["program"]["sessions_scheduled"] == 2
    assert program["program"]["sessions_attended"] == 1
    assert [t["attended"] for t in program["timeline"]].count(2) == 1
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/api/progress/program.csv", headers=auth(ADMIN)).text)
        )
    )
    names = {row["mentee_name"] for row in rows}
    assert "'=Ana" in names  # escaped, never a formula
    assert json.dumps(program)  # plain JSON


def test_times_are_stored_in_utc_whatever_zone_they_were_given_in(client: TestClient) -> None:
    sid, mentor = create(client, scheduled_start="2026-11-23T00:30:00+01:00")
    with client.websocket_connect(f"/ws/sessions/{sid}") as m:
        send_join(m, mentor, "Maya")
        report = client.get(f"/api/sessions/{sid}/attendance", headers=auth(mentor)).json()
    assert report["scheduled_start"] == "2026-11-22T23:30:00+00:00"  # the day before, in UTC
    assert report["people"][0]["joined_at"].endswith("+00:00")
