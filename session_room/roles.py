"""Closed vocabularies of the session domain: roles, session kinds, leave reasons."""

from __future__ import annotations

from enum import StrEnum

ONE_ON_ONE_CAPACITY = 2
"""Seats (mentor + mentee) in a one-on-one session."""
MAX_CIRCLE_CAPACITY = 12
"""The most seats a circle may have."""
MAX_OBSERVERS = 4
"""Observers do not take a seat; at most this many may watch a session."""


class Role(StrEnum):
    """What a participant may do in a session."""

    MENTOR = "mentor"
    MENTEE = "mentee"
    OBSERVER = "observer"

    @property
    def publishes(self) -> bool:
        """True if this role sends audio and video."""
        return self is not Role.OBSERVER

    @property
    def takes_seat(self) -> bool:
        """True if this role counts against the session's capacity."""
        return self is not Role.OBSERVER


class SessionKind(StrEnum):
    """The two shapes of a mentoring session."""

    ONE_ON_ONE = "one_on_one"
    CIRCLE = "circle"


class LeaveReason(StrEnum):
    """Why a participant left a session."""

    LEFT = "left"
    DROPPED = "dropped"
    REPLACED = "replaced"
    REMOVED = "removed"
    SESSION_ENDED = "session_ended"
    SERVER_SHUTDOWN = "server_shutdown"
    SERVER_LOST = "server_lost"
    NODE_LOST = "node_lost"


def capacity_for(kind: SessionKind, requested: int | None) -> int:
    """Returns the seat capacity of a session.

    Args:
        kind: The session kind.
        requested: The capacity asked for (circles only); ``None`` means the maximum.

    Returns:
        2 for a one-on-one; for a circle the requested capacity, default 12.

    Raises:
        ValueError: If a circle capacity is outside 2..12, or a one-on-one asks for
            anything but 2.
    """
    if kind is SessionKind.ONE_ON_ONE:
        if requested not in (None, ONE_ON_ONE_CAPACITY):
            raise ValueError("a one-on-one session has exactly 2 seats")
        return ONE_ON_ONE_CAPACITY
    if requested is None:
        return MAX_CIRCLE_CAPACITY
    if not ONE_ON_ONE_CAPACITY <= requested <= MAX_CIRCLE_CAPACITY:
        raise ValueError(f"a circle has 2 to {MAX_CIRCLE_CAPACITY} seats")
    return requested
