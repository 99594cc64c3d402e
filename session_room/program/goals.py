"""SMART goals: what a pair (or each mentee of a circle) works toward, and the rules of
changing one. Every change leaves a :class:`GoalChange` in the goal's history."""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass
from enum import StrEnum

from session_room.errors import DomainError, ErrorCode

MAX_TITLE = 200
MAX_MEASURE = 500


class GoalStatus(StrEnum):
    """Where a goal stands."""

    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


@dataclass(frozen=True, slots=True)
class Goal:
    """A SMART goal.

    Attributes:
        goal_id: ``GO_...``.
        pair_id: The pair (or circle) it belongs to.
        mentee_id: Whose goal it is (the mentee's person id).
        title: Specific: what is to be achieved.
        measure: Measurable: how success is measured.
        target_date: Time-bound: ``"YYYY-MM-DD"``.
        status: Not started, on track, at risk, achieved or dropped.
        progress: Percent, 0..100.
        created_at: Epoch seconds.
        updated_at: Epoch seconds of the last change.
        version: 1 at creation, +1 per change (a stale update is refused).
    """

    goal_id: str
    pair_id: str
    mentee_id: str
    title: str
    measure: str
    target_date: str
    status: GoalStatus
    progress: int
    created_at: float
    updated_at: float
    version: int = 1


@dataclass(frozen=True, slots=True)
class GoalChange:
    """One entry of a goal's history: who changed what, when, and where."""

    goal_id: str
    at: float
    by: str
    status: GoalStatus
    progress: int
    previous_status: GoalStatus | None
    previous_progress: int | None
    session_id: str = ""
    note: str = ""


def new_goal_id() -> str:
    """A fresh goal id (``GO_`` prefix)."""
    return "GO_" + secrets.token_urlsafe(9)


def _check_text(title: str, measure: str, target_date: str) -> None:
    if not title.strip() or len(title) > MAX_TITLE:
        raise DomainError(ErrorCode.INVALID_VALUE,
                          f"a goal needs a title of 1..{MAX_TITLE} characters")
    if len(measure) > MAX_MEASURE:
        raise DomainError(ErrorCode.TEXT_TOO_LONG,
                          f"the measure is over {MAX_MEASURE} characters")
    parts = target_date.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        raise DomainError(ErrorCode.INVALID_VALUE, "the target date must be YYYY-MM-DD")


def create_goal(goal_id: str, pair_id: str, mentee_id: str, title: str, measure: str,
                target_date: str, at: float, by: str) -> tuple[Goal, GoalChange]:
    """A new goal (not started, 0 %) and its first history entry.

    Raises:
        DomainError: ``invalid_value`` / ``text_too_long`` for a bad field.
    """
    _check_text(title, measure, target_date)
    goal = Goal(goal_id, pair_id, mentee_id, title.strip(), measure.strip(), target_date,
                GoalStatus.NOT_STARTED, 0, at, at)
    return goal, GoalChange(goal_id, at, by, goal.status, 0, None, None)


def update_goal(goal: Goal, at: float, by: str, *, status: GoalStatus | None = None,
                progress: int | None = None, version: int | None = None,
                session_id: str = "", note: str = "") -> tuple[Goal, GoalChange]:
    """Applies a change of status and/or progress.

    Achieving a goal sets its progress to 100; raising progress to 100 does not by itself
    mark it achieved (people say so). ``version``, when given, must be the current one.

    Raises:
        DomainError: ``stale_version`` for an outdated ``version``; ``invalid_value`` for
            progress outside 0..100 or a change that changes nothing.
    """
    if version is not None and version != goal.version:
        raise DomainError(ErrorCode.STALE_VERSION, "this goal was changed meanwhile")
    if progress is not None and not 0 <= progress <= 100:
        raise DomainError(ErrorCode.INVALID_VALUE, "progress is a percentage, 0 to 100")
    new_status = goal.status if status is None else status
    new_progress = goal.progress if progress is None else progress
    if new_status is GoalStatus.ACHIEVED and status is GoalStatus.ACHIEVED:
        new_progress = 100
    if new_status is goal.status and new_progress == goal.progress:
        raise DomainError(ErrorCode.INVALID_VALUE, "this changes nothing")
    changed = dataclasses.replace(goal, status=new_status, progress=new_progress,
                                  updated_at=at, version=goal.version + 1)
    return changed, GoalChange(goal.goal_id, at, by, new_status, new_progress, goal.status,
                               goal.progress, session_id, note[:500])
