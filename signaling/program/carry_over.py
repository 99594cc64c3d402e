"""From one session to the next: next steps and unfinished agenda items of a pair's
session become suggestions on its next session's agenda."""

from __future__ import annotations

from session_room.room import SessionSpec
from signaling.program.context import ProgramContext


class CarryOver:
    """A session hook: when a pair's session stops, carries its agenda over (to be
    built)."""

    def __init__(self, ctx: ProgramContext) -> None:
        self._ctx = ctx

    def session_started(self, spec: SessionSpec, at: float) -> None:
        """Nothing to do when a session starts."""

    def session_stopped(self, spec: SessionSpec, started_at: float | None,
                        ended_at: float | None) -> None:
        """Carries the agenda over (to be built)."""

    async def close(self) -> None:
        """Waits for carry-overs in flight (to be built)."""
