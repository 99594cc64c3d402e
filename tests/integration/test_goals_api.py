"""SMART goals over REST, on SQLite and Redis: who reads, who creates and changes them,
the history of changes, typed refusals (403/404/409/422) and the webhook of a change of
status."""

from __future__ import annotations

import time
from typing import Any

from session_room.program.pairs import Pair, PairKind, new_pair_id
from signaling.program.context import ProgramContext
from signaling.program.notify import WebhookEvent
from tests.integration.conftest import ProgramClient


def context(program: ProgramClient) -> ProgramContext:
    ctx: ProgramContext = program.client.app.state.mentor_rooms["program"].ctx
    return ctx


def make_pair(program: ProgramClient, mentor: str, *mentees: str) -> str:
    """Stores a pair (or a circle, for several mentees) in the app's own event loop."""
    kind = PairKind.PAIR if len(mentees) == 1 else PairKind.CIRCLE
    pair = Pair(new_pair_id(), kind, "Maya & co", mentor, tuple(mentees), time.time())
    program.client.portal.call(context(program).directory.save_pair, pair)
    return pair.pair_id


class Recorder:
    """A notifier that keeps what it is told."""

    def __init__(self) -> None:
        self.events: list[tuple[WebhookEvent, dict[str, Any]]] = []

    def notify(self, event: WebhookEvent, data: dict[str, Any]) -> None:
        self.events.append((event, data))


GOAL = {"title": "Ship a side project", "measure": "A public repository with a README",
        "target_date": "2027-03-31"}


def test_a_mentor_sets_a_goal_for_their_mentee_and_both_see_it(program: ProgramClient) -> None:
    _, maya_link = program.add_person("Maya", "mentor")
    ana, ana_link = program.add_person("Ana", "mentee")
    program.sign_in(maya_link)
    maya = program.client.get("/api/me/person").json()["person_id"]
    pair = make_pair(program, maya, ana)
    r = program.client.post(f"/api/pairs/{pair}/goals", json=GOAL, headers=program.me)
    assert r.status_code == 201, r.text
    goal = r.json()
    assert goal["mentee_id"] == ana and goal["mentee_name"] == "Ana"
    assert goal["status"] == "not_started" and goal["progress"] == 0 and goal["version"] == 1
    assert goal["updated_at"].endswith("+00:00") and goal["pair_id"] == pair
    program.sign_in(ana_link)
    seen = program.client.get(f"/api/pairs/{pair}/goals").json()
    assert [g["title"] for g in seen] == ["Ship a side project"]
    assert seen[0]["measure"] == "A public repository with a README"


def test_a_mentee_changes_their_goal_and_the_history_keeps_every_change(
        program: ProgramClient) -> None:
    maya, _ = program.add_person("Maya", "mentor")
    ana, ana_link = program.add_person("Ana", "mentee")
    pair = make_pair(program, maya, ana)
    goal = program.client.post(f"/api/pairs/{pair}/goals", json=GOAL,
                               headers=program.admin).json()
    program.sign_in(ana_link)
    url = f"/api/goals/{goal['goal_id']}"
    r = program.client.patch(url, json={"progress": 40, "version": 1}, headers=program.me)
    assert r.status_code == 200, r.text
    assert r.json()["progress"] == 40 and r.json()["version"] == 2
    r = program.client.patch(url, json={"status": "at_risk", "note": "busy month"},
                             headers=program.me)
    assert r.json()["status"] == "at_risk" and r.json()["progress"] == 40
    r = program.client.patch(url, json={"status": "achieved"}, headers=program.me)
    assert r.json()["progress"] == 100
    history = program.client.get(f"{url}/history").json()
    assert [(h["status"], h["progress"]) for h in history] == [
        ("not_started", 0), ("not_started", 40), ("at_risk", 40), ("achieved", 100)]
    assert history[0]["by"].startswith("admin:") and history[0]["by_name"]
    assert history[1]["by"] == ana and history[1]["by_name"] == "Ana"
    assert history[2]["note"] == "busy month" and history[2]["previous_status"] == "not_started"
    assert program.client.get(f"/api/pairs/{pair}/goals").json()[0]["status"] == "achieved"


def test_refused_changes_get_typed_answers(program: ProgramClient) -> None:
    maya, maya_link = program.add_person("Maya", "mentor")
    ana, _ = program.add_person("Ana", "mentee")
    pair = make_pair(program, maya, ana)
    program.sign_in(maya_link)
    post = program.client.post
    assert post(f"/api/pairs/{pair}/goals", json={**GOAL, "target_date": "2027-02-30"},
                headers=program.me).status_code == 422
    assert post(f"/api/pairs/{pair}/goals", json={**GOAL, "title": " "},
                headers=program.me).status_code == 422
    goal = post(f"/api/pairs/{pair}/goals", json=GOAL, headers=program.me).json()
    url = f"/api/goals/{goal['goal_id']}"
    too_much = program.client.patch(url, json={"progress": 150}, headers=program.me)
    assert too_much.status_code == 422 and "0 to 100" in too_much.json()["detail"]
    assert program.client.patch(url, json={"status": "on_track", "version": 1},
                                headers=program.me).status_code == 200
    stale = program.client.patch(url, json={"progress": 10, "version": 1}, headers=program.me)
    assert stale.status_code == 409 and "meanwhile" in stale.json()["detail"]
    nothing = program.client.patch(url, json={"status": "on_track"}, headers=program.me)
    assert nothing.status_code == 422
    assert program.client.patch(url, json={"status": "finished"},
                                headers=program.me).status_code == 422
    assert program.client.patch("/api/goals/GO_nope", json={"progress": 5},
                                headers=program.me).status_code == 404


def test_a_circle_goal_names_its_mentee_and_only_that_mentee_may_change_it(
        program: ProgramClient) -> None:
    maya, maya_link = program.add_person("Maya", "mentor")
    ana, _ = program.add_person("Ana", "mentee")
    leo, leo_link = program.add_person("Leo", "mentee")
    outsider, _ = program.add_person("Oz", "mentee")
    circle = make_pair(program, maya, ana, leo)
    url = f"/api/pairs/{circle}/goals"
    program.sign_in(maya_link)
    nobody = program.client.post(url, json=GOAL, headers=program.me)
    assert nobody.status_code == 422 and "mentee_id" in nobody.json()["detail"]
    assert program.client.post(url, json={**GOAL, "mentee_id": outsider},
                               headers=program.me).status_code == 422
    anas = program.client.post(url, json={**GOAL, "mentee_id": ana}, headers=program.me).json()
    assert anas["mentee_name"] == "Ana"
    program.sign_in(leo_link)
    assert len(program.client.get(url).json()) == 1  # members read every goal
    assert program.client.patch(f"/api/goals/{anas['goal_id']}", json={"progress": 50},
                                headers=program.me).status_code == 403
    assert program.client.post(url, json={**GOAL, "mentee_id": ana},
                               headers=program.me).status_code == 403
    own = program.client.post(url, json={**GOAL, "title": "Give a talk"}, headers=program.me)
    assert own.status_code == 201 and own.json()["mentee_id"] == leo


def test_people_outside_the_pair_see_nothing_of_its_goals(program: ProgramClient) -> None:
    maya, _ = program.add_person("Maya", "mentor")
    ana, _ = program.add_person("Ana", "mentee")
    _, other_link = program.add_person("Olga", "mentor")
    pair = make_pair(program, maya, ana)
    goal = program.client.post(f"/api/pairs/{pair}/goals", json=GOAL,
                               headers=program.admin).json()
    program.client.cookies.clear()
    assert program.client.get(f"/api/pairs/{pair}/goals").status_code == 401
    program.sign_in(other_link)
    assert program.client.get(f"/api/pairs/{pair}/goals").status_code == 404
    assert program.client.get(f"/api/goals/{goal['goal_id']}/history").status_code == 404
    assert program.client.patch(f"/api/goals/{goal['goal_id']}", json={"progress": 5},
                                headers=program.me).status_code == 404
    assert program.client.post(f"/api/pairs/{pair}/goals", json=GOAL,
                               headers=program.me).status_code == 404


def test_a_change_of_status_is_told_to_the_webhooks_and_progress_alone_is_not(
        program: ProgramClient) -> None:
    maya, maya_link = program.add_person("Maya", "mentor")
    ana, _ = program.add_person("Ana", "mentee")
    pair = make_pair(program, maya, ana)
    recorder = Recorder()
    context(program).notifier = recorder
    program.sign_in(maya_link)
    goal = program.client.post(f"/api/pairs/{pair}/goals", json=GOAL, headers=program.me).json()
    url = f"/api/goals/{goal['goal_id']}"
    program.client.patch(url, json={"progress": 30}, headers=program.me)
    assert recorder.events == []
    program.client.patch(url, json={"status": "on_track"}, headers=program.me)
    [(event, data)] = recorder.events
    assert event is WebhookEvent.GOAL_STATUS_CHANGED
    assert data["goal_id"] == goal["goal_id"] and data["pair_id"] == pair
    assert data["mentee_id"] == ana and data["title"] == "Ship a side project"
    assert (data["previous_status"], data["status"], data["progress"]) == (
        "not_started", "on_track", 30)
    assert data["by"] == maya and data["by_name"] == "Maya" and data["at"].endswith("+00:00")
