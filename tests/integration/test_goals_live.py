"""Goals live in the room, on SQLite and Redis (the whole app in-process, real WebSockets
through the test client): a pair session's joiners get the pair's goals after ``joined``;
a mentee's ``goal_update`` is stored, then reaches the mentor as ``goal_changed``;
observers, strangers to a goal, stale versions and bad values get typed errors; a change
made over REST reaches the live room too."""

from __future__ import annotations

import json
import time
from typing import Any

from starlette.requests import Request
from starlette.testclient import WebSocketTestSession

from session_room.ids import Identity, SessionId
from session_room.program.pairs import Occurrence
from session_room.roles import Role
from signaling.protocol import PROTOCOL_VERSION
from signaling.rest.sessions import InviteOut
from tests.integration.conftest import ProgramClient
from tests.integration.test_goals_api import GOAL, Recorder, context, make_pair

REQUEST = Request({"type": "http", "method": "POST", "path": "/", "headers": [],
                   "query_string": b"", "scheme": "http", "server": ("127.0.0.1", 80),
                   "root_path": ""})


def pair_session(program: ProgramClient, pair_id: str | None) -> str:
    """Creates a session (as the admin) and makes it the first occurrence of ``pair_id``."""
    r = program.client.post("/api/sessions", json={"kind": "one_on_one", "title": "Check-in"},
                            headers=program.admin)
    assert r.status_code == 201, r.text
    sid: str = r.json()["session"]["session_id"]
    if pair_id is not None:
        occurrence = Occurrence(sid, pair_id, 0, time.time(), 60)
        program.client.portal.call(context(program).directory.save_occurrence, occurrence)
    return sid


def token_for(program: ProgramClient, sid: str, role: Role, name: str,
              person_id: str | None = None) -> str:
    """An invite for a known person (their person id as identity), issued in the app."""
    invites = context(program).invites
    out: InviteOut = program.client.portal.call(
        lambda: invites.issue(REQUEST, SessionId(sid), role, name,
                              identity=None if person_id is None else Identity(person_id)))
    return out.token


def join(ws: WebSocketTestSession, token: str, name: str) -> dict[str, Any]:
    ws.send_text(json.dumps({"type": "join", "id": "j", "protocol_version": PROTOCOL_VERSION,
                             "token": token, "display_name": name}))
    reply: dict[str, Any] = ws.receive_json()
    assert reply["type"] == "joined", reply
    return reply


def next_of(ws: WebSocketTestSession, kind: str) -> dict[str, Any]:
    """The next message of type ``kind``, skipping presence and media messages."""
    for _ in range(30):
        message: dict[str, Any] = ws.receive_json()
        if message["type"] == kind:
            return message
        assert message["type"] not in {"error", "goal_changed", "goals"}, message
    raise AssertionError(f"no {kind}")


def send(ws: WebSocketTestSession, **message: Any) -> None:
    ws.send_text(json.dumps(message))


def test_a_mentees_goal_update_is_stored_and_reaches_the_mentor_live(
        program: ProgramClient) -> None:
    maya, _ = program.add_person("Maya", "mentor")
    ana, _ = program.add_person("Ana", "mentee")
    pair = make_pair(program, maya, ana)
    goal = program.client.post(f"/api/pairs/{pair}/goals", json=GOAL,
                               headers=program.admin).json()
    sid = pair_session(program, pair)
    recorder = Recorder()
    context(program).registry.notifier = recorder
    client = program.client
    with (client.websocket_connect(f"/ws/sessions/{sid}") as m,
          client.websocket_connect(f"/ws/sessions/{sid}") as e):
        join(m, token_for(program, sid, Role.MENTOR, "Maya", maya), "Maya")
        goals = next_of(m, "goals")
        assert goals["pair_id"] == pair and goals["mentor_id"] == maya
        assert [(g["goal_id"], g["mentee_name"], g["version"]) for g in goals["goals"]] == [
            (goal["goal_id"], "Ana", 1)]
        join(e, token_for(program, sid, Role.MENTEE, "Ana", ana), "Ana")
        assert next_of(e, "goals")["goals"][0]["title"] == "Ship a side project"

        send(e, type="goal_update", id="g1", goal_id=goal["goal_id"], progress=35,
             status="at_risk", version=1)
        mine = next_of(e, "goal_changed")
        assert mine["re"] == "g1" and mine["goal"]["progress"] == 35
        seen = next_of(m, "goal_changed")
        assert seen["re"] is None and seen["by"] == "Ana"
        assert (seen["goal"]["status"], seen["goal"]["progress"], seen["goal"]["version"]) == (
            "at_risk", 35, 2)

        stored = client.get(f"/api/pairs/{pair}/goals", headers=program.admin).json()[0]
        assert (stored["status"], stored["progress"], stored["version"]) == ("at_risk", 35, 2)
        history = client.get(f"/api/goals/{goal['goal_id']}/history",
                             headers=program.admin).json()
        assert history[-1]["session_id"] == sid and history[-1]["by"] == ana
        [(_, data)] = recorder.events
        assert (data["previous_status"], data["status"], data["session_id"]) == (
            "not_started", "at_risk", sid)

        send(e, type="goal_update", id="g2", goal_id=goal["goal_id"], progress=50, version=1)
        stale = next_of(e, "error")
        assert (stale["re"], stale["code"]) == ("g2", "stale_version")
        send(m, type="goal_update", id="g3", goal_id=goal["goal_id"], progress=150)
        assert next_of(m, "error")["code"] == "invalid_value"
        send(m, type="goal_update", id="g4", goal_id="GO_unknown", progress=10)
        assert next_of(m, "error")["code"] == "not_found"

        # the mentor changes it from elsewhere (REST): the room hears of it at once
        r = client.patch(f"/api/goals/{goal['goal_id']}", json={"status": "on_track"},
                         headers=program.admin)
        assert r.status_code == 200, r.text
        for ws in (m, e):
            relayed = next_of(ws, "goal_changed")
            assert relayed["goal"]["status"] == "on_track" and relayed["goal"]["version"] == 3


def test_observers_and_other_mentees_may_not_change_a_goal(program: ProgramClient) -> None:
    maya, _ = program.add_person("Maya", "mentor")
    ana, _ = program.add_person("Ana", "mentee")
    leo, _ = program.add_person("Leo", "mentee")
    circle = make_pair(program, maya, ana, leo)
    goal = program.client.post(f"/api/pairs/{circle}/goals", json={**GOAL, "mentee_id": ana},
                               headers=program.admin).json()
    sid = pair_session(program, circle)
    client = program.client
    with (client.websocket_connect(f"/ws/sessions/{sid}") as m,
          client.websocket_connect(f"/ws/sessions/{sid}") as o):
        join(m, token_for(program, sid, Role.MENTEE, "Leo", leo), "Leo")
        next_of(m, "goals")
        join(o, token_for(program, sid, Role.OBSERVER, "Obi"), "Obi")
        assert len(next_of(o, "goals")["goals"]) == 1  # observers see the goals
        send(o, type="goal_update", id="o1", goal_id=goal["goal_id"], progress=10)
        refused = next_of(o, "error")
        assert (refused["re"], refused["code"]) == ("o1", "not_allowed")
        send(m, type="goal_update", id="l1", goal_id=goal["goal_id"], progress=10)
        assert next_of(m, "error")["code"] == "not_allowed"
    stored = client.get(f"/api/pairs/{circle}/goals", headers=program.admin).json()[0]
    assert stored["progress"] == 0 and stored["version"] == 1


def test_a_session_outside_any_pair_gets_no_goals(program: ProgramClient) -> None:
    maya, _ = program.add_person("Maya", "mentor")
    sid = pair_session(program, None)
    with program.client.websocket_connect(f"/ws/sessions/{sid}") as m:
        join(m, token_for(program, sid, Role.MENTOR, "Maya", maya), "Maya")
        send(m, type="ping", id="p")
        assert next_of(m, "pong")["re"] == "p"  # nothing about goals came before
        send(m, type="goal_update", id="g", goal_id="GO_x", progress=10)
        assert next_of(m, "error")["code"] == "not_found"
