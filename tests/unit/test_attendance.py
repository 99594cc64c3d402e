"""Attendance projection with a fake clock: intervals, grace, tabs, overlaps, crashes."""

from __future__ import annotations

from datetime import UTC, datetime

from session_room.attendance import (
    AttendanceEntry,
    EntryKind,
    open_memberships,
    project,
    together_seconds,
)
from session_room.quality import MediaMode, ModeReason
from session_room.roles import LeaveReason, Role

T = datetime(2026, 11, 22, 23, 50, tzinfo=UTC).timestamp()  # ten minutes before midnight UTC


def joined(who: str, pid: str, at: float, role: Role = Role.MENTEE) -> AttendanceEntry:
    return AttendanceEntry(EntryKind.JOINED, who, pid, who.title(), role, T + at)


def left(who: str, pid: str, at: float, reason: LeaveReason = LeaveReason.LEFT) -> AttendanceEntry:
    return AttendanceEntry(EntryKind.LEFT, who, pid, who.title(), Role.MENTEE, T + at, reason)


def active(who: str, pid: str, at: float) -> AttendanceEntry:
    return AttendanceEntry(EntryKind.ACTIVE, who, pid, who.title(), Role.MENTEE, T + at)


def test_a_simple_attendance_across_midnight_counts_every_second() -> None:
    people = project([joined("ana", "p1", 0), active("ana", "p1", 2), left("ana", "p1", 1200)])
    ana = people["ana"]
    assert (ana.joined_at, ana.first_active_at, ana.left_at) == (T, T + 2, T + 1200)
    assert ana.seconds(now=T + 5000) == 1200  # 23:50 to 00:10 the next day, UTC
    assert ana.left_reason is LeaveReason.LEFT and ana.reconnects == 0


def test_a_drop_and_a_rejoin_inside_the_grace_is_one_interval_with_a_reconnect() -> None:
    people = project(
        [
            joined("ana", "p1", 0),
            left("ana", "p1", 100, LeaveReason.DROPPED),
            joined("ana", "p2", 120),
            left("ana", "p2", 600),
        ],
        grace=30,
    )
    assert people["ana"].intervals == [[T, T + 600]]
    assert people["ana"].reconnects == 1 and people["ana"].seconds(T + 600) == 600


def test_a_rejoin_after_the_grace_starts_a_new_interval() -> None:
    people = project(
        [
            joined("ana", "p1", 0),
            left("ana", "p1", 100, LeaveReason.DROPPED),
            joined("ana", "p2", 200),
            left("ana", "p2", 300),
        ],
        grace=30,
    )
    assert people["ana"].intervals == [[T, T + 100], [T + 200, T + 300]]
    assert people["ana"].reconnects == 0 and people["ana"].seconds(T + 300) == 200


def test_a_left_then_rejoin_is_never_bridged_even_inside_the_grace() -> None:
    people = project([joined("ana", "p1", 0), left("ana", "p1", 10), joined("ana", "p2", 15)])
    assert len(people["ana"].intervals) == 2


def test_two_tabs_of_one_person_count_once() -> None:
    people = project(
        [
            joined("ana", "p1", 0),
            left("ana", "p1", 50, LeaveReason.REPLACED),  # the second tab replaces the first
            joined("ana", "p2", 50),
            left("ana", "p2", 100),
        ]
    )
    assert people["ana"].intervals == [[T, T + 100]]
    assert people["ana"].seconds(T + 100) == 100


def test_a_duplicate_leave_is_not_counted_twice() -> None:
    people = project([joined("ana", "p1", 0), left("ana", "p1", 60), left("ana", "p1", 90)])
    assert people["ana"].seconds(T + 1000) == 60


def test_time_together_is_the_overlap_of_mentor_and_mentee_presence() -> None:
    people = project(
        [
            joined("maya", "m1", -300, Role.MENTOR),  # before the scheduled start
            joined("ana", "p1", 60),
            joined("ben", "p2", 100),
            left("ana", "p1", 400),
            left("maya", "m1", 500),
            left("ben", "p2", 900),
        ]
    )
    # mentees present 60..900 (union), mentor -300..500: overlap 60..500
    assert together_seconds(people, T + 1000) == 440


def test_open_memberships_are_the_ones_to_close_after_a_crash() -> None:
    entries = [joined("ana", "p1", 0), joined("ben", "p2", 5), left("ana", "p1", 10)]
    assert [e.participant_id for e in open_memberships(entries)] == ["p2"]
    closed = project([*entries, left("ben", "p2", 20, LeaveReason.SERVER_LOST)])
    assert closed["ben"].left_reason is LeaveReason.SERVER_LOST
    assert closed["ben"].seconds(T + 9999) == 15


def mode(who: str, pid: str, at: float, new: MediaMode, why: ModeReason) -> AttendanceEntry:
    return AttendanceEntry(EntryKind.MODE, who, pid, who.title(), Role.MENTEE, T + at,
                           mode=new, mode_reason=why)


def test_time_is_split_by_media_mode_and_each_change_is_kept() -> None:
    people = project([
        joined("ana", "p1", 0),
        mode("ana", "p1", 60, MediaMode.AUDIO_ONLY, ModeReason.WEAK_DOWNLINK),
        mode("ana", "p1", 90, MediaMode.CHAT_ONLY, ModeReason.NO_AUDIO),
        mode("ana", "p1", 100, MediaMode.VIDEO, ModeReason.GOOD_LINK),
        left("ana", "p1", 200),
        mode("ana", "p1", 210, MediaMode.AUDIO_ONLY, ModeReason.WEAK_UPLINK),  # after leaving
    ])
    ana = people["ana"]
    assert ana.seconds_by_mode(T + 999) == {
        MediaMode.VIDEO: 160, MediaMode.AUDIO_ONLY: 30, MediaMode.CHAT_ONLY: 10}
    assert [m for _, m, _, _ in ana.mode_changes] == [
        MediaMode.AUDIO_ONLY, MediaMode.CHAT_ONLY, MediaMode.VIDEO]


def test_an_open_membership_counts_its_mode_up_to_now() -> None:
    people = project([joined("ana", "p1", 0),
                      mode("ana", "p1", 10, MediaMode.AUDIO_ONLY, ModeReason.CHOSEN)])
    assert people["ana"].seconds_by_mode(T + 25)[MediaMode.AUDIO_ONLY] == 15


def share(who: str, pid: str, at: float, sharing: bool) -> AttendanceEntry:
    kind = EntryKind.SHARE_STARTED if sharing else EntryKind.SHARE_STOPPED
    return AttendanceEntry(kind, who, pid, who.title(), Role.MENTEE, T + at)


def test_screen_shares_are_timed_and_a_leave_ends_a_running_one() -> None:
    people = project([joined("ana", "p1", 0), share("ana", "p1", 10, True),
                      share("ana", "p1", 70, False), share("ana", "p1", 100, True),
                      left("ana", "p1", 130)])
    ana = people["ana"]
    assert ana.shares == [[T + 10, T + 70], [T + 100, T + 130]]
    assert ana.seconds_sharing(now=T + 500) == 90
