"""The session timer: one countdown everyone sees in step.

The server is the authority. The state holds the remaining time as of ``since``
and, while running, clients compute ``remaining - (now - since)`` from the
server's clock (their own clock plus a measured offset). The timer keeps running
past zero (the overrun is shown) until someone pauses or resets it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum

from session_room.errors import DomainError, ErrorCode

MAX_TIMER_SECONDS = 6 * 3600
WARNING_SECONDS = 120
"""Clients warn this long before zero."""


class TimerStatus(StrEnum):
    """Timer states."""

    IDLE = "idle"
    RUNNING = "running"
    PAUSED = "paused"


class TimerAction(StrEnum):
    """What a timer control asks for."""

    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    RESET = "reset"
    ADD_MINUTE = "add_minute"


@dataclass(frozen=True, slots=True)
class SessionTimer:
    """Timer state.

    Attributes:
        status: Idle, running or paused.
        duration: Seconds the timer was (re)started with.
        remaining: Seconds left as of ``since`` (running) or now (idle/paused).
        since: Epoch seconds when it last started running, ``None`` otherwise.
        follow_agenda: Restart with the planned minutes of each agenda item started.
        item_id: The agenda item the timer was last set from, if any.
    """

    status: TimerStatus = TimerStatus.IDLE
    duration: float = 0.0
    remaining: float = 0.0
    since: float | None = None
    follow_agenda: bool = False
    item_id: str | None = None

    def remaining_at(self, now: float) -> float:
        """Seconds left at ``now`` (negative once time is up)."""
        if self.status is TimerStatus.RUNNING and self.since is not None:
            return self.remaining - (now - self.since)
        return self.remaining

    def control(
        self, action: TimerAction, now: float, seconds: float | None = None
    ) -> SessionTimer:
        """Applies a control action.

        Args:
            action: What to do.
            now: The current time (epoch seconds).
            seconds: For ``start``: the countdown length (``None``: restart with the
                current duration).

        Raises:
            DomainError: ``invalid_state`` for an action that makes no sense now
                (pause while not running, ...); ``invalid_value`` for a bad length.
        """
        if action is TimerAction.START:
            length = self.duration if seconds is None else seconds
            return self.started(length, now, self.item_id if seconds is None else None)
        if action is TimerAction.PAUSE:
            if self.status is not TimerStatus.RUNNING:
                raise DomainError(ErrorCode.INVALID_STATE, "the timer is not running")
            return dataclasses.replace(
                self, status=TimerStatus.PAUSED, remaining=self.remaining_at(now), since=None
            )
        if action is TimerAction.RESUME:
            if self.status is not TimerStatus.PAUSED:
                raise DomainError(ErrorCode.INVALID_STATE, "the timer is not paused")
            return dataclasses.replace(self, status=TimerStatus.RUNNING, since=now)
        if action is TimerAction.RESET:
            return dataclasses.replace(
                self, status=TimerStatus.IDLE, remaining=self.duration, since=None
            )
        # add a minute: to what is left (or to the length, when idle)
        if self.status is TimerStatus.IDLE:
            length = min(self.duration + 60, MAX_TIMER_SECONDS)
            return dataclasses.replace(self, duration=length, remaining=length)
        return dataclasses.replace(self, remaining=self.remaining + 60)

    def started(self, seconds: float, now: float, item_id: str | None) -> SessionTimer:
        """A running countdown of ``seconds`` from ``now``."""
        if not 1 <= seconds <= MAX_TIMER_SECONDS:
            raise DomainError(
                ErrorCode.INVALID_VALUE,
                f"a timer runs for 1 second to {MAX_TIMER_SECONDS // 3600} hours",
            )
        return dataclasses.replace(
            self,
            status=TimerStatus.RUNNING,
            duration=seconds,
            remaining=seconds,
            since=now,
            item_id=item_id,
        )

    def following(self, follow: bool) -> SessionTimer:
        """Turns following the agenda on or off."""
        return dataclasses.replace(self, follow_agenda=follow)
