"""Pairs and circles, their cadence and sessions (REST), and /join/{session_id}."""

from __future__ import annotations

from fastapi import APIRouter

from signaling.program.context import ProgramContext


def build_pairs_router(ctx: ProgramContext) -> APIRouter:
    """Returns the routes (to be built)."""
    return APIRouter()
