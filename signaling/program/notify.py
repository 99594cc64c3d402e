"""What the program tells the outside world (webhooks), and the hooks a session's life
offers the program (started, stopped)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Protocol

from session_room.room import SessionSpec


class WebhookEvent(StrEnum):
    """The events a webhook can subscribe to (the ``event`` field of every delivery)."""

    SESSION_STARTED = "session.started"
    SESSION_ENDED = "session.ended"
    ATTENDANCE_FINALISED = "attendance.finalised"
    FEEDBACK_SUBMITTED = "feedback.submitted"
    GOAL_STATUS_CHANGED = "goal.status_changed"


class Notifier(Protocol):
    """Takes program events for delivery. ``notify`` never blocks and never raises: the
    implementation stores the event durably on a task it owns."""

    def notify(self, event: WebhookEvent, data: dict[str, Any]) -> None:
        """Queues ``event`` with its JSON-serialisable ``data``."""


class NullNotifier:
    """Drops every event (no webhooks configured, unit tests)."""

    def notify(self, event: WebhookEvent, data: dict[str, Any]) -> None:
        """Drops the event."""


class SessionHooks(Protocol):
    """Told about live sessions by the registry; must not block (spawn an owned task)."""

    def session_started(self, spec: SessionSpec, at: float) -> None:
        """The first participant joined a live session on this node."""

    def session_stopped(self, spec: SessionSpec, started_at: float | None,
                        ended_at: float | None) -> None:
        """A session's worker stopped (idle, ended, or the node shut down); its attendance
        intervals are closed. ``started_at`` is ``None`` if nobody joined; ``ended_at``
        is set if a mentor or an admin ended the session."""
