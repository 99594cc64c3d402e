"""From one session to the next, on SQLite and Redis: when a pair's session stops, its
next steps and unfinished items land once on the pair's next (not cancelled) session's
stored agenda, its chat continues in the pair's thread once, and the room's "last
session" route shows the previous held session to the pair's members only."""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request

from session_room.agenda import Agenda
from session_room.attendance import AttendanceEntry, EntryKind
from session_room.board import SessionBoard
from session_room.chat import ChatMessage
from session_room.ids import Identity, ParticipantId, SessionId
from session_room.program.pairs import Occurrence, OccurrenceStatus, Pair, PairKind
from session_room.roles import Role, SessionKind
from session_room.room import SessionSpec
from signaling.worker.attendance_log import encode
from signaling.worker.board_wire import board_document, chat_record, restore_board
from tests.integration.conftest import ProgramClient

WEEK = 7 * 86400
FIRST, CANCELLED, NEXT = SessionId("SE_first"), SessionId("SE_cancelled"), SessionId("SE_next")


def program_of(program: ProgramClient) -> Any:
    return program.client.app.state.mentor_rooms["program"]


def finished_agenda(now: float) -> Agenda:
    agenda = Agenda().add("Check in").add("Mock interview").add("Portfolio review")
    agenda = agenda.start("AI_1", now).finish("AI_1", "all good", now + 60)
    agenda = agenda.start("AI_2", now + 60).finish("AI_2", "went well", now + 900)
    return agenda.edit("AI_2", agenda.get("AI_2").version, next_step=True, goal_id="GO_job")


def make_pair(program: ProgramClient) -> tuple[str, str, str]:
    """A mentor, a mentee, their pair with three sessions (the middle one cancelled); the
    first has a finished agenda and two chat messages. Returns (mentor, mentee, pair)."""
    mentor, _ = program.add_person("Maya", "mentor")
    mentee, _ = program.add_person("Ana", "mentee")
    ctx = program_of(program).ctx
    now = time.time()

    async def setup() -> None:
        pair = Pair("PR_test", PairKind.PAIR, "Maya & Ana", mentor, (mentee,), now)
        await ctx.directory.save_pair(pair)
        for index, (sid, status) in enumerate([(FIRST, OccurrenceStatus.SCHEDULED),
                                               (CANCELLED, OccurrenceStatus.CANCELLED),
                                               (NEXT, OccurrenceStatus.SCHEDULED)]):
            start = now - WEEK + index * WEEK
            await ctx.store.save_session(SessionSpec(sid, SessionKind.ONE_ON_ONE,
                                                     f"Session {index + 1}", 2, now, start, 60))
            await ctx.directory.save_occurrence(Occurrence(sid, pair.pair_id, index, start, 60,
                                                           status))
        board = SessionBoard(SessionKind.ONE_ON_ONE, finished_agenda(now - WEEK))
        await ctx.store.save_board(FIRST, board_document(board))
        for n, (who, name, text) in enumerate([(mentor, "Maya", "Send me the draft"),
                                               (mentee, "Ana", "Will do!")], start=1):
            await ctx.store.append_chat(FIRST, chat_record(ChatMessage(
                f"CM_{n}", f"c{n}", ParticipantId(f"PA_{n}"), Identity(who), name,
                Role.MENTOR if who == mentor else Role.MENTEE, text, now - WEEK + n)))

    program.client.portal.call(setup)
    return mentor, mentee, "PR_test"


def stop(program: ProgramClient, session_id: SessionId, times: int = 1,
         ended_at: float | None = None) -> None:
    """Tells the carry-over hook that a session stopped, and waits for its work."""
    hook = program_of(program).carry_over

    async def stopped() -> None:
        spec = await hook._ctx.store.load_session(session_id)
        for _ in range(times):
            hook.session_stopped(spec, spec.created_at, ended_at)
        await hook.drained()

    program.client.portal.call(stopped)


def agenda_of(program: ProgramClient, session_id: SessionId) -> Agenda:
    store = program_of(program).ctx.store

    async def load() -> str | None:
        return await store.load_board(session_id)  # type: ignore[no-any-return]

    return restore_board(SessionKind.ONE_ON_ONE, program.client.portal.call(load), [], []).agenda


def test_next_steps_and_unfinished_items_land_once_on_the_next_session(
        program: ProgramClient) -> None:
    make_pair(program)
    stop(program, FIRST, times=2)
    stop(program, FIRST)
    items = agenda_of(program, NEXT).items
    assert [(i.title, i.goal_id, i.carried_from) for i in items] == [
        ("Mock interview", "GO_job", FIRST), ("Portfolio review", None, FIRST)]
    assert all(i.status == "pending" and not i.next_step for i in items)
    assert agenda_of(program, CANCELLED).items == ()


def test_a_session_ended_for_everyone_closes_its_occurrence_at_that_time(
        program: ProgramClient) -> None:
    make_pair(program)
    directory = program_of(program).ctx.directory
    stop(program, NEXT)
    assert program.client.portal.call(directory.occurrence, NEXT).closed_at is None
    stop(program, NEXT, ended_at=1_900_000_000.0)
    stop(program, NEXT, ended_at=1_900_000_999.0)  # the first end is kept
    assert program.client.portal.call(directory.occurrence, NEXT).closed_at == 1_900_000_000.0


def test_the_session_chat_continues_in_the_pairs_thread_once(program: ProgramClient) -> None:
    make_pair(program)
    stop(program, FIRST, times=2)
    stop(program, FIRST)
    thread = program.client.get("/api/pairs/PR_test/thread", headers=program.admin).json()
    assert [(m["author_name"], m["text"], m["session_id"]) for m in thread] == [
        ("Maya", "Send me the draft", FIRST), ("Ana", "Will do!", FIRST)]


def test_a_carry_over_does_not_touch_a_next_session_that_is_live(
        program: ProgramClient) -> None:
    make_pair(program)
    registry = program_of(program).ctx.registry
    registry.workers[NEXT] = object()
    try:
        stop(program, FIRST)
    finally:
        del registry.workers[NEXT]
    assert agenda_of(program, NEXT).items == ()


def test_a_session_outside_any_pair_is_left_alone(program: ProgramClient) -> None:
    make_pair(program)
    ctx = program_of(program).ctx
    lone = SessionId("SE_lone")

    async def save() -> None:
        await ctx.store.save_session(SessionSpec(lone, SessionKind.ONE_ON_ONE, "Lone", 2, 1.0))

    program.client.portal.call(save)
    stop(program, lone)
    assert agenda_of(program, NEXT).items == ()


def test_a_session_nobody_joined_or_stopped_by_a_shutdown_is_not_carried(
        program: ProgramClient) -> None:
    make_pair(program)
    hook = program_of(program).carry_over

    async def stopped() -> None:
        spec = await hook._ctx.store.load_session(FIRST)
        hook.session_stopped(spec, None, None)
        await hook.close()
        hook.session_stopped(spec, spec.created_at, None)
        await hook.drained()

    program.client.portal.call(stopped)
    assert agenda_of(program, NEXT).items == ()


def invite(program: ProgramClient, session_id: SessionId, identity: str) -> str:
    ctx = program_of(program).ctx
    request = Request({"type": "http", "scheme": "http", "server": ("127.0.0.1", 80),
                       "path": "/", "root_path": "", "query_string": b"", "headers": []})

    async def issue() -> str:
        out = await ctx.invites.issue(request, session_id, Role.MENTEE, "Ana",
                                      identity=Identity(identity))
        return str(out.token)

    return str(program.client.portal.call(issue))


def mark_held(program: ProgramClient, session_id: SessionId, identity: str) -> None:
    ctx = program_of(program).ctx

    async def append() -> None:
        entry = AttendanceEntry(EntryKind.JOINED, identity, "PA_1", "Ana", Role.MENTEE,
                                time.time() - WEEK)
        await ctx.store.append_attendance(session_id, encode(entry))

    program.client.portal.call(append)


def test_the_last_held_session_is_one_click_away_for_the_pairs_members(
        program: ProgramClient) -> None:
    _, mentee, _ = make_pair(program)
    url = f"/api/sessions/{NEXT}/previous"
    token = invite(program, NEXT, mentee)
    bearer = {"Authorization": f"Bearer {token}"}
    none = program.client.get(url, headers=bearer)
    assert none.status_code == 204 and none.content == b""
    mark_held(program, FIRST, mentee)
    r = program.client.get(url, headers=bearer)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["session_id"] == FIRST and body["title"] == "Session 1"
    assert body["next_steps"] == ["Mock interview"]
    assert "Outcome: went well" in body["notes_markdown"]
    assert body["start"].endswith("Z")
    assert body["summary_url"] == f"/api/sessions/{FIRST}/summary.md"
    assert program.client.get(url, headers=program.admin).json()["session_id"] == FIRST


def test_the_last_session_is_refused_to_strangers_and_foreign_tokens(
        program: ProgramClient) -> None:
    _, mentee, _ = make_pair(program)
    mark_held(program, FIRST, mentee)
    url = f"/api/sessions/{NEXT}/previous"
    assert program.client.get(url).status_code == 401
    stranger = invite(program, NEXT, "ID_stranger")
    assert program.client.get(url, headers={"Authorization": f"Bearer {stranger}"}
                              ).status_code == 403
    other = invite(program, FIRST, mentee)
    assert program.client.get(url, headers={"Authorization": f"Bearer {other}"}
                              ).status_code == 403
    first = program.client.get(f"/api/sessions/{FIRST}/previous",
                               headers={"Authorization": f"Bearer {other}"})
    assert first.status_code == 204
