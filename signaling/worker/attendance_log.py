"""The attendance log at the edge: room events -> log entries (stored before any
acknowledgement), closing what a crash left open, and the attendance report."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from session_room.attendance import (
    AttendanceEntry,
    EntryKind,
    PersonAttendance,
    open_memberships,
    project,
    together_seconds,
)
from session_room.events import (
    Event,
    LinkChanged,
    ParticipantActivated,
    ParticipantDropped,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantResumed,
    ScreenShareChanged,
)
from session_room.ids import SessionId
from session_room.layers import VideoStep
from session_room.quality import MediaMode, ModeReason
from session_room.roles import LeaveReason, Role
from session_room.room import SessionSpec
from signaling.backends.base import SessionStore

HEARTBEAT_SECONDS = 15.0
"""A live session logs that it is alive this often: the "last known time" a crash
closes open intervals at."""
ALIVE = "alive"


def entry_for(event: Event) -> AttendanceEntry | None:
    """The log entry a room event makes (``None`` for events attendance ignores)."""
    if isinstance(event, LinkChanged):
        if not event.step_changed:
            return None
        p, link = event.participant, event.participant.link
        return AttendanceEntry(EntryKind.MODE, p.identity, p.participant_id, p.display_name,
                               p.role, event.at, mode=link.mode, mode_reason=link.reason,
                               video_step=link.video_step)
    if isinstance(event, ScreenShareChanged):
        kind = EntryKind.SHARE_STARTED if event.sharing else EntryKind.SHARE_STOPPED
        p = event.participant
        return AttendanceEntry(kind, p.identity, p.participant_id, p.display_name, p.role,
                               event.at)
    if isinstance(event, (ParticipantJoined, ParticipantResumed)):
        kind, reason = EntryKind.JOINED, None
    elif isinstance(event, ParticipantActivated):
        kind, reason = EntryKind.ACTIVE, None
    elif isinstance(event, ParticipantLeft):
        kind, reason = EntryKind.LEFT, event.reason
    elif isinstance(event, ParticipantDropped):  # a resume within the grace bridges it
        kind, reason = EntryKind.LEFT, LeaveReason.DROPPED
    else:
        return None
    p = event.participant
    return AttendanceEntry(
        kind, p.identity, p.participant_id, p.display_name, p.role, event.at, reason
    )


async def log_events(store: SessionStore, session_id: SessionId, events: list[Event]) -> None:
    """Appends the attendance entries of ``events`` to the session's durable log."""
    for event in events:
        entry = entry_for(event)
        if entry is not None:
            await store.append_attendance(session_id, encode(entry))


def encode(entry: AttendanceEntry) -> str:
    """An entry as the JSON record the store keeps."""
    return json.dumps(asdict(entry))


def heartbeat(at: float) -> str:
    """A record saying the session was alive at ``at`` (ignored by the projection)."""
    return json.dumps({"kind": ALIVE, "at": at})


def decode(records: list[str]) -> tuple[list[AttendanceEntry], float | None]:
    """The entries of a stored log and the last time it knew about (any record)."""
    entries: list[AttendanceEntry] = []
    last: float | None = None
    for record in records:
        fields: dict[str, Any] = json.loads(record)
        last = max(last or fields["at"], fields["at"])
        if fields["kind"] == ALIVE:
            continue
        reason, mode, why = fields.get("reason"), fields.get("mode"), fields.get("mode_reason")
        step = fields.get("video_step")
        entries.append(
            AttendanceEntry(
                kind=EntryKind(fields["kind"]),
                identity=fields["identity"],
                participant_id=fields["participant_id"],
                display_name=fields["display_name"],
                role=Role(fields["role"]),
                at=float(fields["at"]),
                reason=None if reason is None else LeaveReason(reason),
                mode=None if mode is None else MediaMode(mode),
                mode_reason=None if why is None else ModeReason(why),
                video_step=None if step is None else VideoStep(step),
            )
        )
    return entries, last


async def close_lost_intervals(store: SessionStore) -> int:
    """Closes, as ``server_lost`` at the last known time, every membership a crash
    left open. Call at start-up, before any session runs (one node). Returns how many."""
    closed = 0
    for session_id in await store.attendance_sessions():
        closed += await close_open_memberships(store, session_id, LeaveReason.SERVER_LOST)
    return closed


async def close_open_memberships(store: SessionStore, session_id: SessionId,
                                 reason: LeaveReason) -> int:
    """Closes a session's open memberships with ``reason`` at the last time its log
    knew of (its last heartbeat at most); returns how many."""
    entries, last = decode(await store.load_attendance(session_id))
    closed = 0
    for entry in open_memberships(entries):
        assert last is not None
        lost = AttendanceEntry(EntryKind.LEFT, entry.identity, entry.participant_id,
                               entry.display_name, entry.role, last, reason)
        await store.append_attendance(session_id, encode(lost))
        closed += 1
    return closed


def _iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC).isoformat()


def _person(p: PersonAttendance, now: float) -> dict[str, Any]:
    return {
        "identity": p.identity,
        "display_name": p.display_name,
        "role": p.role.value,
        "joined_at": _iso(p.joined_at),
        "first_active_at": _iso(p.first_active_at),
        "left_at": _iso(p.left_at),
        "left_reason": None if p.left_reason is None else p.left_reason.value,
        "present": p.left_at is None,
        "seconds_present": round(p.seconds(now), 3),
        "reconnects": p.reconnects,
        "seconds_by_mode": {m.value: round(s, 3) for m, s in p.seconds_by_mode(now).items()},
        "seconds_sharing": round(p.seconds_sharing(now), 3),
        "shares": [{"start": _iso(start), "end": _iso(end)} for start, end in p.shares],
        "mode_changes": [{"at": _iso(at), "mode": m.value, "reason": r.value,
                          "video_step": step.label}
                         for at, m, r, step in p.mode_changes],
        "intervals": [[_iso(s), _iso(e)] for s, e in p.intervals],
    }


async def attendance_report(
    store: SessionStore, spec: SessionSpec, now: float, grace: float
) -> dict[str, Any]:
    """The attendance of one session (times as ISO 8601 UTC; clients show local)."""
    entries, _ = decode(await store.load_attendance(SessionId(spec.session_id)))
    people = project(entries, grace)
    starts = [p.joined_at for p in people.values()]
    ends = [p.left_at for p in people.values()]
    live = any(end is None for end in ends)
    actual_end = None if live or not ends else max(e for e in ends if e is not None)
    actual_start = min(starts) if starts else None
    length = None if actual_start is None else (actual_end or now) - actual_start
    return {
        "session_id": spec.session_id,
        "title": spec.title,
        "scheduled_start": _iso(spec.scheduled_start),
        "actual_start": _iso(actual_start),
        "actual_end": _iso(actual_end),
        "live": live,
        "length_seconds": None if length is None else round(length, 3),
        "together_seconds": round(together_seconds(people, now), 3),
        "grace_seconds": grace,
        "people": [_person(p, now) for p in people.values()],
    }
