"""Agenda items as next steps and linked to goals: who may mark them, how they travel on
the wire and in the stored document, and that documents stored before these fields
still load."""

from __future__ import annotations

import json

import pytest

from session_room import (
    DomainError,
    ErrorCode,
    Identity,
    Join,
    ParticipantId,
    Role,
    SessionId,
    SessionKind,
    SessionRoom,
    SessionSpec,
)
from session_room.agenda import Agenda
from session_room.board import SessionBoard
from session_room.commands import AddAgendaItem, EditAgendaItem, SetAgendaPolicy
from signaling import protocol
from signaling.worker.board_wire import board_document, command_for, restore_board

NOW = 1_800_000_000.0
MENTOR, MENTEE, OBSERVER = ParticipantId("PA_m"), ParticipantId("PA_e"), ParticipantId("PA_o")


def room(kind: SessionKind = SessionKind.ONE_ON_ONE) -> SessionRoom:
    r = SessionRoom(SessionSpec(SessionId("SE_t"), kind, "t", 2 if kind == "one_on_one" else 6,
                                NOW))
    for pid, role in ((MENTOR, Role.MENTOR), (MENTEE, Role.MENTEE), (OBSERVER, Role.OBSERVER)):
        r.handle(Join(pid, Identity(f"ID_{pid}"), pid, role), NOW)
    r.handle(AddAgendaItem(MENTOR, "Practice the demo"), NOW)
    return r


def test_the_mentor_marks_an_item_as_a_next_step_and_links_it_to_a_goal() -> None:
    r = room()
    r.handle(EditAgendaItem(MENTOR, "AI_1", 1, next_step=True, goal_id="GO_talk"), NOW)
    item = r.board.agenda.get("AI_1")
    assert item.next_step and item.goal_id == "GO_talk" and item.version == 2
    r.handle(EditAgendaItem(MENTOR, "AI_1", 2, next_step=False, clear_goal=True), NOW)
    item = r.board.agenda.get("AI_1")
    assert not item.next_step and item.goal_id is None and item.title == "Practice the demo"


def test_marking_a_next_step_leaves_the_other_fields_alone() -> None:
    r = room()
    r.handle(EditAgendaItem(MENTOR, "AI_1", 1, goal_id="GO_a"), NOW)
    r.handle(EditAgendaItem(MENTOR, "AI_1", 2, next_step=True), NOW)
    assert r.board.agenda.get("AI_1").goal_id == "GO_a"


def test_the_mentee_of_a_one_on_one_marks_next_steps_only_while_allowed() -> None:
    r = room()
    r.handle(EditAgendaItem(MENTEE, "AI_1", 1, next_step=True), NOW)
    assert r.board.agenda.get("AI_1").next_step
    r.handle(SetAgendaPolicy(MENTOR, mentee_can_edit=False), NOW)
    with pytest.raises(DomainError) as error:
        r.handle(EditAgendaItem(MENTEE, "AI_1", 2, next_step=False), NOW)
    assert error.value.code is ErrorCode.NOT_ALLOWED
    assert r.board.agenda.get("AI_1").next_step


def test_an_observer_cannot_link_an_item_to_a_goal() -> None:
    r = room()
    with pytest.raises(DomainError) as error:
        r.handle(EditAgendaItem(OBSERVER, "AI_1", 1, goal_id="GO_x"), NOW)
    assert error.value.code is ErrorCode.NOT_ALLOWED
    assert r.board.agenda.get("AI_1").goal_id is None


@pytest.mark.parametrize("goal_id", ["", "   ", "G" * 65])
def test_a_goal_id_that_is_empty_or_too_long_is_refused(goal_id: str) -> None:
    agenda = Agenda().add("x")
    with pytest.raises(DomainError) as error:
        agenda.edit("AI_1", 1, goal_id=goal_id)
    assert error.value.code is ErrorCode.INVALID_VALUE


def test_a_stale_version_refuses_a_next_step_mark() -> None:
    agenda = Agenda().add("x").edit("AI_1", 1, title="y")
    with pytest.raises(DomainError) as error:
        agenda.edit("AI_1", 1, next_step=True)
    assert error.value.code is ErrorCode.STALE_VERSION


def test_the_wire_edit_carries_next_step_and_goal_fields() -> None:
    message = protocol.parse_client(json.dumps({
        "type": "agenda_edit", "item_id": "AI_1", "expected_version": 3,
        "next_step": True, "goal_id": "GO_1"}))
    command = command_for(message, MENTOR)
    assert isinstance(command, EditAgendaItem)
    assert command.next_step is True and command.goal_id == "GO_1" and not command.clear_goal
    clear = command_for(protocol.parse_client(json.dumps({
        "type": "agenda_edit", "item_id": "AI_1", "expected_version": 3,
        "clear_goal": True})), MENTOR)
    assert isinstance(clear, EditAgendaItem) and clear.clear_goal and clear.next_step is None


def test_the_stored_document_keeps_next_steps_goals_and_carried_items() -> None:
    agenda = (Agenda().add("a").add("b", goal_id="GO_b", carried_from="SE_prev")
              .edit("AI_1", 1, next_step=True))
    board = SessionBoard(SessionKind.ONE_ON_ONE, agenda)
    again = restore_board(SessionKind.ONE_ON_ONE, board_document(board), [], [])
    assert again.agenda == agenda
    assert again.agenda.get("AI_2").carried_from == "SE_prev"


def test_a_document_stored_before_these_fields_still_loads() -> None:
    old = json.dumps({
        "agenda": {"items": [{"item_id": "AI_1", "title": "Old item", "details": "",
                              "planned_minutes": None, "status": "done", "started_at": 1.0,
                              "finished_at": 2.0, "outcome": "ok", "version": 4}],
                   "mentee_can_edit": True},
        "next_item": 2,
        "timer": {"status": "idle", "duration": 0, "remaining": 0, "since": None,
                  "follow_agenda": False, "item_id": None, "warning_seconds": 60},
    })
    board = restore_board(SessionKind.ONE_ON_ONE, old, [], [])
    item = board.agenda.get("AI_1")
    assert item.title == "Old item" and item.outcome == "ok" and item.version == 4
    assert not item.next_step and item.goal_id is None and item.carried_from is None
