"""Attendance: a pure projection of a session's attendance log.

The log is what the session worker stores durably before acknowledging anything:
one :class:`AttendanceEntry` per join, first media, media-mode change (with its
reason), leave (with its reason) and "server lost" closure. This module folds the
log into per-person records. It reads no clock: times are in the entries (UTC epoch seconds).

Rules:
* A person is an identity (from their invite); two tabs of one person replace
  each other and count once.
* A leave for ``dropped`` followed by a rejoin of the same identity within the
  grace period is one continuous interval; the drop is counted as a reconnect.
  A replacement (second tab, or a rejoin while the old socket lingered) is too.
* ``server_lost`` closes an interval at the last known time, as written in the log.
* Every membership starts in video mode; time is split by media mode between the
  mode changes, and each change is kept (time, mode, reason) for the timeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from session_room.layers import VideoStep
from session_room.quality import MediaMode, ModeReason
from session_room.roles import LeaveReason, Role

DEFAULT_GRACE_SECONDS = 30.0


class EntryKind(StrEnum):
    """What an attendance log entry records."""

    JOINED = "joined"
    ACTIVE = "active"
    MODE = "mode"
    LEFT = "left"
    SHARE_STARTED = "share_started"
    SHARE_STOPPED = "share_stopped"


@dataclass(frozen=True, slots=True)
class AttendanceEntry:
    """One line of the attendance log.

    Attributes:
        kind: Joined, first media active, media mode changed, or left.
        identity: The person.
        participant_id: The membership the entry is about.
        display_name: The name at the time.
        role: The role of the membership.
        at: UTC epoch seconds.
        reason: For ``left``: why.
        mode: For ``mode``: the new media mode.
        mode_reason: For ``mode``: why.
        video_step: For ``mode``: the video step (a change of step alone is logged
            too: lower layers and frame rates before audio-only).
    """

    kind: EntryKind
    identity: str
    participant_id: str
    display_name: str
    role: Role
    at: float
    reason: LeaveReason | None = None
    mode: MediaMode | None = None
    mode_reason: ModeReason | None = None
    video_step: VideoStep | None = None


@dataclass(slots=True)
class PersonAttendance:
    """Attendance of one person in one session.

    Attributes:
        intervals: ``[start, end]`` pairs of continuous presence (end ``None``: still
            present).
        first_active_at: When their media first flowed, or ``None``.
        left_reason: Why their last interval ended, or ``None`` while present.
        reconnects: Drops or replacements bridged inside the grace period.
        mode_changes: ``(time, mode, reason, video step)`` of every change of media
            mode or video step.
        shares: ``[start, end]`` of every screen share (end ``None``: sharing now).
    """

    identity: str
    display_name: str
    role: Role
    intervals: list[list[float | None]] = field(default_factory=list)
    first_active_at: float | None = None
    left_reason: LeaveReason | None = None
    reconnects: int = 0
    mode_changes: list[tuple[float, MediaMode, ModeReason, VideoStep]] = field(
        default_factory=list)
    shares: list[list[float | None]] = field(default_factory=list)
    _open: set[str] = field(default_factory=set)
    _mode_seconds: dict[MediaMode, float] = field(default_factory=dict)
    _mode: MediaMode = MediaMode.VIDEO
    _mode_since: float | None = None

    @property
    def joined_at(self) -> float:
        """When they first joined."""
        start = self.intervals[0][0]
        assert start is not None
        return start

    @property
    def left_at(self) -> float | None:
        """When they last left, or ``None`` while present."""
        return self.intervals[-1][1] if self.intervals else None

    def seconds(self, now: float) -> float:
        """Total time present (open intervals count up to ``now``)."""
        return sum((end if end is not None else now) - start for start, end in self._pairs())

    def seconds_sharing(self, now: float) -> float:
        """Time spent sharing a screen (a share still running counts up to ``now``)."""
        return sum((end if end is not None else now) - start
                   for start, end in self.shares if start is not None)

    def _share(self, sharing: bool, at: float) -> None:
        running = bool(self.shares) and self.shares[-1][1] is None
        if sharing and not running:
            self.shares.append([at, None])
        elif not sharing and running:
            self.shares[-1][1] = at

    def seconds_by_mode(self, now: float) -> dict[MediaMode, float]:
        """Time present in each media mode (an open interval counts up to ``now``)."""
        out = {mode: self._mode_seconds.get(mode, 0.0) for mode in MediaMode}
        if self._mode_since is not None:
            out[self._mode] += max(0.0, now - self._mode_since)
        return out

    def _enter_mode(self, mode: MediaMode | None, at: float) -> None:
        """Closes the running mode span at ``at``; opens ``mode`` (``None``: absent)."""
        if self._mode_since is not None:
            spent = max(0.0, at - self._mode_since)
            self._mode_seconds[self._mode] = self._mode_seconds.get(self._mode, 0.0) + spent
        if mode is None:
            self._mode_since = None
        else:
            self._mode, self._mode_since = mode, at

    def _pairs(self) -> list[tuple[float, float | None]]:
        return [(s, e) for s, e in self.intervals if s is not None]


def project(
    entries: list[AttendanceEntry], grace: float = DEFAULT_GRACE_SECONDS
) -> dict[str, PersonAttendance]:
    """Folds a session's log (in order) into attendance per identity."""
    people: dict[str, PersonAttendance] = {}
    for entry in entries:
        person = people.get(entry.identity)
        if entry.kind is EntryKind.JOINED:
            if person is None:
                person = people[entry.identity] = PersonAttendance(
                    entry.identity, entry.display_name, entry.role
                )
            person.display_name, person.role = entry.display_name, entry.role
            _joined(person, entry, grace)
        elif person is None:
            continue
        elif entry.kind is EntryKind.ACTIVE:
            if person.first_active_at is None:
                person.first_active_at = entry.at
        elif entry.kind is EntryKind.MODE:
            if entry.mode is not None and entry.participant_id in person._open:
                person._enter_mode(entry.mode, entry.at)
                default = VideoStep.FULL if entry.mode is MediaMode.VIDEO else VideoStep.OFF
                person.mode_changes.append(
                    (entry.at, entry.mode, entry.mode_reason or ModeReason.GOOD_LINK,
                     entry.video_step or default)
                )
        elif entry.kind in (EntryKind.SHARE_STARTED, EntryKind.SHARE_STOPPED):
            if entry.participant_id in person._open:
                person._share(entry.kind is EntryKind.SHARE_STARTED, entry.at)
        else:
            _left(person, entry)
    return people


def _joined(person: PersonAttendance, entry: AttendanceEntry, grace: float) -> None:
    still_open = bool(person._open)
    person._open.add(entry.participant_id)
    person._enter_mode(MediaMode.VIDEO, entry.at)  # a new membership starts with video
    if still_open:
        return  # a second tab while the first is open: one presence
    last = person.intervals[-1] if person.intervals else None
    bridge = (
        last is not None
        and last[1] is not None
        and person.left_reason in (LeaveReason.DROPPED, LeaveReason.REPLACED)
        and entry.at - last[1] <= grace
    )
    if bridge:
        assert last is not None
        last[1] = None
        person.reconnects += 1
    else:
        person.intervals.append([entry.at, None])
    person.left_reason = None


def _left(person: PersonAttendance, entry: AttendanceEntry) -> None:
    if entry.participant_id not in person._open:
        return  # already closed (e.g. a duplicate entry): never double count
    person._open.discard(entry.participant_id)
    if person._open:
        return  # another membership of this person is still present
    person.intervals[-1][1] = entry.at
    person.left_reason = entry.reason
    person._enter_mode(None, entry.at)
    person._share(False, entry.at)


def together_seconds(people: dict[str, PersonAttendance], now: float) -> float:
    """Seconds during which a mentor and at least one mentee were both present."""

    def spans(role: Role) -> list[tuple[float, float]]:
        out = []
        for p in people.values():
            if p.role is role:
                out += [(s, e if e is not None else now) for s, e in p._pairs()]
        return _union(out)

    total = 0.0
    for a0, a1 in spans(Role.MENTOR):
        for b0, b1 in spans(Role.MENTEE):
            total += max(0.0, min(a1, b1) - max(a0, b0))
    return total


def _union(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def open_memberships(entries: list[AttendanceEntry]) -> list[AttendanceEntry]:
    """The ``joined`` entries with no ``left`` yet (to close after a crash)."""
    open_: dict[str, AttendanceEntry] = {}
    for entry in entries:
        if entry.kind is EntryKind.JOINED:
            open_[entry.participant_id] = entry
        elif entry.kind is EntryKind.LEFT:
            open_.pop(entry.participant_id, None)
    return list(open_.values())
