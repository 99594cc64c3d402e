"""iCalendar (RFC 5545) downloads of a session and a series."""

from __future__ import annotations

from fastapi import APIRouter

from signaling.program.context import ProgramContext


def build_calendar_router(ctx: ProgramContext) -> APIRouter:
    """Returns the routes (to be built)."""
    return APIRouter()
