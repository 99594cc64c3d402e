"""Counters incremented where things happen (kept apart from :mod:`signaling.admin.metrics`
so the socket layer can count without importing the session workers)."""

from __future__ import annotations

from prometheus_client import Counter

ERRORS = Counter("mentor_rooms_errors", "Error messages sent to clients, by error code",
                 ["code"], registry=None)
CLOSED_WITH_ERROR = Counter("mentor_rooms_closed_with_error",
                            "Sockets the server closed with a 44xx code, by code",
                            ["close_code"], registry=None)

DASHBOARD_PUSH = Counter("mentor_rooms_dashboard_push_seconds",
                         "Time spent building and queueing admin dashboard updates",
                         registry=None)

FIRST_ERROR_CLOSE = 4400


def count_error(code: str) -> None:
    """Counts one ``error`` message sent, by its stable code."""
    ERRORS.labels(code).inc()


def count_close(code: int) -> None:
    """Counts a close with a refusal code (44xx); normal closes are not errors."""
    if code >= FIRST_ERROR_CLOSE:
        CLOSED_WITH_ERROR.labels(str(code)).inc()
