"""The program's metrics for admins (REST, CSV)."""

from __future__ import annotations

from fastapi import APIRouter

from signaling.program.context import ProgramContext


def build_metrics_router(ctx: ProgramContext) -> APIRouter:
    """Returns the routes (to be built)."""
    return APIRouter()
