"""REST: create sessions and issue invites (OpenAPI at /docs).

Creating a session needs an admin credential or a mentor credential an admin issued
(``open_creation`` lifts that for a demo); issuing invites needs the session's mentor."""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field, model_validator

from session_room.board import SessionBoard
from session_room.errors import DomainError
from session_room.ids import Identity, SessionId, new_identity, new_session_id
from session_room.roles import Role, SessionKind, capacity_for
from session_room.room import SessionSpec
from signaling.auth import InviteSigner
from signaling.backends.base import SessionStore
from signaling.protocol import MAX_NAME_CHARS
from signaling.rest.auth import Authorization, Creator, CreatorKind, RestAuth
from signaling.rest.short_links import issue_short_link
from signaling.settings import Settings
from signaling.worker.board_wire import board_document


class AgendaItemIn(BaseModel):
    """An agenda item prepared with the session."""

    title: str
    details: str = ""
    planned_minutes: int | None = None


class CreateSession(BaseModel):
    """A new mentoring session."""

    kind: SessionKind
    title: str = Field(min_length=1, max_length=120)
    capacity: int | None = Field(default=None, description="circles: 2..12 seats (default 12)")
    scheduled_start: datetime | None = Field(default=None, description="with a time zone")
    planned_minutes: int | None = Field(default=None, ge=5, le=600)
    mentor_name: str = Field(default="", max_length=MAX_NAME_CHARS)
    agenda: list[AgendaItemIn] = Field(default=[], description="an agenda prepared beforehand")

    @model_validator(mode="after")
    def _check(self) -> CreateSession:
        capacity_for(self.kind, self.capacity)
        if self.scheduled_start is not None and self.scheduled_start.tzinfo is None:
            raise ValueError("scheduled_start needs a time zone (e.g. 2026-11-22T15:00:00Z)")
        return self


class SessionOut(BaseModel):
    """A session as stored."""

    session_id: str
    kind: SessionKind
    title: str
    capacity: int
    created_at: datetime
    scheduled_start: datetime | None
    planned_minutes: int | None


class CreateInvite(BaseModel):
    """An invite for one person in one role."""

    role: Role
    display_name: str = Field(default="", max_length=MAX_NAME_CHARS)


class InviteOut(BaseModel):
    """A signed invite link, and the short link that stands for it."""

    role: Role
    identity: str
    display_name: str
    token: str
    url: str = Field(description="the full link, the token in its fragment")
    short_code: str = Field(description="the short link's code (revocable)")
    short_url: str = Field(description="the short link to share: /j/{short_code}")
    expires_at: datetime


class SessionCreated(BaseModel):
    """A new session and the mentor's own invite."""

    session: SessionOut
    mentor_invite: InviteOut


def _iso(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC)


def session_out(spec: SessionSpec) -> SessionOut:
    """The REST view of a session."""
    return SessionOut(
        session_id=spec.session_id,
        kind=spec.kind,
        title=spec.title,
        capacity=spec.capacity,
        created_at=datetime.fromtimestamp(spec.created_at, UTC),
        scheduled_start=_iso(spec.scheduled_start),
        planned_minutes=spec.planned_minutes,
    )


class Invites:
    """Issues signed invite links and records who was invited (progress needs it)."""

    def __init__(self, settings: Settings, store: SessionStore, signer: InviteSigner) -> None:
        self._settings = settings
        self._store = store
        self._signer = signer

    async def issue(self, request: Request, session_id: SessionId, role: Role, name: str,
                    by_admin: bool = False, identity: Identity | None = None) -> InviteOut:
        """Returns a new invite for one person, recorded (with its short link, which
        expires with it) before it is returned (``by_admin``: an administrator's
        observer invite, its name fixed; ``identity``: a known person of the program,
        so their sessions join up; else a fresh identity)."""
        who = identity or new_identity()
        ttl = self._settings.invite_ttl_minutes * 60
        token, expires = self._signer.issue(session_id, role, who, name, ttl, by_admin=by_admin)
        base = (self._settings.public_url or str(request.base_url)).rstrip("/")
        await self._store.save_invite(session_id, who, role, name)
        short = await issue_short_link(self._store, session_id, token, role, who, name, expires)
        return InviteOut(
            role=role,
            identity=who,
            display_name=name,
            token=token,
            url=f"{base}/s/{session_id}#token={token}",
            short_code=short.code,
            short_url=f"{base}/j/{short.code}",
            expires_at=datetime.fromtimestamp(expires, UTC),
        )


SignedIn = Callable[[Request], Awaitable[Creator | None]]
"""Who is signed in on this browser (the program's cookie sign-in), as a session creator:
a mentor or an admin person; ``None`` otherwise."""


def build_router(store: SessionStore, invites: Invites, auth: RestAuth,
                 signed_in: SignedIn | None = None) -> APIRouter:
    """Returns the ``/api`` routes bound to a store and the invite issuer (``signed_in``:
    a signed-in mentor may create sessions without a credential header)."""
    router = APIRouter(prefix="/api", tags=["sessions"])

    async def load(session_id: str) -> SessionSpec:
        spec = await store.load_session(SessionId(session_id))
        if spec is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "this session does not exist")
        return spec

    def mentor_of(session_id: str, authorization: Authorization = "") -> None:
        auth.mentor_or_admin(authorization, session_id, "only a mentor can invite people")

    async def session_creator(request: Request, authorization: Authorization = "") -> Creator:
        if not authorization and signed_in is not None:
            found = await signed_in(request)
            if found is not None:
                return found
        return await auth.session_creator(authorization)

    @router.post(
        "/sessions",
        status_code=status.HTTP_201_CREATED,
        responses={401: {"description": "no credential"},
                   403: {"description": "not an admin or (unrevoked) mentor credential"}},
    )
    async def create_session(
        body: CreateSession,
        request: Request,
        creator: Creator = Depends(session_creator),  # noqa: B008 (resolved before the body)
    ) -> SessionCreated:
        """Creates a session and returns it with the mentor's invite link.

        Needs ``Authorization: Bearer`` with an admin credential or a mentor credential
        (without ``mentor_name``, the mentor credential's name is the mentor's name);
        401 without one, 403 for any other token, an invite token included.
        """
        spec = SessionSpec(
            session_id=new_session_id(),
            kind=body.kind,
            title=body.title.strip(),
            capacity=capacity_for(body.kind, body.capacity),
            created_at=time.time(),
            scheduled_start=body.scheduled_start.timestamp() if body.scheduled_start else None,
            planned_minutes=body.planned_minutes,
        )
        board = SessionBoard(spec.kind)
        for item in body.agenda:
            try:
                board.agenda = board.agenda.add(item.title, item.details, item.planned_minutes)
            except DomainError as exc:
                raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, exc.message) from exc
        await store.save_session(spec)
        if body.agenda:
            await store.save_board(spec.session_id, board_document(board))
        name = body.mentor_name.strip()
        if not name and creator.kind is CreatorKind.MENTOR:
            name = creator.name[:MAX_NAME_CHARS]
        mentor = await invites.issue(request, spec.session_id, Role.MENTOR, name,
                                     identity=Identity(creator.person_id)
                                     if creator.person_id else None)
        return SessionCreated(session=session_out(spec), mentor_invite=mentor)

    @router.get("/sessions/{session_id}")
    async def get_session(session_id: str) -> SessionOut:
        """Returns a session's public details."""
        return session_out(await load(session_id))

    @router.post(
        "/sessions/{session_id}/invites",
        status_code=status.HTTP_201_CREATED,
        dependencies=[Depends(mentor_of)],
    )
    async def create_invite(session_id: str, body: CreateInvite, request: Request) -> InviteOut:
        """Issues an invite for one person (needs the session's mentor token)."""
        spec = await load(session_id)
        return await invites.issue(request, spec.session_id, body.role,
                                   body.display_name.strip())

    return router


def new_secret() -> str:
    """A fresh signing secret."""
    return secrets.token_urlsafe(48)
