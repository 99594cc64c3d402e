"""Webhooks: signed, at-least-once delivery of program events from a durable queue."""

from __future__ import annotations

from typing import Any

from session_room.room import SessionSpec
from signaling.program.context import ProgramContext
from signaling.program.notify import WebhookEvent


class Webhooks:
    """Takes program events (a :class:`Notifier`) and session hooks; delivers them (to be
    built)."""

    def __init__(self, ctx: ProgramContext) -> None:
        self._ctx = ctx

    def notify(self, event: WebhookEvent, data: dict[str, Any]) -> None:
        """Queues an event (to be built)."""

    def session_started(self, spec: SessionSpec, at: float) -> None:
        """Hook (to be built)."""

    def session_stopped(self, spec: SessionSpec, started_at: float | None,
                        ended_at: float | None) -> None:
        """Hook (to be built)."""

    async def start(self) -> None:
        """Starts delivering (to be built)."""

    async def close(self) -> None:
        """Stops delivering (to be built)."""
