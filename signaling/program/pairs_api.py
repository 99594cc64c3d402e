"""Pairs and circles, their cadence and sessions (REST), and ``/join/{session_id}``.

An admin creates any pair or circle; a signed-in mentor creates their own, with mentees
they may manage. A cadence schedules the sessions ahead of time: each is stored (pair
first, then per session its ``SessionSpec``, its occurrence, and an invite for every
member tied to their person id) before the answer. The occurrence record is the truth of
the schedule: rescheduling or cancelling one bumps its iCalendar ``SEQUENCE``."""

from __future__ import annotations

import dataclasses
import html
import time
from datetime import UTC, datetime
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from pydantic import AwareDatetime, BaseModel, Field

from session_room.errors import DomainError
from session_room.ids import Identity, SessionId, new_session_id
from session_room.program.cadence import check_minutes, session_starts
from session_room.program.pairs import (
    Cadence,
    Occurrence,
    OccurrenceStatus,
    Pair,
    PairKind,
    Weekday,
    new_pair_id,
)
from session_room.program.people import Person, ProgramRole
from session_room.roles import Role, SessionKind, capacity_for
from session_room.room import SessionSpec
from signaling.program.context import ProgramContext
from signaling.program.gate import Actor
from signaling.protocol import MAX_NAME_CHARS

MAX_CIRCLE_MENTEES = 11
UID_DOMAIN = "mentor-rooms"


class CadenceIn(BaseModel):
    """How often a pair meets (checked by :mod:`session_room.program.cadence`)."""

    every_weeks: int = Field(description="1..8")
    weekday: Weekday
    time: str = Field(max_length=5, description="local HH:MM (24 h)")
    minutes: int = Field(description="15..240")
    count: int = Field(description="sessions planned, 1..52")
    time_zone: str = Field(default="UTC", max_length=64, description="IANA zone")
    starts_on: str = Field(max_length=10, description="YYYY-MM-DD")


class CreatePair(BaseModel):
    """A new pair (one mentee) or circle (2..11 mentees)."""

    kind: PairKind
    mentor_id: str = Field(max_length=64)
    mentee_ids: list[str] = Field(min_length=1, max_length=MAX_CIRCLE_MENTEES)
    title: str = Field(default="", max_length=120)
    cadence: CadenceIn | None = None


class AddSession(BaseModel):
    """A one-off session of a pair."""

    start: AwareDatetime
    minutes: int = 60


class ChangeSession(BaseModel):
    """A reschedule (start, minutes) or a status change of one occurrence."""

    start: AwareDatetime | None = None
    minutes: int | None = None
    status: Literal["scheduled", "cancelled"] | None = None


class PersonRef(BaseModel):
    """A member of a pair."""

    person_id: str
    name: str


class OccurrenceOut(BaseModel):
    """One session of a pair."""

    session_id: str
    pair_id: str
    index: int
    title: str
    start: datetime
    minutes: int
    status: OccurrenceStatus
    sequence: int
    join_url: str
    ics_url: str


class PairOut(BaseModel):
    """A pair or circle with its sessions (by start)."""

    pair_id: str
    kind: PairKind
    title: str
    mentor: PersonRef
    mentees: list[PersonRef]
    cadence: CadenceIn | None
    created_at: datetime
    sessions: list[OccurrenceOut]


def utc(ts: float) -> datetime:
    """Epoch seconds as an aware UTC datetime."""
    return datetime.fromtimestamp(ts, UTC)


def occurrence_out(pair: Pair, occurrence: Occurrence) -> OccurrenceOut:
    """The REST view of an occurrence."""
    sid = occurrence.session_id
    return OccurrenceOut(session_id=sid, pair_id=pair.pair_id, index=occurrence.index,
                         title=pair.title, start=utc(occurrence.start),
                         minutes=occurrence.minutes, status=occurrence.status,
                         sequence=occurrence.sequence, join_url=f"/join/{sid}",
                         ics_url=f"/api/sessions/{sid}/calendar.ics")


def unprocessable(message: str) -> HTTPException:
    """A 422 with ``message`` as its detail."""
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, message)


def page(title: str, text: str, code: int) -> HTMLResponse:
    """A small static page in the site's style (constant text only, escaped)."""
    body = (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)} · Mentor Rooms</title>"
            f'<link rel="stylesheet" href="/static/style.css"></head><body>'
            f'<main class="page"><section class="card"><h1>{html.escape(title)}</h1>'
            f'<p>{html.escape(text)}</p><p><a href="/me">Go to your home page</a></p>'
            f"</section></main></body></html>")
    return HTMLResponse(body, status_code=code)


def build_pairs_router(ctx: ProgramContext) -> APIRouter:
    """Returns the pair routes and the ``/join/{session_id}`` page route."""
    router = APIRouter(tags=["pairs"])
    directory, gate = ctx.directory, ctx.gate

    async def members_of(pair: Pair) -> tuple[Person, list[Person]]:
        mentor = await directory.person(pair.mentor_id)
        mentees = [await directory.person(m) for m in pair.mentee_ids]
        if mentor is None or any(m is None for m in mentees):
            raise HTTPException(status.HTTP_409_CONFLICT, "a member of this pair is missing")
        return mentor, [m for m in mentees if m is not None]

    async def pair_out(pair: Pair) -> PairOut:
        mentor, mentees = await members_of(pair)
        cadence = None if pair.cadence is None else CadenceIn(**dataclasses.asdict(pair.cadence))
        return PairOut(pair_id=pair.pair_id, kind=pair.kind, title=pair.title,
                       mentor=PersonRef(person_id=mentor.person_id, name=mentor.name),
                       mentees=[PersonRef(person_id=m.person_id, name=m.name) for m in mentees],
                       cadence=cadence, created_at=utc(pair.created_at),
                       sessions=[occurrence_out(pair, o)
                                 for o in await directory.occurrences(pair.pair_id)])

    async def check_members(actor: Actor, body: CreatePair) -> tuple[Person, list[Person]]:
        if not actor.is_admin and body.mentor_id != actor.person_id:
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                "a mentor creates pairs where they are the mentor")
        mentor = await directory.person(body.mentor_id)
        if mentor is None or mentor.role is not ProgramRole.MENTOR:
            raise unprocessable("mentor_id must be a person whose role is mentor")
        if len(set(body.mentee_ids)) != len(body.mentee_ids):
            raise unprocessable("a mentee is named twice")
        wanted = (1, 1) if body.kind is PairKind.PAIR else (2, MAX_CIRCLE_MENTEES)
        if not wanted[0] <= len(body.mentee_ids) <= wanted[1]:
            raise unprocessable("a pair has exactly one mentee" if body.kind is PairKind.PAIR
                                else f"a circle has 2 to {MAX_CIRCLE_MENTEES} mentees")
        mentees = []
        manages = await gate.manages(actor)
        for mentee_id in body.mentee_ids:
            mentee = await directory.person(mentee_id)
            if mentee is None or mentee.role is not ProgramRole.MENTEE:
                raise unprocessable(f"{mentee_id!r} is not a mentee of the program")
            if not manages(mentee):
                raise HTTPException(status.HTTP_403_FORBIDDEN,
                                    f"{mentee.name} is not one of your mentees")
            mentees.append(mentee)
        return mentor, mentees

    async def schedule(request: Request, pair: Pair, index: int, start: float,
                       minutes: int) -> Occurrence:
        """Stores one session of ``pair`` (spec, occurrence, one invite per member)."""
        mentor, mentees = await members_of(pair)
        kind = SessionKind.ONE_ON_ONE if pair.kind is PairKind.PAIR else SessionKind.CIRCLE
        capacity = capacity_for(kind, None if kind is SessionKind.ONE_ON_ONE
                                else 1 + len(mentees))
        spec = SessionSpec(session_id=new_session_id(), kind=kind, title=pair.title,
                           capacity=capacity, created_at=time.time(), scheduled_start=start,
                           planned_minutes=minutes)
        await ctx.store.save_session(spec)
        occurrence = Occurrence(spec.session_id, pair.pair_id, index, start, minutes,
                                uid=f"{spec.session_id}@{UID_DOMAIN}")
        await directory.save_occurrence(occurrence)
        for person, role in [(mentor, Role.MENTOR), *((m, Role.MENTEE) for m in mentees)]:
            await ctx.invites.issue(request, spec.session_id, role,
                                    person.name[:MAX_NAME_CHARS],
                                    identity=Identity(person.person_id))
        return occurrence

    async def managed_pair(actor: Actor, pair_id: str) -> Pair:
        pair = await gate.pair_for(actor, pair_id)
        if not actor.is_admin and actor.person_id != pair.mentor_id:
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                "only the pair's mentor or an admin changes its sessions")
        return pair

    @router.post("/api/pairs", status_code=status.HTTP_201_CREATED)
    async def create_pair(body: CreatePair, request: Request,
                          actor: Actor = Depends(gate.mentor_or_admin)) -> PairOut:  # noqa: B008
        """Creates a pair or circle; with a cadence, its sessions (and every member's
        invites) are created ahead of time. 403: a mentee, or a mentor naming another
        mentor or a mentee they do not manage; 422: bad members or cadence."""
        mentor, mentees = await check_members(actor, body)
        cadence = None if body.cadence is None else Cadence(**body.cadence.model_dump())
        try:
            starts = [] if cadence is None else session_starts(cadence)
        except DomainError as exc:
            raise unprocessable(exc.message) from exc
        title = body.title.strip() or (f"{mentor.name} & {mentees[0].name}"
                                       if body.kind is PairKind.PAIR
                                       else f"{mentor.name}'s circle")
        pair = Pair(new_pair_id(), body.kind, title, mentor.person_id,
                    tuple(m.person_id for m in mentees), time.time(), actor.person_id, cadence)
        await directory.save_pair(pair)
        minutes = 0 if cadence is None else cadence.minutes
        for index, start in enumerate(starts):
            await schedule(request, pair, index, start, minutes)
        return await pair_out(pair)

    @router.get("/api/pairs")
    async def list_pairs(actor: Actor = Depends(gate.actor)) -> list[PairOut]:  # noqa: B008
        """The caller's pairs (an admin: every pair), oldest first."""
        pairs = await directory.pairs(None if actor.is_admin else actor.person_id)
        return [await pair_out(p) for p in pairs]

    @router.get("/api/pairs/{pair_id}")
    async def get_pair(pair_id: str, actor: Actor = Depends(gate.actor)) -> PairOut:  # noqa: B008
        """A pair the caller belongs to (404 for anyone else but an admin)."""
        return await pair_out(await gate.pair_for(actor, pair_id))

    @router.post("/api/pairs/{pair_id}/sessions", status_code=status.HTTP_201_CREATED)
    async def add_session(pair_id: str, body: AddSession, request: Request,
                          actor: Actor = Depends(gate.actor)) -> OccurrenceOut:  # noqa: B008
        """Adds a one-off session to a pair (its mentor or an admin)."""
        pair = await managed_pair(actor, pair_id)
        try:
            minutes = check_minutes(body.minutes)
        except DomainError as exc:
            raise unprocessable(exc.message) from exc
        index = 1 + max((o.index for o in await directory.occurrences(pair.pair_id)),
                        default=-1)
        occurrence = await schedule(request, pair, index, body.start.timestamp(), minutes)
        return occurrence_out(pair, occurrence)

    @router.patch("/api/pairs/{pair_id}/sessions/{session_id}")
    async def change_session(pair_id: str, session_id: str, body: ChangeSession,
                             actor: Actor = Depends(gate.actor)  # noqa: B008
                             ) -> OccurrenceOut:
        """Reschedules (start, minutes), cancels or reinstates one session; every change
        bumps its SEQUENCE (its UID stays). The occurrence is the schedule's truth."""
        pair = await managed_pair(actor, pair_id)
        found = await directory.occurrence(session_id)
        if found is None or found.pair_id != pair.pair_id:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such session in this pair")
        try:
            minutes = found.minutes if body.minutes is None else check_minutes(body.minutes)
        except DomainError as exc:
            raise unprocessable(exc.message) from exc
        changed = dataclasses.replace(
            found, minutes=minutes,
            start=found.start if body.start is None else body.start.timestamp(),
            status=found.status if body.status is None else OccurrenceStatus(body.status))
        if changed != found:
            changed = dataclasses.replace(changed, sequence=found.sequence + 1)
            await directory.save_occurrence(changed)
            spec = await ctx.store.load_session(SessionId(session_id))
            if spec is not None:  # the room and progress read the session's own times
                await ctx.store.save_session(dataclasses.replace(
                    spec, scheduled_start=changed.start, planned_minutes=changed.minutes))
        return occurrence_out(pair, changed)

    @router.get("/join/{session_id}", include_in_schema=False, response_model=None)
    async def join(session_id: str, request: Request,
                   actor: Actor | None = Depends(gate.optional_actor)  # noqa: B008
                   ) -> Response:
        """A pair member's own way into a session: a fresh invite tied to them, then the
        room (303 to ``/s/{id}#token=...``). 401 page: nobody signed in; 404: not a
        member; 410: the session was cancelled."""
        if actor is None:
            return FileResponse(ctx.web_client / "join_signin.html",
                                status_code=status.HTTP_401_UNAUTHORIZED)
        occurrence = await directory.occurrence(session_id)
        pair = None if occurrence is None else await directory.pair(occurrence.pair_id)
        if occurrence is None or pair is None or not (
                actor.is_admin or actor.person_id in pair.members()):
            return page("No such session", "This link is not for a session of yours. Check "
                        "that you opened your own sign-in link on this browser.", 404)
        if occurrence.status is OccurrenceStatus.CANCELLED:
            return page("This session was cancelled", "Your mentor or the program cancelled "
                        "this session. Your home page lists the next ones.", 410)
        if actor.person_id == pair.mentor_id:
            role, by_admin, name = Role.MENTOR, False, actor.name
        elif actor.person_id in pair.mentee_ids:
            role, by_admin, name = Role.MENTEE, False, actor.name
        else:
            role, by_admin, name = Role.OBSERVER, True, f"{actor.name} (admin)"
        invite = await ctx.invites.issue(
            request, SessionId(session_id), role, name[:MAX_NAME_CHARS], by_admin=by_admin,
            identity=Identity(actor.person_id) if actor.person_id else None)
        return RedirectResponse(f"/s/{session_id}#token={invite.token}",
                                status_code=status.HTTP_303_SEE_OTHER)

    return router
