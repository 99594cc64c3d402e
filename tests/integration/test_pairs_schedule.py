"""Pairs and circles with a cadence, on SQLite and Redis: the schedule creates the sessions
ahead of time with every member's invite; only an admin or the pair's own mentor creates
and changes them; members read them; /join turns a signed-in member into a fresh invite."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from session_room.ids import SessionId
from session_room.roles import Role
from tests.integration.conftest import ProgramClient

CADENCE = {"every_weeks": 2, "weekday": "tuesday", "time": "17:00", "minutes": 60,
           "count": 6, "time_zone": "Europe/Madrid", "starts_on": "2026-12-08"}


def program_ctx(program: ProgramClient) -> Any:
    return program.client.app.state.mentor_rooms["program"].ctx


def create_pair(program: ProgramClient, mentor: str, mentees: list[str], headers: dict[str, str],
                kind: str = "pair", cadence: dict[str, Any] | None = None) -> Any:
    return program.client.post("/api/pairs", headers=headers, json={
        "kind": kind, "mentor_id": mentor, "mentee_ids": mentees, "cadence": cadence})


def test_an_admin_creates_a_biweekly_pair_whose_six_sessions_are_stored_with_invites(
        program: ProgramClient) -> None:
    maya, _ = program.add_person("Maya", "mentor")
    ana, _ = program.add_person("Ana", "mentee")
    r = create_pair(program, maya, [ana], program.admin, cadence=CADENCE)
    assert r.status_code == 201, r.text
    pair = r.json()
    assert pair["title"] == "Maya & Ana" and pair["kind"] == "pair"
    assert pair["mentor"] == {"person_id": maya, "name": "Maya"}
    assert pair["mentees"] == [{"person_id": ana, "name": "Ana"}]
    assert pair["cadence"]["every_weeks"] == 2
    sessions = pair["sessions"]
    madrid = [datetime.fromisoformat(s["start"]).astimezone(ZoneInfo("Europe/Madrid"))
              for s in sessions]
    assert [d.strftime("%Y-%m-%d %H:%M") for d in madrid] == [
        "2026-12-08 17:00", "2026-12-22 17:00", "2027-01-05 17:00", "2027-01-19 17:00",
        "2027-02-02 17:00", "2027-02-16 17:00"]
    assert [s["index"] for s in sessions] == list(range(6))
    assert {(s["status"], s["sequence"], s["minutes"]) for s in sessions} == {
        ("scheduled", 0, 60)}
    first = sessions[0]
    assert first["join_url"] == f"/join/{first['session_id']}"
    assert first["ics_url"] == f"/api/sessions/{first['session_id']}/calendar.ics"
    stored = program.client.get(f"/api/sessions/{first['session_id']}").json()
    assert stored["kind"] == "one_on_one" and stored["title"] == "Maya & Ana"
    assert stored["planned_minutes"] == 60
    assert datetime.fromisoformat(stored["scheduled_start"]) == datetime(
        2026, 12, 8, 16, 0, tzinfo=UTC)
    ctx = program_ctx(program)
    invites = set(program.client.portal.call(ctx.store.list_invites))
    for s in sessions:
        sid = SessionId(s["session_id"])
        assert (sid, maya, Role.MENTOR.value) in invites
        assert (sid, ana, Role.MENTEE.value) in invites


def test_a_circle_gets_sessions_with_a_seat_for_every_member(program: ProgramClient) -> None:
    maya, _ = program.add_person("Maya", "mentor")
    mentees = [program.add_person(n, "mentee")[0] for n in ("Ana", "Leo", "Kim")]
    r = create_pair(program, maya, mentees, program.admin, kind="circle",
                    cadence={**CADENCE, "count": 2})
    assert r.status_code == 201, r.text
    assert r.json()["title"] == "Maya's circle"
    sid = r.json()["sessions"][0]["session_id"]
    stored = program.client.get(f"/api/sessions/{sid}").json()
    assert stored["kind"] == "circle" and stored["capacity"] == 4
    one = create_pair(program, maya, mentees[:1], program.admin, kind="circle")
    assert one.status_code == 422 and "2 to 11" in one.text
    two = create_pair(program, maya, mentees[:2], program.admin, kind="pair")
    assert two.status_code == 422 and "exactly one mentee" in two.text


def test_a_mentor_creates_a_pair_for_their_own_mentee_but_not_for_someone_elses(
        program: ProgramClient) -> None:
    maya, maya_link = program.add_person("Maya", "mentor")
    leo, _ = program.add_person("Leo", "mentor")
    other, _ = program.add_person("Someone else's mentee", "mentee")
    program.sign_in(maya_link)
    ana = program.client.post("/api/people", json={"name": "Ana", "role": "mentee"},
                              headers=program.me).json()["person"]["person_id"]
    mine = create_pair(program, maya, [ana], program.me, cadence={**CADENCE, "count": 1})
    assert mine.status_code == 201, mine.text
    assert len(mine.json()["sessions"]) == 1
    assert create_pair(program, maya, [other], program.me).status_code == 403
    assert create_pair(program, leo, [ana], program.me).status_code == 403
    assert [p["pair_id"] for p in program.client.get("/api/pairs").json()] == [
        mine.json()["pair_id"]]


def test_a_mentee_cannot_create_pairs(program: ProgramClient) -> None:
    maya, _ = program.add_person("Maya", "mentor")
    ana, ana_link = program.add_person("Ana", "mentee")
    program.sign_in(ana_link)
    assert create_pair(program, maya, [ana], program.me).status_code == 403
    assert program.client.get("/api/pairs").json() == []


def test_bad_members_and_a_bad_cadence_are_refused_with_a_reason(
        program: ProgramClient) -> None:
    maya, _ = program.add_person("Maya", "mentor")
    ana, _ = program.add_person("Ana", "mentee")
    r = create_pair(program, ana, [maya], program.admin)
    assert r.status_code == 422 and "mentor" in r.json()["detail"]
    r = create_pair(program, maya, [ana], program.admin, cadence={**CADENCE, "every_weeks": 9})
    assert r.status_code == 422 and "every_weeks" in r.json()["detail"]
    r = create_pair(program, maya, [ana], program.admin,
                    cadence={**CADENCE, "time_zone": "Mars/Olympus"})
    assert r.status_code == 422 and "time zone" in r.json()["detail"]
    assert program.client.get("/api/pairs", headers=program.admin).json() == []


def test_members_see_the_pair_and_others_get_404(program: ProgramClient) -> None:
    maya, maya_link = program.add_person("Maya", "mentor")
    ana, ana_link = program.add_person("Ana", "mentee")
    _, leo_link = program.add_person("Leo", "mentee")
    pair_id = create_pair(program, maya, [ana], program.admin).json()["pair_id"]
    for link in (maya_link, ana_link):
        program.sign_in(link)
        assert program.client.get(f"/api/pairs/{pair_id}").json()["pair_id"] == pair_id
        assert [p["pair_id"] for p in program.client.get("/api/pairs").json()] == [pair_id]
    program.sign_in(leo_link)
    assert program.client.get(f"/api/pairs/{pair_id}").status_code == 404
    assert program.client.get("/api/pairs").json() == []
    program.client.cookies.clear()
    assert program.client.get(f"/api/pairs/{pair_id}").status_code == 401


def test_rescheduling_and_cancelling_bump_the_sequence_and_only_the_mentor_may(
        program: ProgramClient) -> None:
    maya, maya_link = program.add_person("Maya", "mentor")
    ana, ana_link = program.add_person("Ana", "mentee")
    pair = create_pair(program, maya, [ana], program.admin,
                       cadence={**CADENCE, "count": 2}).json()
    sid = pair["sessions"][0]["session_id"]
    url = f"/api/pairs/{pair['pair_id']}/sessions/{sid}"
    program.sign_in(ana_link)
    assert program.client.patch(url, json={"status": "cancelled"},
                                headers=program.me).status_code == 403
    program.sign_in(maya_link)
    moved = program.client.patch(url, json={"start": "2026-12-09T17:30:00+01:00",
                                            "minutes": 45}, headers=program.me)
    assert moved.status_code == 200, moved.text
    assert moved.json()["sequence"] == 1 and moved.json()["minutes"] == 45
    assert datetime.fromisoformat(moved.json()["start"]) == datetime(
        2026, 12, 9, 16, 30, tzinfo=UTC)
    session = program.client.get(f"/api/sessions/{sid}").json()  # the room reads these
    assert datetime.fromisoformat(session["scheduled_start"]) == datetime(
        2026, 12, 9, 16, 30, tzinfo=UTC) and session["planned_minutes"] == 45
    cancelled = program.client.patch(url, json={"status": "cancelled"}, headers=program.me)
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["sequence"] == 2
    again = program.client.get(f"/api/pairs/{pair['pair_id']}").json()["sessions"]
    assert [(s["session_id"], s["sequence"]) for s in again if s["session_id"] == sid] == [
        (sid, 2)]
    bad = program.client.patch(url, json={"minutes": 5}, headers=program.me)
    assert bad.status_code == 422 and "minutes" in bad.json()["detail"]


def test_a_mentor_adds_a_one_off_session_to_their_pair(program: ProgramClient) -> None:
    maya, maya_link = program.add_person("Maya", "mentor")
    ana, _ = program.add_person("Ana", "mentee")
    pair_id = create_pair(program, maya, [ana], program.admin).json()["pair_id"]
    program.sign_in(maya_link)
    r = program.client.post(f"/api/pairs/{pair_id}/sessions", headers=program.me,
                            json={"start": "2026-12-10T10:00:00Z", "minutes": 30})
    assert r.status_code == 201, r.text
    assert r.json()["index"] == 0 and r.json()["sequence"] == 0
    naive = program.client.post(f"/api/pairs/{pair_id}/sessions", headers=program.me,
                                json={"start": "2026-12-10T10:00:00", "minutes": 30})
    assert naive.status_code == 422
    assert len(program.client.get(f"/api/pairs/{pair_id}").json()["sessions"]) == 1


def test_join_sends_a_signed_in_member_into_the_room_with_an_invite_of_their_own(
        program: ProgramClient) -> None:
    maya, maya_link = program.add_person("Maya", "mentor")
    ana, ana_link = program.add_person("Ana", "mentee")
    _, leo_link = program.add_person("Leo", "mentee")
    pair = create_pair(program, maya, [ana], program.admin,
                       cadence={**CADENCE, "count": 2}).json()
    sid, later = (s["session_id"] for s in pair["sessions"])
    auth = program_ctx(program).auth
    for link, person, role in ((ana_link, ana, Role.MENTEE), (maya_link, maya, Role.MENTOR)):
        program.sign_in(link)
        r = program.client.get(f"/join/{sid}", follow_redirects=False)
        assert r.status_code == 303
        location = r.headers["location"]
        assert location.startswith(f"/s/{sid}#token=")
        claims = auth.invite(location.split("#token=", 1)[1], sid)
        assert claims.identity == person and claims.role is role
    program.sign_in(leo_link)
    assert program.client.get(f"/join/{sid}", follow_redirects=False).status_code == 404
    program.client.cookies.clear()
    anonymous = program.client.get(f"/join/{sid}", follow_redirects=False)
    assert anonymous.status_code == 401 and "personal sign-in link" in anonymous.text
    program.client.patch(f"/api/pairs/{pair['pair_id']}/sessions/{later}",
                         json={"status": "cancelled"}, headers=program.admin)
    program.sign_in(ana_link)
    gone = program.client.get(f"/join/{later}", follow_redirects=False)
    assert gone.status_code == 410 and "cancelled" in gone.text
