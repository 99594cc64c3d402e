"""A pair's message thread between sessions (REST)."""

from __future__ import annotations

from fastapi import APIRouter

from signaling.program.context import ProgramContext


def build_threads_router(ctx: ProgramContext) -> APIRouter:
    """Returns the routes (to be built)."""
    return APIRouter()
