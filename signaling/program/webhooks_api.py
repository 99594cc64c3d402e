"""Webhook registration and the delivery log (REST, admin page)."""

from __future__ import annotations

from fastapi import APIRouter

from signaling.program.context import ProgramContext


def build_webhooks_router(ctx: ProgramContext) -> APIRouter:
    """Returns the routes (to be built)."""
    return APIRouter()
