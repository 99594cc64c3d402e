"""Domain rules of a session room: capacity, roles, join and leave."""

from __future__ import annotations

import pytest

from session_room import (
    DomainError,
    ErrorCode,
    Identity,
    Join,
    Leave,
    LeaveReason,
    MarkActive,
    MediaStateChanged,
    ParticipantActivated,
    ParticipantId,
    ParticipantJoined,
    ParticipantLeft,
    Role,
    SessionId,
    SessionKind,
    SessionRoom,
    SessionSpec,
    SetMediaState,
    capacity_for,
)
from session_room.commands import (
    ChooseMediaMode,
    Disconnect,
    ExpireSeat,
    ReportLink,
    ReportVideoStep,
    StartScreenShare,
    StopScreenShare,
)
from session_room.events import (
    Event,
    LinkChanged,
    ParticipantDropped,
    ParticipantResumed,
    ScreenShareChanged,
)
from session_room.layers import VideoStep
from session_room.quality import LinkDirection, LinkSample, MediaMode, ModeReason

NOW = 1_800_000_000.0


def room(kind: SessionKind = SessionKind.ONE_ON_ONE, capacity: int = 2) -> SessionRoom:
    return SessionRoom(SessionSpec(SessionId("SE_t"), kind, "t", capacity, NOW))


def join(r: SessionRoom, n: int, role: Role, identity: str | None = None) -> list[object]:
    return list(r.handle(Join(ParticipantId(f"PA_{n}"), Identity(identity or f"ID_{n}"),
                              f"P{n}", role), NOW + n))


def test_one_on_one_admits_a_mentor_and_a_mentee() -> None:
    r = room()
    assert isinstance(join(r, 1, Role.MENTOR)[0], ParticipantJoined)
    assert isinstance(join(r, 2, Role.MENTEE)[0], ParticipantJoined)
    assert [p.role for p in r.participants] == [Role.MENTOR, Role.MENTEE]


def test_a_full_one_on_one_refuses_a_third_person_and_changes_nothing() -> None:
    r = room()
    join(r, 1, Role.MENTOR)
    join(r, 2, Role.MENTEE)
    with pytest.raises(DomainError) as err:
        join(r, 3, Role.MENTEE)
    assert err.value.code is ErrorCode.ROOM_FULL
    assert len(r.participants) == 2


def test_one_on_one_refuses_a_second_mentee_even_with_a_free_seat() -> None:
    r = room()
    join(r, 1, Role.MENTEE)
    with pytest.raises(DomainError) as err:
        join(r, 2, Role.MENTEE)
    assert err.value.code is ErrorCode.ROOM_FULL


def test_observers_do_not_take_seats_but_are_limited() -> None:
    r = room()
    join(r, 1, Role.MENTOR)
    join(r, 2, Role.MENTEE)
    for n in range(3, 7):
        join(r, n, Role.OBSERVER)
    with pytest.raises(DomainError) as err:
        join(r, 7, Role.OBSERVER)
    assert err.value.code is ErrorCode.ROOM_FULL


def test_a_circle_fills_up_to_its_capacity() -> None:
    r = room(SessionKind.CIRCLE, 4)
    for n in range(4):
        join(r, n, Role.MENTEE if n else Role.MENTOR)
    with pytest.raises(DomainError):
        join(r, 9, Role.MENTEE)


def test_capacity_rules_per_kind() -> None:
    assert capacity_for(SessionKind.ONE_ON_ONE, None) == 2
    assert capacity_for(SessionKind.CIRCLE, None) == 12
    assert capacity_for(SessionKind.CIRCLE, 5) == 5
    for bad in (1, 13):
        with pytest.raises(ValueError):
            capacity_for(SessionKind.CIRCLE, bad)
    with pytest.raises(ValueError):
        capacity_for(SessionKind.ONE_ON_ONE, 3)


def test_same_identity_joining_again_replaces_the_old_membership() -> None:
    r = room()
    join(r, 1, Role.MENTOR, "ID_maya")
    join(r, 2, Role.MENTEE)
    events = join(r, 3, Role.MENTOR, "ID_maya")
    assert isinstance(events[0], ParticipantLeft)
    assert events[0].reason is LeaveReason.REPLACED
    assert isinstance(events[1], ParticipantJoined)
    assert [p.participant_id for p in r.participants] == ["PA_2", "PA_3"]


def test_leave_frees_the_seat_and_is_idempotent() -> None:
    r = room()
    join(r, 1, Role.MENTOR)
    join(r, 2, Role.MENTEE)
    left = r.handle(Leave(ParticipantId("PA_2"), LeaveReason.LEFT), NOW)
    assert isinstance(left[0], ParticipantLeft) and left[0].reason is LeaveReason.LEFT
    assert r.handle(Leave(ParticipantId("PA_2"), LeaveReason.LEFT), NOW) == []
    assert isinstance(join(r, 3, Role.MENTEE)[0], ParticipantJoined)


def test_observer_cannot_set_media_state() -> None:
    r = room()
    join(r, 1, Role.OBSERVER)
    with pytest.raises(DomainError) as err:
        r.handle(SetMediaState(ParticipantId("PA_1"), True, False), NOW)
    assert err.value.code is ErrorCode.NOT_ALLOWED


def test_muting_emits_one_change_and_repeating_it_emits_none() -> None:
    r = room()
    join(r, 1, Role.MENTOR)
    events = r.handle(SetMediaState(ParticipantId("PA_1"), True, False), NOW)
    assert isinstance(events[0], MediaStateChanged) and events[0].participant.audio_muted
    assert r.handle(SetMediaState(ParticipantId("PA_1"), True, False), NOW) == []


def test_unknown_participant_gets_not_joined() -> None:
    with pytest.raises(DomainError) as err:
        room().handle(SetMediaState(ParticipantId("PA_x"), True, True), NOW)
    assert err.value.code is ErrorCode.NOT_JOINED


def test_first_media_marks_active_once() -> None:
    r = room()
    join(r, 1, Role.MENTOR)
    events = r.handle(MarkActive(ParticipantId("PA_1")), NOW + 5)
    assert isinstance(events[0], ParticipantActivated) and events[0].at == NOW + 5
    assert r.handle(MarkActive(ParticipantId("PA_1")), NOW + 9) == []


def test_link_reports_change_the_mode_once_and_are_ignored_after_leaving() -> None:
    r = room()
    join(r, 1, Role.MENTOR)
    pid = ParticipantId("PA_1")
    lossy = LinkSample(NOW, 0.2, 20, 40, 120, 900, 140)  # 120 kbit/s got through
    events = r.handle(ReportLink(pid, LinkDirection.DOWNLINK, lossy), NOW)
    assert len(events) == 1 and isinstance(events[0], LinkChanged) and events[0].mode_changed
    link = events[0].participant.link
    assert (link.mode, link.reason, link.receives_video) == (
        MediaMode.AUDIO_ONLY, ModeReason.WEAK_DOWNLINK, False)
    assert r.handle(ReportLink(pid, LinkDirection.DOWNLINK, lossy), NOW + 2) == []
    r.handle(Leave(pid, LeaveReason.LEFT), NOW + 3)
    assert r.handle(ReportLink(pid, LinkDirection.DOWNLINK, lossy), NOW + 4) == []


def test_a_lossy_downlink_that_still_carries_600_kbps_keeps_video_at_a_lower_step() -> None:
    r = room()
    join(r, 1, Role.MENTEE)
    pid = ParticipantId("PA_1")
    lossy = LinkSample(NOW, 0.2, 20, 40, 560, 900, 140)
    events = r.handle(ReportLink(pid, LinkDirection.DOWNLINK, lossy), NOW)
    assert isinstance(events[0], LinkChanged)
    link = events[0].participant.link
    assert (link.mode, link.receives_video, link.budget_kbps) == (MediaMode.VIDEO, True, 476)
    events = r.handle(ReportVideoStep(pid, VideoStep.LOW, ModeReason.WEAK_DOWNLINK), NOW + 1)
    assert isinstance(events[0], LinkChanged) and events[0].step_changed
    assert not events[0].mode_changed
    link = events[0].participant.link
    assert (link.mode, link.reason, link.video_step) == (
        MediaMode.VIDEO, ModeReason.WEAK_DOWNLINK, VideoStep.LOW)


def test_a_chosen_mode_needs_a_participant_and_sticks() -> None:
    r = room()
    join(r, 1, Role.MENTEE)
    pid = ParticipantId("PA_1")
    events = r.handle(ChooseMediaMode(pid, MediaMode.CHAT_ONLY), NOW)
    assert isinstance(events[0], LinkChanged)
    assert events[0].participant.link.reason is ModeReason.CHOSEN
    good = LinkSample(NOW + 30, 0.0, 5, 20, 900, 900, 180)
    assert r.handle(ReportLink(pid, LinkDirection.UPLINK, good), NOW + 30) == []
    with pytest.raises(DomainError):
        r.handle(ChooseMediaMode(ParticipantId("PA_x"), None), NOW)


def test_a_dropped_participant_keeps_the_seat_and_id_when_rejoining_in_time() -> None:
    r = room()
    join(r, 1, Role.MENTOR)
    join(r, 2, Role.MENTEE)
    pid = ParticipantId("PA_2")
    dropped = r.handle(Disconnect(pid), NOW + 10)
    assert isinstance(dropped[0], ParticipantDropped) and not dropped[0].participant.connected
    with pytest.raises(DomainError):  # the seat is held: nobody else takes it
        join(r, 3, Role.MENTEE)
    events = join(r, 4, Role.MENTEE, identity="ID_2")
    assert len(events) == 1 and isinstance(events[0], ParticipantResumed)
    assert events[0].participant.participant_id == pid and events[0].participant.connected
    assert r.handle(ExpireSeat(pid), NOW + 40) == []  # back in time: nothing expires


def test_a_held_seat_expires_into_a_dropped_leave() -> None:
    r = room()
    join(r, 2, Role.MENTEE)
    pid = ParticipantId("PA_2")
    r.handle(Disconnect(pid), NOW + 10)
    assert r.handle(Disconnect(pid), NOW + 11) == []
    events = r.handle(ExpireSeat(pid), NOW + 40)
    assert isinstance(events[0], ParticipantLeft) and events[0].reason is LeaveReason.DROPPED
    assert r.get(pid) is None


def test_a_removed_participant_leaves_with_the_reason_and_may_not_rejoin() -> None:
    from session_room.commands import RemoveParticipant

    r = room()
    join(r, 1, Role.MENTOR)
    join(r, 2, Role.MENTEE)
    events = r.handle(RemoveParticipant(ParticipantId("PA_2")), NOW + 5)
    assert [(type(e), getattr(e, "reason", None)) for e in events] == [
        (ParticipantLeft, LeaveReason.REMOVED)]
    with pytest.raises(DomainError) as err:
        join(r, 3, Role.MENTEE, identity="ID_2")
    assert err.value.code is ErrorCode.REMOVED
    assert [p.participant_id for p in r.participants] == ["PA_1"]
    join(r, 4, Role.MENTEE)  # somebody else may take the seat


def test_removing_someone_absent_is_refused_and_changes_nothing() -> None:
    from session_room.commands import RemoveParticipant

    r = room()
    join(r, 1, Role.MENTOR)
    with pytest.raises(DomainError) as err:
        r.handle(RemoveParticipant(ParticipantId("PA_9")), NOW)
    assert err.value.code is ErrorCode.NOT_JOINED
    assert len(r.participants) == 1


def test_ending_a_session_makes_everyone_leave_including_held_seats_and_closes_it() -> None:
    from session_room.commands import EndSession
    from session_room.events import SessionEnded

    r = room(SessionKind.CIRCLE, 4)
    join(r, 1, Role.MENTOR)
    join(r, 2, Role.MENTEE)
    r.handle(Disconnect(ParticipantId("PA_2")), NOW + 3)
    events = r.handle(EndSession(), NOW + 10)
    assert [getattr(e, "reason", None) for e in events[:-1]] == [
        LeaveReason.SESSION_ENDED, LeaveReason.SESSION_ENDED]
    assert isinstance(events[-1], SessionEnded) and r.ended_at == NOW + 10
    assert r.participants == []
    with pytest.raises(DomainError) as err:
        join(r, 3, Role.MENTEE)
    assert err.value.code is ErrorCode.SESSION_ENDED
    with pytest.raises(DomainError):
        r.handle(EndSession(), NOW + 11)


def shares(events: list[Event]) -> list[ScreenShareChanged]:
    assert all(isinstance(e, ScreenShareChanged) for e in events)
    return [e for e in events if isinstance(e, ScreenShareChanged)]


def test_one_sharer_at_a_time_and_only_a_mentor_takes_over() -> None:
    r = room(SessionKind.CIRCLE, capacity=4)
    join(r, 1, Role.MENTOR)
    join(r, 2, Role.MENTEE)
    join(r, 3, Role.MENTEE)
    mentor, mentee = ParticipantId("PA_1"), ParticipantId("PA_2")
    events = shares(r.handle(StartScreenShare(mentee), NOW))
    assert [(e.participant.participant_id, e.sharing) for e in events] == [(mentee, True)]
    with pytest.raises(DomainError) as refused:
        r.handle(StartScreenShare(ParticipantId("PA_3")), NOW + 1)
    assert refused.value.code is ErrorCode.SCREEN_SHARE_TAKEN
    events = shares(r.handle(StartScreenShare(mentor), NOW + 2))
    assert [(e.participant.participant_id, e.sharing, e.taken_over) for e in events] == [
        (mentee, False, True), (mentor, True, False)]
    assert r.screen.sharer == mentor
    assert r.handle(StopScreenShare(mentee), NOW + 3) == []  # not sharing any more
    left = r.handle(Leave(mentor, LeaveReason.LEFT), NOW + 4)
    assert isinstance(left[0], ScreenShareChanged) and not left[0].sharing
    assert r.screen.sharer is None


def test_observers_never_share_a_screen() -> None:
    r = room()
    join(r, 1, Role.OBSERVER)
    with pytest.raises(DomainError) as refused:
        r.handle(StartScreenShare(ParticipantId("PA_1")), NOW)
    assert refused.value.code is ErrorCode.NOT_ALLOWED
