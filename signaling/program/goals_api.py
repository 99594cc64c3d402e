"""SMART goals of a pair (REST) and their history."""

from __future__ import annotations

from fastapi import APIRouter

from signaling.program.context import ProgramContext


def build_goals_router(ctx: ProgramContext) -> APIRouter:
    """Returns the routes (to be built)."""
    return APIRouter()
