"""Progress across sessions: attended vs scheduled, on time, minutes, streak, pairs."""

from __future__ import annotations

from session_room.progress import SessionFacts, pairs, progress, sessions_of
from session_room.roles import Role

DAY = 86_400.0
M, A, B = "ID_maya", "ID_ana", "ID_ben"


def session(
    n: int, present: dict[str, float], late: float = 0, done: int = 0, ratings: tuple[int, ...] = ()
) -> SessionFacts:
    start = n * DAY
    return SessionFacts(
        session_id=f"SE_{n}",
        scheduled_start=start,
        invited={M: Role.MENTOR, A: Role.MENTEE},
        seconds_present={who: minutes * 60 for who, minutes in present.items()},
        joined_at={who: start + late for who in present},
        agenda_done=done,
        ratings=ratings,
    )


HISTORY = [
    session(1, {M: 45, A: 40}, done=3, ratings=(5, 4)),
    session(2, {M: 30}),  # the mentee missed it
    session(3, {M: 60, A: 60}, late=600, done=2, ratings=(3,)),
    session(4, {M: 50, A: 50}, done=1),
    session(99, {}),  # in the future: not yet scheduled
]


def test_a_mentees_progress_counts_attended_sessions_minutes_and_streak() -> None:
    p = progress(HISTORY, {A}, now=10 * DAY)
    assert (p.sessions_scheduled, p.sessions_attended) == (4, 3)
    assert p.total_minutes == 150 and p.average_minutes == 50
    assert p.on_time_rate == 2 / 3  # ten minutes late once
    assert p.agenda_items_completed == 6
    assert p.average_feedback == 4.0
    assert p.streak == 2 and p.last_session_at == 4 * DAY


def test_a_pair_counts_only_sessions_both_attended_and_their_common_minutes() -> None:
    p = progress(HISTORY, {M, A}, now=10 * DAY)
    assert p.sessions_attended == 3 and p.total_minutes == 40 + 60 + 50


def test_the_program_counts_any_attended_session() -> None:
    p = progress(HISTORY, None, now=10 * DAY)
    assert (p.sessions_scheduled, p.sessions_attended, p.streak) == (4, 4, 4)


def test_nobody_attended_gives_empty_rates_not_errors() -> None:
    p = progress([session(1, {})], {B}, now=2 * DAY)
    assert (p.sessions_attended, p.on_time_rate, p.average_minutes, p.streak) == (0, None, None, 0)


def test_sessions_and_pairs_are_found_by_identity_not_name() -> None:
    assert len(sessions_of(HISTORY, A)) == 5 and sessions_of(HISTORY, B) == []
    assert pairs(HISTORY) == {(M, A)}
