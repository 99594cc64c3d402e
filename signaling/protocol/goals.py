"""Wire messages of a pair's SMART goals in the room (sessions that are occurrences of a
pair only).

Part of the one wire schema: :mod:`signaling.protocol` puts these models into its
discriminated unions and re-exports them; import them from there. Range checks (progress
0..100) are the domain's (typed ``invalid_value`` errors), not the parser's, so a bad
value gets a clear error instead of ``malformed_message``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from session_room.program.goals import GoalStatus
from signaling.protocol.base import Message as _Message
from signaling.protocol.base import RequestId

# ---------------------------------------------------------------- shared parts


class GoalInfo(_Message):
    """One goal as the room shows it; times are server epoch seconds."""

    goal_id: str
    pair_id: str
    mentee_id: str
    """Whose goal it is (a person id: the identity their invites carry)."""
    mentee_name: str
    title: str
    measure: str
    target_date: str
    """``YYYY-MM-DD``."""
    status: GoalStatus
    progress: int
    """Percent, 0..100."""
    version: int
    """Send it back in ``goal_update`` to refuse a change made meanwhile."""
    updated_at: float


# ------------------------------------------------------- client -> server


class GoalUpdate(_Message):
    """Change a goal's status and/or progress. Allowed to the pair's mentor and the goal's
    mentee (never observers); ``version`` (optional) must be the current one, else
    ``stale_version``."""

    type: Literal["goal_update"] = "goal_update"
    id: RequestId | None = None
    goal_id: str = Field(max_length=64)
    status: GoalStatus | None = None
    progress: int | None = None
    version: int | None = None


# ------------------------------------------------------- server -> client


class Goals(_Message):
    """Every goal of the session's pair, sent right after ``joined`` (pair sessions only).
    A participant whose identity is ``mentor_id`` or a goal's ``mentee_id`` may change
    that goal."""

    type: Literal["goals"] = "goals"
    pair_id: str
    mentor_id: str
    goals: list[GoalInfo]


class GoalChanged(_Message):
    """A goal was created or changed (in the room, or over REST); ``by`` is the display
    name of who did it. ``re`` is set for the participant who asked."""

    type: Literal["goal_changed"] = "goal_changed"
    re: str | None = None
    goal: GoalInfo
    by: str


GoalsClientMessage = GoalUpdate
GoalsServerMessage = Goals | GoalChanged
