"""The program's numbers, pure: goal achievement, time spent, feedback, retention,
completion and no-shows for the admin report, and a person's progress for their home.

Everything is a function of stored facts and ``now`` (the "as of" time, passed in): no
clock reads, no I/O. Months are UTC calendar months (``"YYYY-MM"``).

Definitions:
    * A goal is *due* once its target date has passed (before the day of ``now``) or it
      is achieved; goal achievement is achieved / due.
    * An occurrence has *ended* when ``start + minutes`` is at or before ``now``; it was
      *held* when the mentor and at least one mentee of its pair were present.
    * Time spent is counted on held occurrences: the longest presence of any member (the
      session as lived), in minutes.
    * Retention, for each month since the first pair started: of the pairs started by the
      end of that month, the share still meeting (a held session in that month or later).
    * A pair *completed* its series when it held its cadence's ``count`` sessions; it is
      counted once its series is over (no scheduled session still to end, or the pair ended).
    * A *no-show* is a member of an ended, scheduled occurrence who never joined it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from session_room.program.goals import Goal, GoalStatus
from session_room.program.pairs import Occurrence, OccurrenceStatus, Pair

Presence = Mapping[str, Mapping[str, float]]
"""Session id -> identity -> seconds present (only people who joined)."""
Ratings = Mapping[str, tuple[int, ...]]
"""Session id -> feedback ratings (1..5) given on it."""


@dataclass(frozen=True, slots=True)
class ProgramFacts:
    """What the metrics are computed from.

    Attributes:
        pairs: Every pair and circle.
        occurrences: Every occurrence of every pair.
        goals: Every goal.
        present: Seconds present per session and identity.
        ratings: Feedback ratings per session.
    """

    pairs: tuple[Pair, ...]
    occurrences: tuple[Occurrence, ...]
    goals: tuple[Goal, ...]
    present: Presence = field(default_factory=dict)
    ratings: Ratings = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PairMetrics:
    """One pair's numbers (``None``: not applicable yet)."""

    pair_id: str
    title: str
    goals_due: int
    goals_achieved: int
    goal_achievement: float | None
    minutes: float
    average_feedback: float | None
    sessions_planned: int | None
    sessions_held: int
    series_over: bool
    completed: bool | None
    no_shows: int


@dataclass(frozen=True, slots=True)
class RetentionMonth:
    """Retention in one month: ``still_meeting`` of ``pairs_started`` (``share``)."""

    month: str
    pairs_started: int
    still_meeting: int
    share: float | None


@dataclass(frozen=True, slots=True)
class ProgramMetrics:
    """The program's numbers as of ``as_of`` (epoch seconds)."""

    as_of: float
    goals_due: int
    goals_achieved: int
    goal_achievement: float | None
    total_minutes: float
    average_feedback: float | None
    retention: tuple[RetentionMonth, ...]
    pairs_series_over: int
    pairs_completed: int
    completion: float | None
    no_shows_total: int
    no_shows_by_person: dict[str, int]
    pairs: tuple[PairMetrics, ...]


def month_of(at: float) -> str:
    """The UTC month (``"YYYY-MM"``) of an epoch time."""
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m")


def _day_of(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d")


def months_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive (empty if ``last < first``)."""
    year, month = int(first[:4]), int(first[5:7])
    out: list[str] = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def is_due(goal: Goal, now: float) -> bool:
    """Whether a goal counts toward achievement: achieved, or its target date passed."""
    return goal.status is GoalStatus.ACHIEVED or goal.target_date < _day_of(now)


def ended(occurrence: Occurrence, now: float) -> bool:
    """Whether a scheduled occurrence is over: its planned end passed, or it was ended
    for everyone (cancelled ones never are)."""
    closed = occurrence.closed_at is not None and occurrence.closed_at <= now
    return occurrence.status is OccurrenceStatus.SCHEDULED and (
        closed or occurrence.start + occurrence.minutes * 60 <= now)


def was_held(pair: Pair, occurrence: Occurrence, present: Presence) -> bool:
    """The mentor and at least one mentee were present."""
    there = present.get(occurrence.session_id, {})
    return pair.mentor_id in there and any(m in there for m in pair.mentee_ids)


def session_minutes(occurrence: Occurrence, present: Presence) -> float:
    """The longest presence of anyone in a session, in minutes."""
    return max(present.get(occurrence.session_id, {}).values(), default=0.0) / 60


def no_shows(pair: Pair, occurrences: Iterable[Occurrence], present: Presence,
             now: float) -> dict[str, int]:
    """Per member, the ended scheduled occurrences they never joined (zero omitted)."""
    out: dict[str, int] = {}
    for occ in occurrences:
        if not ended(occ, now):
            continue
        there = present.get(occ.session_id, {})
        for member in pair.members():
            if member not in there:
                out[member] = out.get(member, 0) + 1
    return out


def _pair_metrics(pair: Pair, occurrences: list[Occurrence], goals: list[Goal],
                  facts: ProgramFacts, now: float) -> tuple[PairMetrics, dict[str, int]]:
    due = [g for g in goals if is_due(g, now)]
    achieved = sum(1 for g in due if g.status is GoalStatus.ACHIEVED)
    over = [o for o in occurrences if ended(o, now)]
    held = [o for o in over if was_held(pair, o, facts.present)]
    ratings = [r for o in over for r in facts.ratings.get(o.session_id, ())]
    misses = no_shows(pair, occurrences, facts.present, now)
    planned = None if pair.cadence is None else pair.cadence.count
    remaining = any(o.status is OccurrenceStatus.SCHEDULED and not ended(o, now)
                    for o in occurrences)
    series_over = planned is not None and (
        (pair.ended_at is not None and pair.ended_at <= now) or not remaining)
    completed = (len(held) >= planned) if series_over and planned is not None else None
    return PairMetrics(
        pair_id=pair.pair_id, title=pair.title, goals_due=len(due), goals_achieved=achieved,
        goal_achievement=_ratio(achieved, len(due)),
        minutes=round(sum(session_minutes(o, facts.present) for o in held), 2),
        average_feedback=_mean(ratings), sessions_planned=planned, sessions_held=len(held),
        series_over=series_over, completed=completed, no_shows=sum(misses.values()),
    ), misses


def retention(pairs: Iterable[Pair], held_months: Mapping[str, set[str]],
              now: float) -> tuple[RetentionMonth, ...]:
    """For each month from the first pair's start to ``now``: the share of pairs started by
    then that held a session in that month or later (``held_months``: pair -> months)."""
    started = {p.pair_id: month_of(p.created_at) for p in pairs if p.created_at <= now}
    if not started:
        return ()
    out = []
    for month in months_between(min(started.values()), month_of(now)):
        by_then = [pid for pid, first in started.items() if first <= month]
        still = sum(1 for pid in by_then if any(m >= month for m in held_months.get(pid, ())))
        out.append(RetentionMonth(month, len(by_then), still, _ratio(still, len(by_then))))
    return tuple(out)


def program_metrics(facts: ProgramFacts, now: float) -> ProgramMetrics:
    """Every metric of the program as of ``now``."""
    rows: list[PairMetrics] = []
    misses_total: dict[str, int] = {}
    held_months: dict[str, set[str]] = {}
    for pair in facts.pairs:
        occs = [o for o in facts.occurrences if o.pair_id == pair.pair_id]
        goals = [g for g in facts.goals if g.pair_id == pair.pair_id]
        row, misses = _pair_metrics(pair, occs, goals, facts, now)
        rows.append(row)
        for person, count in misses.items():
            misses_total[person] = misses_total.get(person, 0) + count
        held_months[pair.pair_id] = {month_of(o.start) for o in occs if ended(o, now)
                                     and was_held(pair, o, facts.present)}
    due = sum(r.goals_due for r in rows)
    achieved = sum(r.goals_achieved for r in rows)
    known = {p.pair_id for p in facts.pairs}
    ratings = [r for o in facts.occurrences if o.pair_id in known and ended(o, now)
               for r in facts.ratings.get(o.session_id, ())]
    over = [r for r in rows if r.series_over]
    done = sum(1 for r in over if r.completed)
    return ProgramMetrics(
        as_of=now, goals_due=due, goals_achieved=achieved, goal_achievement=_ratio(achieved, due),
        total_minutes=round(sum(r.minutes for r in rows), 2), average_feedback=_mean(ratings),
        retention=retention(facts.pairs, held_months, now), pairs_series_over=len(over),
        pairs_completed=done, completion=_ratio(done, len(over)),
        no_shows_total=sum(misses_total.values()), no_shows_by_person=misses_total,
        pairs=tuple(rows),
    )


# A person's progress (the home page)


@dataclass(frozen=True, slots=True)
class MonthMinutes:
    """Minutes attended in one month."""

    month: str
    minutes: float


@dataclass(frozen=True, slots=True)
class PersonProgress:
    """A person's numbers over the occurrences of their pairs.

    Attributes:
        sessions_scheduled: Occurrences that have ended (scheduled, not cancelled).
        sessions_attended: Of those, the ones the person joined.
        minutes: Minutes present in total.
        minutes_per_month: Every month from the first to the last attended one.
    """

    sessions_scheduled: int
    sessions_attended: int
    minutes: float
    minutes_per_month: tuple[MonthMinutes, ...]


def minutes_per_month(sessions: Iterable[tuple[float, float]]) -> tuple[MonthMinutes, ...]:
    """Minutes per UTC month of ``(start, seconds present)`` pairs, every month from the
    first to the last included (months without a session show 0)."""
    totals: dict[str, float] = {}
    for start, seconds in sessions:
        totals[month_of(start)] = totals.get(month_of(start), 0.0) + seconds / 60
    if not totals:
        return ()
    return tuple(MonthMinutes(m, round(totals.get(m, 0.0), 1))
                 for m in months_between(min(totals), max(totals)))


def person_progress(person_id: str, occurrences: Iterable[Occurrence], present: Presence,
                    now: float) -> PersonProgress:
    """Progress of one person over ``occurrences`` (those of their pairs)."""
    over = [o for o in occurrences if ended(o, now)]
    went = [(o.start, present[o.session_id][person_id]) for o in over
            if person_id in present.get(o.session_id, {})]
    return PersonProgress(
        sessions_scheduled=len(over), sessions_attended=len(went),
        minutes=round(sum(s for _, s in went) / 60, 1),
        minutes_per_month=minutes_per_month(went),
    )


def goals_by_status(goals: Iterable[Goal]) -> dict[str, int]:
    """How many goals are in each status (every status listed, zero included)."""
    counts = {s.value: 0 for s in GoalStatus}
    for goal in goals:
        counts[goal.status.value] += 1
    return counts


def unread(messages: Iterable[tuple[str, float]], reader: str, seen_at: float) -> int:
    """How many of ``(author, at)`` messages others wrote after ``seen_at``."""
    return sum(1 for author, at in messages if author != reader and at > seen_at)
