"""The home page's REST (`/api/me/home`): what a mentee, their mentor and an admin see,
and who is refused, on SQLite and Redis (people through the API; pairs, occurrences,
goals, threads, attendance and feedback through the stores, as the other parts write them)."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pycrdt import Doc, Text

from session_room.attendance import AttendanceEntry, EntryKind
from session_room.ids import SessionId
from session_room.notes import TEXT_NAME
from session_room.program.goals import create_goal, update_goal
from session_room.program.pairs import Cadence, Occurrence, Pair, PairKind, Weekday
from session_room.roles import LeaveReason, Role, SessionKind
from session_room.room import SessionSpec
from signaling.program.context import ProgramContext
from signaling.program.directory import ThreadMessage
from signaling.worker.attendance_log import encode
from tests.integration.conftest import ProgramClient

HOUR = 3600.0


def ctx_of(program: ProgramClient) -> ProgramContext:
    ctx: ProgramContext = program.client.app.state.mentor_rooms["program"].ctx
    return ctx


def run(program: ProgramClient, job: Callable[[], Awaitable[Any]]) -> Any:
    """Runs a coroutine on the app's own event loop (the stores are bound to it)."""
    async def call() -> Any:
        return await job()
    return program.client.portal.call(call)


@dataclass
class Seeded:
    mentor: str
    mentor_link: str
    mentee: str
    mentee_link: str
    other: str
    other_link: str
    pair_id: str
    past: str
    missed: str
    live: str
    later: str
    now: float


async def attend(ctx: ProgramContext, sid: str, identity: str, name: str, role: Role,
                 start: float, seconds: float) -> None:
    """Attendance log entries as the session worker writes them."""
    pid = f"PA_{identity[-4:]}"
    for entry in (AttendanceEntry(EntryKind.JOINED, identity, pid, name, role, start),
                  AttendanceEntry(EntryKind.LEFT, identity, pid, name, role, start + seconds,
                                  LeaveReason.LEFT)):
        await ctx.store.append_attendance(SessionId(sid), encode(entry))


def seed(program: ProgramClient) -> Seeded:
    """Mentor Maya and mentee Ana (a bi-weekly pair of 3 sessions: one held, one Ana
    missed, one starting now, one next week), and Ben, another mentor's mentee."""
    mentor, mentor_link = program.add_person("Maya", "mentor")
    mentee, mentee_link = program.add_person("Ana", "mentee")
    other_mentor, _ = program.add_person("Olga", "mentor")
    other, other_link = program.add_person("Ben", "mentee")
    ctx = ctx_of(program)
    now = time.time()
    cadence = Cadence(2, Weekday.TUESDAY, "17:00", 60, 3, "UTC", "2026-01-06")
    pair = Pair("PR_home", PairKind.PAIR, "Maya & Ana", mentor, (mentee,), now - 30 * 86400,
                cadence=cadence)
    lone = Pair("PR_other", PairKind.PAIR, "Olga & Ben", other_mentor, (other,), now)
    starts = {"SE_past": now - 14 * 86400, "SE_missed": now - 2 * HOUR, "SE_live": now + 60,
              "SE_later": now + 7 * 86400}

    async def write() -> None:
        await ctx.directory.save_pair(pair)
        await ctx.directory.save_pair(lone)
        for index, (sid, start) in enumerate(starts.items()):
            await ctx.store.save_session(SessionSpec(SessionId(sid), SessionKind.ONE_ON_ONE,
                                                     "Maya & Ana", 2, now - 86400, start, 60))
            await ctx.directory.save_occurrence(
                Occurrence(sid, pair.pair_id, index, start, 60, uid=f"{sid}@test"))
        past = starts["SE_past"]
        await attend(ctx, "SE_past", mentor, "Maya", Role.MENTOR, past, 50 * 60)
        await attend(ctx, "SE_past", mentee, "Ana", Role.MENTEE, past + 60, 45 * 60)
        await attend(ctx, "SE_missed", mentor, "Maya", Role.MENTOR, starts["SE_missed"], 600)
        doc: Doc[Text] = Doc()
        doc.get(TEXT_NAME, type=Text).insert(0, "Ana will draft the portfolio outline. " * 20)
        await ctx.store.append_notes(SessionId("SE_past"), doc.get_update())
        await ctx.store.save_feedback(SessionId("SE_past"), mentee,
                                      json.dumps({"rating": 4, "comment": "", "role": "mentee",
                                                  "at": past + HOUR}))
        goal, change = create_goal("GO_1", pair.pair_id, mentee, "Ship a portfolio",
                                   "3 case studies online", "2026-01-31", now - 86400, mentor)
        await ctx.directory.save_goal(goal, change)
        done, change = update_goal(goal, now, mentee, progress=40)
        await ctx.directory.save_goal(done, change)
        await ctx.directory.post(ThreadMessage("TM_1", pair.pair_id, mentor, "Maya",
                                               "How is the outline going?", now - 50))
        await ctx.directory.post(ThreadMessage("TM_2", pair.pair_id, mentee, "Ana",
                                               "Nearly done", now - 40))

    run(program, write)
    return Seeded(mentor, mentor_link, mentee, mentee_link, other, other_link, pair.pair_id,
                  "SE_past", "SE_missed", "SE_live", "SE_later", now)


def test_a_mentee_sees_upcoming_and_past_sessions_goals_progress_and_messages(
        program: ProgramClient) -> None:
    s = seed(program)
    program.sign_in(s.mentee_link)
    r = program.client.get("/api/me/home")
    assert r.status_code == 200, r.text
    home = r.json()
    assert home["person"]["name"] == "Ana" and home["person"]["role"] == "mentee"
    assert [u["session_id"] for u in home["upcoming"]] == [s.live, s.later]
    live = home["upcoming"][0]
    assert live["join_url"] == f"/join/{s.live}" and live["title"] == "Maya & Ana"
    assert live["ics_url"] == f"/api/sessions/{s.live}/calendar.ics"
    assert live["live_from"] < live["start"] and live["minutes"] == 60
    assert [p["session_id"] for p in home["past"]] == [s.missed, s.past]  # newest first
    missed, held = home["past"]
    assert missed["attended"] is False and missed["attended_minutes"] == 0
    assert held["attended"] is True and held["attended_minutes"] == 45.0
    assert held["notes_excerpt"].startswith("Ana will draft the portfolio outline.")
    assert len(held["notes_excerpt"]) <= 301
    [goal] = home["goals"]
    assert (goal["title"], goal["progress"], goal["version"]) == ("Ship a portfolio", 40, 2)
    assert goal["mentee_name"] == "Ana"
    progress = home["progress"]
    assert (progress["sessions_attended"], progress["sessions_scheduled"]) == (1, 2)
    assert sum(m["minutes"] for m in progress["minutes_per_month"]) == 45.0
    assert progress["goals_by_status"]["not_started"] == 1
    assert [f["score"] for f in progress["feedback"]] == [4]
    [pair] = home["pairs"]
    assert pair["mentor"]["name"] == "Maya" and pair["new_messages"] == 1
    assert pair["last_message"]["text"] == "Nearly done"
    assert home["mentees"] == []
    summary = program.client.get(held["summary_url"])
    assert summary.status_code == 200 and "portfolio outline" in summary.text


def test_opening_the_thread_clears_the_new_message_count(program: ProgramClient) -> None:
    s = seed(program)
    program.sign_in(s.mentor_link)
    assert program.client.get("/api/me/home").json()["pairs"][0]["new_messages"] == 1
    assert program.client.post(f"/api/pairs/{s.pair_id}/thread/seen").status_code == 403
    r = program.client.post(f"/api/pairs/{s.pair_id}/thread/seen", headers=program.me)
    assert r.status_code == 204
    assert program.client.get("/api/me/home").json()["pairs"][0]["new_messages"] == 0
    program.sign_in(s.other_link)
    r = program.client.post(f"/api/pairs/{s.pair_id}/thread/seen", headers=program.me)
    assert r.status_code == 404  # not their pair


def test_a_mentor_sees_their_mentees_and_opens_a_mentees_home(program: ProgramClient) -> None:
    s = seed(program)
    program.sign_in(s.mentor_link)
    home = program.client.get("/api/me/home").json()
    assert home["person"]["role"] == "mentor"
    [ana] = home["mentees"]
    assert ana["name"] == "Ana" and ana["home_url"] == f"/me?person_id={s.mentee}"
    assert (ana["sessions_attended"], ana["sessions_scheduled"], ana["minutes"]) == (1, 2, 45.0)
    theirs = program.client.get("/api/me/home", params={"person_id": s.mentee})
    assert theirs.status_code == 200
    assert theirs.json()["person"]["name"] == "Ana"
    assert theirs.json()["viewer"]["is_self"] is False
    refused = program.client.get("/api/me/home", params={"person_id": s.other})
    assert refused.status_code == 404  # Ben is another mentor's mentee


def test_a_mentee_is_refused_another_persons_home(program: ProgramClient) -> None:
    s = seed(program)
    program.sign_in(s.other_link)
    for who in (s.mentee, s.mentor, "ID_nobody"):
        r = program.client.get("/api/me/home", params={"person_id": who})
        assert r.status_code == 404 and r.json()["detail"] == "no such person"
    assert program.client.get(f"/api/me/sessions/{s.past}/summary.md").status_code == 404
    own = program.client.get("/api/me/home").json()
    assert own["person"]["name"] == "Ben" and own["upcoming"] == []


def test_an_admin_sees_anyones_home_and_nobody_signed_in_gets_401(
        program: ProgramClient) -> None:
    s = seed(program)
    program.client.cookies.clear()
    assert program.client.get("/api/me/home").status_code == 401
    assert program.client.get("/api/me/home", headers=program.admin).status_code == 404
    r = program.client.get("/api/me/home", params={"person_id": s.mentee}, headers=program.admin)
    assert r.status_code == 200 and r.json()["person"]["name"] == "Ana"
    page = program.client.get("/me")
    assert page.status_code == 200 and "me.js" in page.text
