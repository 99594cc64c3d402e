"""Progress across sessions: a pure fold of per-session facts into program numbers.

A session's facts come from its invites (who was expected, in which role), its
attendance projection, its agenda and its feedback. Scopes: one person (as mentee
or mentor), one mentor-mentee pair, or the whole program.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from session_room.roles import Role

ON_TIME_SECONDS = 5 * 60
"""Joining up to five minutes after the scheduled start counts as on time."""


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """What progress needs to know about one session.

    Attributes:
        session_id: The session.
        scheduled_start: Planned start (UTC seconds) or ``None``; else creation time.
        invited: Identity -> role, for everyone invited.
        seconds_present: Identity -> seconds present (attended only).
        joined_at: Identity -> first join time (attended only).
        agenda_done: Agenda items marked done.
        ratings: Feedback ratings (1-5) given on this session.
    """

    session_id: str
    scheduled_start: float
    invited: dict[str, Role]
    seconds_present: dict[str, float] = field(default_factory=dict)
    joined_at: dict[str, float] = field(default_factory=dict)
    agenda_done: int = 0
    ratings: tuple[int, ...] = ()

    def mentors(self) -> set[str]:
        """Identities invited as mentors."""
        return {i for i, r in self.invited.items() if r is Role.MENTOR}

    def mentees(self) -> set[str]:
        """Identities invited as mentees."""
        return {i for i, r in self.invited.items() if r is Role.MENTEE}


@dataclass(frozen=True, slots=True)
class Progress:
    """Numbers for one scope (a person, a pair or the program)."""

    sessions_scheduled: int
    sessions_attended: int
    on_time_rate: float | None
    total_minutes: float
    average_minutes: float | None
    agenda_items_completed: int
    average_feedback: float | None
    last_session_at: float | None
    streak: int


def progress(sessions: list[SessionFacts], people: set[str] | None, now: float) -> Progress:
    """Progress over ``sessions`` for ``people`` (``None``: anyone, the program).

    A session counts as scheduled if it has started (scheduled time passed) and as
    attended if every one of ``people`` was present (for the program: anyone).
    The streak is how many of the latest scheduled sessions in a row were attended.
    """
    due = sorted((s for s in sessions if s.scheduled_start <= now), key=lambda s: s.scheduled_start)
    wanted = people or set()

    def attended(s: SessionFacts) -> bool:
        present = set(s.seconds_present)
        return bool(present) if people is None else wanted <= present

    def minutes(s: SessionFacts) -> float:
        if people is None:
            return max(s.seconds_present.values(), default=0.0) / 60
        return min(s.seconds_present[p] for p in wanted) / 60

    def on_time(s: SessionFacts) -> bool:
        who = wanted if people is not None else set(s.joined_at)
        return all(s.joined_at[p] <= s.scheduled_start + ON_TIME_SECONDS for p in who)

    went = [s for s in due if attended(s)]
    total = sum(minutes(s) for s in went)
    ratings = [r for s in went for r in s.ratings]
    streak = 0
    for s in reversed(due):
        if not attended(s):
            break
        streak += 1
    return Progress(
        sessions_scheduled=len(due),
        sessions_attended=len(went),
        on_time_rate=sum(on_time(s) for s in went) / len(went) if went else None,
        total_minutes=round(total, 2),
        average_minutes=round(total / len(went), 2) if went else None,
        agenda_items_completed=sum(s.agenda_done for s in went),
        average_feedback=round(sum(ratings) / len(ratings), 2) if ratings else None,
        last_session_at=max((min(s.joined_at.values()) for s in went), default=None),
        streak=streak,
    )


def sessions_of(sessions: list[SessionFacts], identity: str) -> list[SessionFacts]:
    """The sessions ``identity`` was invited to."""
    return [s for s in sessions if identity in s.invited]


def pairs(sessions: list[SessionFacts]) -> set[tuple[str, str]]:
    """Every (mentor, mentee) pair invited to a session together."""
    return {(m, e) for s in sessions for m in s.mentors() for e in s.mentees()}
