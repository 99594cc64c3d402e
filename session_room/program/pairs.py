"""Pairs and standing circles, their cadence and the sessions the cadence schedules."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum


class Weekday(StrEnum):
    """A day of the week (ISO order)."""

    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"


@dataclass(frozen=True, slots=True)
class Cadence:
    """How often a pair meets: every ``every_weeks`` weeks on ``weekday`` at ``time``.

    Attributes:
        every_weeks: 1 (weekly), 2 (bi-weekly), ... up to 8.
        weekday: The day of the week.
        time: Local start time, ``"HH:MM"`` (24 h).
        minutes: Length of each session.
        count: How many sessions the pair plans (1..52).
        time_zone: IANA zone of ``time`` (e.g. ``"Europe/Madrid"``).
        starts_on: First possible date, ``"YYYY-MM-DD"``; the first session is on the
            first ``weekday`` on or after it.
    """

    every_weeks: int
    weekday: Weekday
    time: str
    minutes: int
    count: int
    time_zone: str
    starts_on: str


class PairKind(StrEnum):
    """A one-on-one pair, or a standing circle (a mentor and several mentees)."""

    PAIR = "pair"
    CIRCLE = "circle"


@dataclass(frozen=True, slots=True)
class Pair:
    """A mentoring relationship: a mentor and one mentee (a pair) or several (a circle).

    Attributes:
        pair_id: ``PR_...``.
        kind: Pair or circle.
        title: What the sessions are called (e.g. "Ana & Maya").
        mentor_id: The mentor's person id.
        mentee_ids: The mentees' person ids (one for a pair).
        created_at: Epoch seconds.
        created_by: Person id of the creator (``""``: an admin credential).
        cadence: The schedule, or ``None`` for sessions planned one by one.
        ended_at: When the relationship was closed, or ``None`` while it runs.
    """

    pair_id: str
    kind: PairKind
    title: str
    mentor_id: str
    mentee_ids: tuple[str, ...]
    created_at: float
    created_by: str = ""
    cadence: Cadence | None = None
    ended_at: float | None = None

    def members(self) -> tuple[str, ...]:
        """The mentor first, then the mentees."""
        return (self.mentor_id, *self.mentee_ids)


def new_pair_id() -> str:
    """A fresh pair id (``PR_`` prefix)."""
    return "PR_" + secrets.token_urlsafe(9)


class OccurrenceStatus(StrEnum):
    """Whether a scheduled session still takes place."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One session of a pair's series (or a one-off session of the pair).

    Attributes:
        session_id: The session created for it (its invites are issued to the members).
        pair_id: The pair.
        index: 0-based position in the series.
        start: Epoch seconds of the (possibly rescheduled) start.
        minutes: Planned length.
        status: Scheduled or cancelled.
        sequence: iCalendar SEQUENCE: 0, then +1 on every reschedule or cancellation.
        uid: iCalendar UID (stable across changes).
        closed_at: When a mentor or an admin ended the session (it is then over even
            before its planned end), or ``None``.
    """

    session_id: str
    pair_id: str
    index: int
    start: float
    minutes: int
    status: OccurrenceStatus = OccurrenceStatus.SCHEDULED
    sequence: int = 0
    uid: str = ""
    closed_at: float | None = None
