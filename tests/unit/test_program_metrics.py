"""The program's metrics and a person's progress, on small sample programs."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from session_room.program.goals import Goal, GoalStatus
from session_room.program.metrics import (
    MonthMinutes,
    ProgramFacts,
    ended,
    goals_by_status,
    minutes_per_month,
    months_between,
    person_progress,
    program_metrics,
    unread,
)
from session_room.program.pairs import (
    Cadence,
    Occurrence,
    OccurrenceStatus,
    Pair,
    PairKind,
    Weekday,
)


def at(day: str, hour: int = 17) -> float:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+00:00").timestamp()


def cadence(count: int) -> Cadence:
    return Cadence(2, Weekday.TUESDAY, "17:00", 60, count, "UTC", "2026-09-01")


def pair(pair_id: str, mentor: str, mentees: tuple[str, ...], created: str,
         count: int | None = None) -> Pair:
    kind = PairKind.PAIR if len(mentees) == 1 else PairKind.CIRCLE
    return Pair(pair_id, kind, pair_id, mentor, mentees, at(created, 9),
                cadence=None if count is None else cadence(count))


def occ(session_id: str, pair_id: str, day: str, index: int = 0,
        cancelled: bool = False) -> Occurrence:
    state = OccurrenceStatus.CANCELLED if cancelled else OccurrenceStatus.SCHEDULED
    return Occurrence(session_id, pair_id, index, at(day), 60, state)


def goal(goal_id: str, pair_id: str, target: str, state: GoalStatus) -> Goal:
    return Goal(goal_id, pair_id, "ID_e", goal_id, "", target, state, 0, 0.0, 0.0)


# Pair A (mentor m, mentee e): 3 planned, all three ended (a fourth cancelled), two held
# (e missed the third).
# Pair B (mentor m, mentee f): 4 planned, one ended and held in September, one in the future.
PAIRS = (pair("A", "ID_m", ("ID_e",), "2026-09-01", 3),
         pair("B", "ID_m", ("ID_f",), "2026-09-15", 4))
OCCS = (occ("S1", "A", "2026-09-08"), occ("S2", "A", "2026-10-06", 1),
        occ("S3", "A", "2026-10-20", 2), occ("S4", "A", "2026-11-03", 3, cancelled=True),
        occ("T1", "B", "2026-09-22"), occ("T2", "B", "2026-12-22", 1))
PRESENT = {"S1": {"ID_m": 3600.0, "ID_e": 3000.0}, "S2": {"ID_m": 1800.0, "ID_e": 1800.0},
           "S3": {"ID_m": 600.0}, "T1": {"ID_m": 2400.0, "ID_f": 2400.0}}
GOALS = (goal("G1", "A", "2026-10-01", GoalStatus.ACHIEVED),
         goal("G2", "A", "2026-10-01", GoalStatus.AT_RISK),
         goal("G3", "A", "2027-06-01", GoalStatus.ON_TRACK),
         goal("G4", "B", "2027-06-01", GoalStatus.ACHIEVED))
NOW = at("2026-11-10", 12)
FACTS = ProgramFacts(PAIRS, OCCS, GOALS, PRESENT, {"S1": (5, 4), "T1": (3,)})


def test_goal_achievement_counts_achieved_goals_of_the_goals_due() -> None:
    metrics = program_metrics(FACTS, NOW)
    a, b = metrics.pairs
    assert (a.goals_due, a.goals_achieved, a.goal_achievement) == (2, 1, 0.5)
    assert (b.goals_due, b.goals_achieved, b.goal_achievement) == (1, 1, 1.0)
    assert (metrics.goals_due, metrics.goals_achieved) == (3, 2)
    assert metrics.goal_achievement == round(2 / 3, 4)


def test_time_spent_and_feedback_are_summed_per_pair_and_program() -> None:
    metrics = program_metrics(FACTS, NOW)
    a, b = metrics.pairs
    assert a.minutes == 60 + 30 and b.minutes == 40  # S3 was not held: the mentor waited
    assert metrics.total_minutes == 130
    assert a.average_feedback == 4.5 and b.average_feedback == 3.0
    assert metrics.average_feedback == 4.0


def test_completion_counts_only_pairs_whose_series_is_over() -> None:
    metrics = program_metrics(FACTS, NOW)
    a, b = metrics.pairs
    assert (a.series_over, a.sessions_held, a.completed) == (True, 2, False)
    assert (b.series_over, b.completed) == (False, None)
    assert (metrics.pairs_series_over, metrics.pairs_completed, metrics.completion) == (1, 0, 0.0)
    held_all = dict(PRESENT, S3={"ID_m": 600.0, "ID_e": 600.0})
    again = program_metrics(ProgramFacts(PAIRS, OCCS, GOALS, held_all), NOW)
    assert again.pairs[0].completed is True and again.completion == 1.0


def test_no_shows_count_members_absent_from_ended_sessions() -> None:
    metrics = program_metrics(FACTS, NOW)
    assert metrics.no_shows_by_person == {"ID_e": 1}
    assert metrics.no_shows_total == 1 and metrics.pairs[0].no_shows == 1
    later = program_metrics(FACTS, at("2026-12-23", 12))  # T2 ended, nobody came
    assert later.no_shows_by_person == {"ID_e": 1, "ID_m": 1, "ID_f": 1}


def test_retention_is_the_share_of_started_pairs_still_meeting_each_month() -> None:
    months = {r.month: (r.pairs_started, r.still_meeting, r.share)
              for r in program_metrics(FACTS, NOW).retention}
    assert list(months) == ["2026-09", "2026-10", "2026-11"]
    assert months["2026-09"] == (2, 2, 1.0)
    assert months["2026-10"] == (2, 1, 0.5)  # A held S2 in October; B met in September only
    assert months["2026-11"] == (2, 0, 0.0)


def test_an_empty_program_has_no_ratios() -> None:
    metrics = program_metrics(ProgramFacts((), (), ()), NOW)
    assert metrics.goal_achievement is None and metrics.completion is None
    assert metrics.retention == () and metrics.average_feedback is None


def test_minutes_per_month_fills_the_months_between() -> None:
    series = minutes_per_month([(at("2026-09-08"), 3600.0), (at("2026-11-03"), 900.0),
                                (at("2026-09-22"), 1800.0)])
    assert series == (MonthMinutes("2026-09", 90.0), MonthMinutes("2026-10", 0.0),
                      MonthMinutes("2026-11", 15.0))
    assert minutes_per_month([]) == ()
    assert months_between("2026-11", "2027-02") == ["2026-11", "2026-12", "2027-01", "2027-02"]


def test_a_persons_progress_counts_ended_sessions_and_their_presence() -> None:
    mine = [o for o in OCCS if o.pair_id == "A"]
    numbers = person_progress("ID_e", mine, PRESENT, NOW)
    assert (numbers.sessions_scheduled, numbers.sessions_attended) == (3, 2)
    assert numbers.minutes == 80.0
    assert [(m.month, m.minutes) for m in numbers.minutes_per_month] == [
        ("2026-09", 50.0), ("2026-10", 30.0)]


def test_goals_by_status_lists_every_status() -> None:
    counts = goals_by_status(GOALS)
    assert counts == {"not_started": 0, "on_track": 1, "at_risk": 1, "achieved": 2,
                      "dropped": 0}


def test_unread_counts_only_others_messages_after_the_last_visit() -> None:
    messages = [("ID_m", 10.0), ("ID_e", 20.0), ("ID_m", 30.0)]
    assert unread(messages, "ID_e", 0.0) == 2
    assert unread(messages, "ID_e", 15.0) == 1
    assert unread(messages, "ID_m", 0.0) == 1


def test_a_session_ended_for_everyone_is_over_before_its_planned_end() -> None:
    start = at("2026-12-01")
    held = dataclasses.replace(occ("SE_1", "PR_1", "2026-12-01"), closed_at=start + 1200)
    open_one = occ("SE_2", "PR_1", "2026-12-01")
    present = {"SE_1": {"ID_e": 1200.0}}
    during = start + 1800  # 30 min into a 60 min slot
    assert ended(held, during) and not ended(open_one, during)
    assert not ended(held, start + 600)  # not before it was ended
    numbers = person_progress("ID_e", [held, open_one], present, during)
    assert (numbers.sessions_scheduled, numbers.sessions_attended, numbers.minutes) == (1, 1, 20.0)
