"""REST for administrators: the live sessions (the dashboard's data), acting on them,
every session's title and times, sessions ended since a time, the audit log of admin
actions (with session titles), and mentor credentials (``signaling.rest.mentors``)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import datetime
from typing import Annotated

import httpx
from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from session_room.errors import DomainError, ErrorCode
from session_room.ids import ParticipantId, SessionId
from session_room.roles import Role
from signaling import protocol
from signaling.admin.audit import (
    AdminAction,
    AuditEntry,
    TitledAuditEntry,
    with_titles,
    write_audit,
)
from signaling.admin.monitor import LiveMonitor
from signaling.backends.base import SessionStore
from signaling.cluster.nodes import RedisCluster
from signaling.rest.auth import Authorization, RestAuth
from signaling.rest.mentors import build_mentors_router
from signaling.rest.sessions import Invites
from signaling.worker.attendance_log import attendance_report
from signaling.worker.inbox import AdminRequest
from signaling.worker.registry import SessionRegistry
from signaling.worker.service import SessionWorker

logger = logging.getLogger(__name__)

AUDIT_LIMIT = 500
ACT_TIMEOUT = 10.0
"""Seconds an admin request may wait for the session's worker."""


class RemoveBody(BaseModel):
    """Why a participant is removed; they see it."""

    reason: str = Field(default="", max_length=200)


class EndedSession(BaseModel):
    """A session that ended (nobody left in it), with its attendance in short."""

    session_id: str
    title: str
    kind: str
    actual_start: str | None
    actual_end: str | None
    length_seconds: float | None
    people: int
    ended_by_admin: bool
    attendance_page: str
    notes: str


class SessionOut(BaseModel):
    """A session as created: what the admin pages name it by."""

    session_id: str
    title: str
    kind: str
    created_at: float
    """Epoch seconds (UTC)."""
    scheduled_start: float | None
    """Epoch seconds (UTC), or ``None`` when it was not scheduled."""
    ended_at: float | None
    """When an administrator ended it (epoch seconds), or ``None``."""


class ObserverInvite(BaseModel):
    """An observer invite for the admin: everyone in the session sees them."""

    url: str
    token: str
    display_name: str


class NodeOut(BaseModel):
    """A node of the cluster (one, without Redis)."""

    node_id: str
    url: str
    load: int
    this_node: bool


def build_admin_router(store: SessionStore, auth: RestAuth, registry: SessionRegistry,
                       monitor: LiveMonitor, grace: float, invites: Invites,
                       cluster: RedisCluster | None = None) -> APIRouter:
    """Returns the ``/api/admin`` routes; every one needs an admin credential."""
    router = APIRouter(prefix="/api/admin", tags=["admin"])

    def admin(authorization: Authorization = "") -> str:
        return auth.require_admin(authorization)

    async def at_owner(session_id: str, request: Request) -> JSONResponse | None:
        """Several nodes: the owner of the session answers (this node forwards the
        request there); ``None`` when this node owns it."""
        if cluster is None:
            return None
        owner = await cluster.owner(SessionId(session_id))
        if owner == cluster.me:
            return None
        async with httpx.AsyncClient(timeout=ACT_TIMEOUT + 5) as http:
            reply = await http.post(f"{owner.url}{request.url.path}", content=await request.body(),
                                    headers={"Authorization": request.headers.get(
                                        "authorization", ""),
                                             "Content-Type": "application/json"})
        return JSONResponse(reply.json(), status_code=reply.status_code)

    @router.get("/nodes")
    async def nodes(_: str = Depends(admin)) -> list[NodeOut]:
        """The live nodes: a dashboard watches every one of them (``/ws/admin`` on each)."""
        if cluster is None:
            return [NodeOut(node_id="single", url="", load=0, this_node=True)]
        return [NodeOut(node_id=n.node_id, url=n.url, load=load,
                        this_node=n == cluster.me)
                for n, load in (await cluster.live_nodes()).values()]

    async def act(worker: SessionWorker | None, request: AdminRequest) -> AuditEntry:
        """Has the session's worker carry the request out (it also writes the audit entry,
        so nothing it does goes unlogged, even if this caller gives up waiting)."""
        if worker is None or not worker.submit(request):
            raise HTTPException(status.HTTP_409_CONFLICT, "this session is not live here")
        try:
            async with asyncio.timeout(ACT_TIMEOUT):
                return await asyncio.shield(request.result)
        except TimeoutError as exc:
            raise HTTPException(status.HTTP_504_GATEWAY_TIMEOUT,
                                "the session did not answer in time") from exc
        except DomainError as exc:
            code = (status.HTTP_404_NOT_FOUND if exc.code is ErrorCode.NOT_JOINED
                    else status.HTTP_409_CONFLICT)
            raise HTTPException(code, exc.message) from exc

    @router.get("/live")
    async def live_sessions(_: str = Depends(admin)) -> list[protocol.LiveSession]:
        """Every live session with its participants (what the dashboard shows)."""
        return monitor.live()

    @router.get("/live/{session_id}")
    async def live_session(session_id: str, _: str = Depends(admin)) -> protocol.LiveSession:
        """One live session."""
        worker = monitor.get(SessionId(session_id))
        if worker is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "this session is not live")
        return monitor.view(worker)

    @router.post("/sessions/{session_id}/end", response_model=AuditEntry)
    async def end_session(session_id: str, request: Request,
                          who: str = Depends(admin)) -> AuditEntry | JSONResponse:
        """Ends a session: everyone is disconnected with the reason, nobody may join again."""
        spec = await store.load_session(SessionId(session_id))
        if spec is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "this session does not exist")
        if spec.ended_at is not None:
            raise HTTPException(status.HTTP_409_CONFLICT, "this session has already ended")
        if (forwarded := await at_owner(session_id, request)) is not None:
            return forwarded
        # through the session's worker (started if need be), in order with any join
        return await act(registry.worker_for(spec), AdminRequest(AdminAction.END_SESSION, who))

    @router.post("/sessions/{session_id}/participants/{participant_id}/remove",
                 response_model=AuditEntry)
    async def remove_participant(session_id: str, participant_id: str, body: RemoveBody,
                                 request: Request,
                                 who: str = Depends(admin)) -> AuditEntry | JSONResponse:
        """Removes a participant; they see why, and may not rejoin while the session lives."""
        if (forwarded := await at_owner(session_id, request)) is not None:
            return forwarded
        return await act(monitor.get(SessionId(session_id)), AdminRequest(
            AdminAction.REMOVE_PARTICIPANT, who, ParticipantId(participant_id),
            body.reason.strip()))

    @router.post("/sessions/{session_id}/observe")
    async def observe(session_id: str, request: Request,
                      who: str = Depends(admin)) -> ObserverInvite:
        """An observer invite for the admin: in the call they are a visible observer."""
        spec = await store.load_session(SessionId(session_id))
        if spec is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "this session does not exist")
        name = f"{who} (admin)"
        invite = await invites.issue(request, spec.session_id, Role.OBSERVER, name,
                                     by_admin=True)
        await write_audit(store, who, AdminAction.JOIN_AS_OBSERVER, session_id,
                          display_name=name)
        return ObserverInvite(url=invite.url, token=invite.token, display_name=name)

    @router.get("/sessions")
    async def all_sessions(_: str = Depends(admin)) -> list[SessionOut]:
        """Every session with its title, kind and times, ordered by scheduled start (its
        creation time when it was not scheduled), oldest first: the progress charts name
        their bars with it."""
        specs = sorted(await store.list_sessions(),
                       key=lambda s: (s.scheduled_start or s.created_at, s.session_id))
        return [SessionOut(session_id=s.session_id, title=s.title, kind=s.kind.value,
                           created_at=s.created_at, scheduled_start=s.scheduled_start,
                           ended_at=s.ended_at) for s in specs]

    @router.get("/sessions/ended")
    async def ended_sessions(
        since: Annotated[float, Query(description="epoch seconds")] = 0.0,
        _: str = Depends(admin),
    ) -> list[EndedSession]:
        """Sessions with attendance that are not live and ended at or after ``since``
        (the dashboard passes local midnight: "ended today"), newest first."""
        out: list[EndedSession] = []
        now = time.time()
        attended = set(await store.attendance_sessions())
        for spec in await store.list_sessions():
            if spec.session_id not in attended or monitor.get(spec.session_id) is not None:
                continue
            report = await attendance_report(store, spec, now, grace)
            end = report["actual_end"]
            if end is None or datetime.fromisoformat(end).timestamp() < since:
                continue
            out.append(EndedSession(
                session_id=spec.session_id, title=spec.title, kind=spec.kind.value,
                actual_start=report["actual_start"], actual_end=end,
                length_seconds=report["length_seconds"], people=len(report["people"]),
                ended_by_admin=spec.ended_at is not None,
                attendance_page=f"/s/{spec.session_id}/attendance",
                notes=f"/api/sessions/{spec.session_id}/summary.md"))
        return sorted(out, key=lambda s: s.actual_end or "", reverse=True)

    @router.get("/actions")
    async def admin_actions(
        limit: Annotated[int, Query(ge=1, le=AUDIT_LIMIT)] = 100,
        _: str = Depends(admin),
    ) -> list[TitledAuditEntry]:
        """The audit log of admin actions, oldest first, each with its session's title
        (``session_title``: ``None`` for mentor credential actions and deleted sessions)."""
        entries = [AuditEntry.model_validate(json.loads(r))
                   for r in await store.list_admin_actions(limit)]
        return await with_titles(store, entries)

    router.include_router(build_mentors_router(store, auth))
    return router
