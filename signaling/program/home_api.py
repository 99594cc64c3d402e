"""The home page (/me) and what it shows (REST)."""

from __future__ import annotations

from fastapi import APIRouter

from signaling.program.context import ProgramContext


def build_home_router(ctx: ProgramContext) -> APIRouter:
    """Returns the routes (to be built)."""
    return APIRouter()
