"""The program layer, assembled: its routers, its webhook service and its session hooks."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request

from session_room.program.people import ProgramRole
from signaling.backends.base import SessionStore
from signaling.program.calendar_api import build_calendar_router
from signaling.program.carry_over import CarryOver
from signaling.program.context import ProgramContext
from signaling.program.directory import Directory
from signaling.program.gate import Gate
from signaling.program.goals_api import build_goals_router
from signaling.program.home_api import build_home_router
from signaling.program.metrics_api import build_metrics_router
from signaling.program.notify import NullNotifier
from signaling.program.pairs_api import build_pairs_router
from signaling.program.people_api import build_people_router
from signaling.program.signin import SignIns
from signaling.program.threads_api import build_threads_router
from signaling.program.webhooks import Webhooks
from signaling.program.webhooks_api import build_webhooks_router
from signaling.rest.auth import Creator, CreatorKind, RestAuth
from signaling.rest.sessions import Invites
from signaling.settings import Settings
from signaling.worker.registry import SessionRegistry


class Program:
    """Owns the program layer of one node: call :meth:`start`, include :meth:`routers`,
    and :meth:`close` at shutdown."""

    def __init__(self, store: SessionStore, auth: RestAuth, invites: Invites,
                 settings: Settings, registry: SessionRegistry, web_client: Path) -> None:
        directory = Directory(store)
        signins = SignIns(store)
        self.ctx = ProgramContext(store, directory, signins, Gate(directory, signins, auth),
                                  auth, invites, settings, registry, NullNotifier(), web_client)
        self.webhooks = Webhooks(self.ctx)
        self.ctx.notifier = self.webhooks
        registry.notifier = self.webhooks  # goal changes made in a room
        self.carry_over = CarryOver(self.ctx)
        registry.hooks.extend([self.webhooks, self.carry_over])

    async def signed_in_creator(self, request: Request) -> Creator | None:
        """The signed-in mentor or admin person of this browser, as a session creator
        (a mentor's personal sign-in stands for the mentor credential); else ``None``."""
        actor = await self.ctx.gate.optional_actor(request)
        if actor is None or actor.person is None:
            return None
        if actor.person.role is ProgramRole.MENTOR:
            return Creator(CreatorKind.MENTOR, actor.person.name, person_id=actor.person_id)
        if actor.person.role is ProgramRole.ADMIN:
            return Creator(CreatorKind.ADMIN, actor.person.name, person_id=actor.person_id)
        return None

    def routers(self) -> list[APIRouter]:
        """Every program router."""
        ctx = self.ctx
        return [
            build_people_router(ctx.gate, ctx.signins, ctx.settings.public_url,
                                str(ctx.web_client)),
            build_pairs_router(ctx), build_calendar_router(ctx), build_goals_router(ctx),
            build_threads_router(ctx), build_home_router(ctx), build_metrics_router(ctx),
            build_webhooks_router(ctx),
        ]

    async def start(self) -> None:
        """Starts the webhook deliveries."""
        await self.webhooks.start()

    async def close(self) -> None:
        """Stops deliveries and waits for carry-overs in flight."""
        await self.webhooks.close()
        await self.carry_over.close()
