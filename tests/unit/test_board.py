"""Board rules: agenda, timer, chat and notes, with permissions per role (fake clock)."""

from __future__ import annotations

import pytest
from pycrdt import Doc, Text

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
from session_room.agenda import ItemStatus
from session_room.commands import (
    AddAgendaItem,
    ControlTimer,
    EditAgendaItem,
    EditNotes,
    FinishAgendaItem,
    FollowAgenda,
    MoveAgendaItem,
    RemoveAgendaItem,
    SendChat,
    SetAgendaPolicy,
    StartAgendaItem,
)
from session_room.events import AgendaChanged, ChatPosted, NotesEdited, TimerChanged
from session_room.timer import TimerAction, TimerStatus

NOW = 1_800_000_000.0
MENTOR, MENTEE, OBSERVER = ParticipantId("PA_m"), ParticipantId("PA_e"), ParticipantId("PA_o")


def room(kind: SessionKind = SessionKind.ONE_ON_ONE) -> SessionRoom:
    r = SessionRoom(
        SessionSpec(SessionId("SE_t"), kind, "t", 2 if kind == "one_on_one" else 6, NOW)
    )
    for pid, role in ((MENTOR, Role.MENTOR), (MENTEE, Role.MENTEE), (OBSERVER, Role.OBSERVER)):
        r.handle(Join(pid, Identity(f"ID_{pid}"), pid, role), NOW)
    return r


def refused(r: SessionRoom, command: object, code: ErrorCode) -> None:
    before = (r.board.agenda, r.board.timer, r.board.notes.text(), len(r.board.chat.recent))
    with pytest.raises(DomainError) as error:
        r.handle(command, NOW)  # type: ignore[arg-type]
    assert error.value.code is code
    assert (r.board.agenda, r.board.timer, r.board.notes.text(), len(r.board.chat.recent)) == before


def test_the_mentor_builds_and_reorders_the_agenda() -> None:
    r = room()
    r.handle(AddAgendaItem(MENTOR, "Goals", "what to reach", 10), NOW)
    r.handle(AddAgendaItem(MENTOR, "Blockers"), NOW)
    [event] = r.handle(MoveAgendaItem(MENTOR, "AI_2", 0), NOW)
    assert isinstance(event, AgendaChanged)
    assert [i.title for i in event.agenda.items] == ["Blockers", "Goals"]
    r.handle(RemoveAgendaItem(MENTOR, "AI_2"), NOW)
    assert [(i.item_id, i.planned_minutes) for i in r.board.agenda.items] == [("AI_1", 10)]


def test_starting_the_next_item_finishes_the_current_one() -> None:
    r = room()
    for title in ("Check-in", "Plan"):
        r.handle(AddAgendaItem(MENTOR, title, planned_minutes=5), NOW)
    r.handle(StartAgendaItem(MENTOR), NOW + 1)
    r.handle(StartAgendaItem(MENTOR), NOW + 400)
    first, second = r.board.agenda.items
    assert (first.status, first.started_at, first.finished_at) == (
        ItemStatus.DONE,
        NOW + 1,
        NOW + 400,
    )
    assert (second.status, second.started_at) == (ItemStatus.CURRENT, NOW + 400)
    r.handle(FinishAgendaItem(MENTOR, "AI_2", "Plan agreed: two small PRs"), NOW + 500)
    assert r.board.agenda.current is None
    assert r.board.agenda.items[1].outcome == "Plan agreed: two small PRs"
    refused(r, StartAgendaItem(MENTOR), ErrorCode.INVALID_STATE)


def test_an_edit_based_on_an_old_version_is_refused() -> None:
    r = room()
    r.handle(AddAgendaItem(MENTOR, "Goals"), NOW)
    r.handle(EditAgendaItem(MENTEE, "AI_1", 1, title="Goals for May"), NOW)
    refused(r, EditAgendaItem(MENTOR, "AI_1", 1, title="Goals!"), ErrorCode.STALE_VERSION)
    assert r.board.agenda.items[0].title == "Goals for May"


def test_bad_agenda_input_gets_typed_errors_and_changes_nothing() -> None:
    r = room()
    r.handle(AddAgendaItem(MENTOR, "Goals"), NOW)
    refused(r, AddAgendaItem(MENTOR, "   "), ErrorCode.INVALID_VALUE)
    refused(r, AddAgendaItem(MENTOR, "x" * 201), ErrorCode.TEXT_TOO_LONG)
    refused(r, AddAgendaItem(MENTOR, "ok", planned_minutes=0), ErrorCode.INVALID_VALUE)
    refused(r, EditAgendaItem(MENTOR, "AI_9", 1, title="y"), ErrorCode.UNKNOWN_ITEM)
    refused(r, RemoveAgendaItem(MENTOR, "AI_9"), ErrorCode.UNKNOWN_ITEM)


def test_a_one_on_one_mentee_may_add_and_edit_until_the_mentor_turns_it_off() -> None:
    r = room()
    r.handle(AddAgendaItem(MENTEE, "My question"), NOW)
    refused(r, RemoveAgendaItem(MENTEE, "AI_1"), ErrorCode.NOT_ALLOWED)
    refused(r, StartAgendaItem(MENTEE), ErrorCode.NOT_ALLOWED)
    refused(r, SetAgendaPolicy(MENTEE, True), ErrorCode.NOT_ALLOWED)
    r.handle(SetAgendaPolicy(MENTOR, False), NOW)
    refused(r, AddAgendaItem(MENTEE, "Another"), ErrorCode.NOT_ALLOWED)


def test_circle_mentees_and_observers_only_read_the_agenda_and_timer() -> None:
    r = room(SessionKind.CIRCLE)
    refused(r, AddAgendaItem(MENTEE, "x"), ErrorCode.NOT_ALLOWED)
    for who in (MENTEE, OBSERVER):
        refused(r, ControlTimer(who, TimerAction.START, 60), ErrorCode.NOT_ALLOWED)
    refused(room(), AddAgendaItem(OBSERVER, "x"), ErrorCode.NOT_ALLOWED)


def test_the_organiser_prepares_the_agenda_before_anyone_joins() -> None:
    r = SessionRoom(SessionSpec(SessionId("SE_p"), SessionKind.CIRCLE, "t", 6, NOW))
    r.handle(AddAgendaItem(None, "Welcome", planned_minutes=5), NOW)
    assert r.board.agenda.items[0].title == "Welcome"


def test_the_timer_starts_pauses_resumes_adds_a_minute_and_resets() -> None:
    r = room()
    [event] = r.handle(ControlTimer(MENTOR, TimerAction.START, 600), NOW)
    assert isinstance(event, TimerChanged) and event.timer.status is TimerStatus.RUNNING
    assert r.board.timer.remaining_at(NOW + 100) == 500
    r.handle(ControlTimer(MENTOR, TimerAction.PAUSE), NOW + 100)
    assert r.board.timer.remaining_at(NOW + 1000) == 500
    refused(r, ControlTimer(MENTOR, TimerAction.PAUSE), ErrorCode.INVALID_STATE)
    r.handle(ControlTimer(MENTOR, TimerAction.RESUME), NOW + 1000)
    r.handle(ControlTimer(MENTOR, TimerAction.ADD_MINUTE), NOW + 1000)
    assert r.board.timer.remaining_at(NOW + 1010) == 550
    assert r.board.timer.remaining_at(NOW + 1600) == -40  # time's up: the overrun shows
    r.handle(ControlTimer(MENTOR, TimerAction.RESET), NOW + 1600)
    assert (r.board.timer.status, r.board.timer.remaining_at(NOW + 2000)) == (TimerStatus.IDLE, 600)
    refused(r, ControlTimer(MENTOR, TimerAction.START, 0), ErrorCode.INVALID_VALUE)
    refused(r, ControlTimer(MENTOR, TimerAction.RESUME), ErrorCode.INVALID_STATE)


def test_a_timer_following_the_agenda_restarts_with_each_items_plan() -> None:
    r = room()
    r.handle(AddAgendaItem(MENTOR, "Check-in", planned_minutes=5), NOW)
    r.handle(AddAgendaItem(MENTOR, "Deep dive", planned_minutes=20), NOW)
    r.handle(StartAgendaItem(MENTOR), NOW)
    r.handle(FollowAgenda(MENTOR, True), NOW + 60)  # joins the item in progress
    assert r.board.timer.remaining_at(NOW + 60) == 240
    events = r.handle(StartAgendaItem(MENTOR), NOW + 300)
    assert [type(e) for e in events] == [AgendaChanged, TimerChanged]
    assert (r.board.timer.remaining_at(NOW + 300), r.board.timer.item_id) == (1200, "AI_2")


def test_chat_keeps_sender_and_time_and_ignores_a_resent_message() -> None:
    r = room()
    [event] = r.handle(SendChat(MENTEE, "c-1", "<b>hi</b> https://x.test"), NOW)
    assert isinstance(event, ChatPosted) and not event.duplicate
    assert (event.message.display_name, event.message.role, event.message.sent_at) == (
        MENTEE,
        Role.MENTEE,
        NOW,
    )
    [again] = r.handle(SendChat(MENTEE, "c-1", "<b>hi</b> https://x.test"), NOW + 5)
    assert isinstance(again, ChatPosted) and again.duplicate
    assert again.message == event.message
    r.handle(SendChat(OBSERVER, "c-1", "observers chat too"), NOW)
    assert len(r.board.chat.recent) == 2


def test_a_chat_message_over_the_limit_or_empty_is_refused() -> None:
    r = room()
    refused(r, SendChat(MENTOR, "c-2", "x" * 2001), ErrorCode.TEXT_TOO_LONG)
    refused(r, SendChat(MENTOR, "c-3", "  "), ErrorCode.INVALID_VALUE)
    refused(r, SendChat(MENTOR, "", "hi"), ErrorCode.INVALID_VALUE)


def client_doc(text: str, base: bytes | None = None) -> tuple[Doc[Text], bytes]:
    doc: Doc[Text] = Doc()
    if base:
        doc.apply_update(base)
    before = doc.get_state()
    t = doc.get("notes", type=Text)
    t.insert(len(t) if base else 0, text)
    return doc, doc.get_update(before)


def test_concurrent_notes_edits_merge_without_losing_a_keystroke() -> None:
    r = room()
    _, first = client_doc("Goals: ")
    r.handle(EditNotes(MENTOR, first), NOW)
    base = r.board.notes.state()
    _, a = client_doc("ship it", base)
    _, b = client_doc("test it", base)
    [event] = r.handle(EditNotes(MENTOR, a), NOW)
    assert isinstance(event, NotesEdited) and event.update == a
    r.handle(EditNotes(MENTEE, b), NOW)
    text = r.board.notes.text()
    assert text.startswith("Goals: ") and "ship it" in text and "test it" in text


def test_observers_cannot_edit_notes_and_garbage_updates_are_refused() -> None:
    r = room()
    _, update = client_doc("hello")
    refused(r, EditNotes(OBSERVER, update), ErrorCode.NOT_ALLOWED)
    refused(r, EditNotes(MENTOR, b"\x01\x02garbage"), ErrorCode.INVALID_UPDATE)
    refused(r, EditNotes(MENTOR, b"\x00" * 70_000), ErrorCode.TEXT_TOO_LONG)
