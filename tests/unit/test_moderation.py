"""Hands and a mentor's call controls: who may do what, and the queue's order."""

from __future__ import annotations

import pytest

from session_room import (
    DomainError,
    ErrorCode,
    Identity,
    Join,
    LeaveReason,
    ParticipantId,
    ParticipantLeft,
    Role,
    SessionId,
    SessionKind,
    SessionRoom,
    SessionSpec,
    SetMediaState,
)
from session_room.commands import AskToMute, EndSession, LowerHand, RaiseHand, RemoveParticipant
from session_room.events import HandChanged, MuteRequested, SessionEnded
from session_room.moderation import hand_queue

NOW = 1_800_000_000.0
MENTOR, ANA, BEN, OBSERVER = (ParticipantId(f"PA_{n}") for n in ("m", "a", "b", "o"))


def circle() -> SessionRoom:
    r = SessionRoom(SessionSpec(SessionId("SE_t"), SessionKind.CIRCLE, "t", 6, NOW))
    for pid, role in ((MENTOR, Role.MENTOR), (ANA, Role.MENTEE), (BEN, Role.MENTEE),
                      (OBSERVER, Role.OBSERVER)):
        r.handle(Join(pid, Identity(f"ID_{pid}"), pid, role), NOW)
    return r


def refused(r: SessionRoom, command: object) -> ErrorCode:
    with pytest.raises(DomainError) as caught:
        r.handle(command, NOW + 9)  # type: ignore[arg-type]
    return caught.value.code


def queue(r: SessionRoom) -> list[ParticipantId]:
    return [p.participant_id for p in hand_queue(r.participants)]


def test_raised_hands_queue_in_the_order_they_went_up_and_raising_again_keeps_the_place() -> None:
    r = circle()
    r.handle(RaiseHand(BEN, True), NOW + 1)
    r.handle(RaiseHand(OBSERVER, True), NOW + 2)
    events = r.handle(RaiseHand(ANA, True), NOW + 3)
    assert isinstance(events[0], HandChanged) and events[0].raised
    assert r.handle(RaiseHand(BEN, True), NOW + 4) == []
    assert queue(r) == [BEN, OBSERVER, ANA]
    r.handle(RaiseHand(BEN, False), NOW + 5)
    assert queue(r) == [OBSERVER, ANA]


def test_a_mentor_lowers_anyones_hand_and_a_mentee_cannot() -> None:
    r = circle()
    r.handle(RaiseHand(ANA, True), NOW + 1)
    assert refused(r, LowerHand(BEN, ANA)) is ErrorCode.NOT_ALLOWED
    events = r.handle(LowerHand(MENTOR, ANA), NOW + 2)
    assert isinstance(events[0], HandChanged)
    assert (events[0].raised, events[0].lowered_by) == (False, MENTOR)
    assert queue(r) == []


def test_a_mentor_asks_someone_to_mute_and_only_they_are_told() -> None:
    r = circle()
    events = r.handle(AskToMute(MENTOR, ANA), NOW + 1)
    assert len(events) == 1 and isinstance(events[0], MuteRequested)
    assert (events[0].participant.participant_id, events[0].by.participant_id) == (ANA, MENTOR)
    r.handle(SetMediaState(ANA, True, False), NOW + 2)
    assert r.handle(AskToMute(MENTOR, ANA), NOW + 3) == []  # already muted
    assert refused(r, AskToMute(BEN, ANA)) is ErrorCode.NOT_ALLOWED
    assert refused(r, AskToMute(MENTOR, OBSERVER)) is ErrorCode.NOT_ALLOWED


def test_a_mentor_removes_a_mentee_who_may_not_rejoin_but_not_another_mentor() -> None:
    r = circle()
    r.handle(Join(ParticipantId("PA_m2"), Identity("ID_m2"), "Co", Role.MENTOR), NOW)
    assert refused(r, RemoveParticipant(ANA, by=BEN)) is ErrorCode.NOT_ALLOWED
    assert refused(r, RemoveParticipant(ParticipantId("PA_m2"), by=MENTOR)) is ErrorCode.NOT_ALLOWED
    assert refused(r, RemoveParticipant(MENTOR, by=MENTOR)) is ErrorCode.NOT_ALLOWED
    events = r.handle(RemoveParticipant(ANA, by=MENTOR), NOW + 1)
    assert isinstance(events[-1], ParticipantLeft) and events[-1].reason is LeaveReason.REMOVED
    assert refused(r, Join(ParticipantId("PA_a2"), Identity(f"ID_{ANA}"), "A",
                           Role.MENTEE)) is ErrorCode.REMOVED


def test_only_a_mentor_ends_the_session_for_everyone() -> None:
    r = circle()
    assert refused(r, EndSession(by=ANA)) is ErrorCode.NOT_ALLOWED
    events = r.handle(EndSession(by=MENTOR), NOW + 1)
    assert isinstance(events[-1], SessionEnded)
    assert {e.participant.participant_id for e in events if isinstance(e, ParticipantLeft)} == {
        MENTOR, ANA, BEN, OBSERVER}
