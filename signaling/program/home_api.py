"""The home page (``/me``) and what it shows (REST).

``GET /api/me/home`` gathers, for one person, their upcoming and past sessions, their
goals, their progress (the numbers and series the page charts), their pairs with the
thread's new messages, and (for a mentor) their mentees' numbers, for an admin everyone's.
A mentor may ask for one of their mentees (``?person_id=``), an admin for anyone; any
other person gets 404, as if nobody had that id.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.responses import FileResponse, PlainTextResponse, Response

from session_room.board import SessionBoard
from session_room.chat import HISTORY
from session_room.ids import SessionId
from session_room.notes import SharedNotes
from session_room.program.goals import Goal
from session_room.program.metrics import ended, goals_by_status, person_progress, unread
from session_room.program.pairs import Occurrence, OccurrenceStatus, Pair
from session_room.program.people import Person, ProgramRole
from signaling.program.context import ProgramContext
from signaling.program.gate import Actor
from signaling.program.metrics_api import feedback_points, iso, presence
from signaling.rest.board import render_markdown
from signaling.worker.board_wire import restore_board

SEEN_KIND = "thread_seen"
LIVE_EARLY_SECONDS = 10 * 60
"""The join button turns live this long before the start."""
EXCERPT_CHARS = 300
PAST_LIMIT = 50


def seen_key(person_id: str, pair_id: str) -> str:
    """The record key of when ``person_id`` last opened ``pair_id``'s thread."""
    return f"{person_id}:{pair_id}"


def person_json(person: Person) -> dict[str, Any]:
    """A person as the home page shows them."""
    return {"person_id": person.person_id, "name": person.name, "role": person.role.value,
            "email": person.email, "time_zone": person.time_zone}


def goal_json(goal: Goal, names: dict[str, str]) -> dict[str, Any]:
    """A goal in the GoalOut shape of the goals routes."""
    return {"goal_id": goal.goal_id, "pair_id": goal.pair_id, "mentee_id": goal.mentee_id,
            "mentee_name": names.get(goal.mentee_id, ""), "title": goal.title,
            "measure": goal.measure, "target_date": goal.target_date,
            "status": goal.status.value, "progress": goal.progress, "version": goal.version,
            "updated_at": iso(goal.updated_at)}


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The first ``limit`` characters of ``text`` (whitespace folded), cut at a word."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def build_home_router(ctx: ProgramContext) -> APIRouter:
    """Returns ``GET /me`` (the page), ``GET /api/me/home``,
    ``POST /api/pairs/{pair_id}/thread/seen`` and
    ``GET /api/me/sessions/{session_id}/summary.md``."""
    router = APIRouter(tags=["home"])
    directory = ctx.directory

    @router.get("/me", include_in_schema=False)
    async def page() -> FileResponse:
        """The home page (it shows a sign-in hint when nobody is signed in)."""
        return FileResponse(ctx.web_client / "me.html", headers={"Cache-Control": "no-store"})

    async def subject(actor: Actor, person_id: str | None) -> Person:
        if person_id is None or person_id == actor.person_id:
            if actor.person is None:
                raise HTTPException(status.HTTP_404_NOT_FOUND,
                                    "an admin credential is nobody's home: pass person_id")
            return actor.person
        return await ctx.gate.person_for(actor, person_id)

    async def notes_excerpt(session_id: str) -> str:
        try:
            return excerpt(SharedNotes(await ctx.store.load_notes(SessionId(session_id))).text())
        except Exception:  # a damaged notes log must not break the home page
            return ""

    async def pair_row(pair: Pair, person: Person, names: dict[str, str]) -> dict[str, Any]:
        thread = await directory.thread(pair.pair_id)
        raw = await ctx.store.get_record(SEEN_KIND, seen_key(person.person_id, pair.pair_id))
        seen_at = float(json.loads(raw)["at"]) if raw else 0.0
        last = thread[-1] if thread else None
        return {
            "pair_id": pair.pair_id, "title": pair.title, "kind": pair.kind.value,
            "mentor": {"person_id": pair.mentor_id, "name": names.get(pair.mentor_id, "")},
            "mentees": [{"person_id": m, "name": names.get(m, "")} for m in pair.mentee_ids],
            "new_messages": unread(((m.author_id, m.at) for m in thread), person.person_id,
                                   seen_at),
            "last_message": None if last is None else {
                "message_id": last.message_id, "author_id": last.author_id,
                "author_name": last.author_name, "text": last.text, "at": iso(last.at),
                "session_id": last.session_id},
        }

    async def summary_of(person: Person, names: dict[str, str], now: float) -> dict[str, Any]:
        pairs = await directory.pairs(person.person_id)
        occs = [o for p in pairs for o in await directory.occurrences(p.pair_id)]
        present = await presence(ctx, [o.session_id for o in occs if ended(o, now)], now)
        numbers = person_progress(person.person_id, occs, present, now)
        goals = await directory.goals(mentee_id=person.person_id)
        return {**person_json(person), "home_url": f"/me?person_id={person.person_id}",
                "sessions_attended": numbers.sessions_attended,
                "sessions_scheduled": numbers.sessions_scheduled, "minutes": numbers.minutes,
                "goals": len(goals), "goals_by_status": goals_by_status(goals),
                "pairs": [p.pair_id for p in pairs]}

    async def others(person: Person) -> list[Person]:
        if person.role is ProgramRole.ADMIN:
            return [p for p in await directory.people() if p.person_id != person.person_id]
        if person.role is not ProgramRole.MENTOR:
            return []
        ids = await ctx.gate.mentees_of(Actor(person))
        return [p for p in await directory.people() if p.person_id in ids]

    @router.get("/api/me/home")
    async def home(person_id: str | None = None,
                   actor: Actor = Depends(ctx.gate.actor),  # noqa: B008
                   ) -> dict[str, Any]:
        """Everything the home page shows for the caller (or, with ``person_id``, for a
        mentee of the calling mentor, or anyone for an admin; else 404)."""
        person = await subject(actor, person_id)
        now = time.time()
        names: dict[str, str] = {p.person_id: p.name for p in await directory.people()}
        pairs = await directory.pairs(person.person_id)
        titles = {p.pair_id: p.title for p in pairs}
        occs: list[Occurrence] = [o for p in pairs for o in await directory.occurrences(p.pair_id)]
        scheduled = [o for o in occs if o.status is OccurrenceStatus.SCHEDULED]
        coming = sorted((o for o in scheduled if not ended(o, now)), key=lambda o: o.start)
        over = sorted((o for o in scheduled if ended(o, now)), key=lambda o: -o.start)
        present = await presence(ctx, [o.session_id for o in over], now)
        me = person.person_id
        past = []
        for occ in over[:PAST_LIMIT]:
            seconds = present.get(occ.session_id, {}).get(me)
            past.append({
                "session_id": occ.session_id, "pair_id": occ.pair_id,
                "title": titles.get(occ.pair_id, ""), "start": iso(occ.start),
                "minutes": occ.minutes, "attended": seconds is not None,
                "attended_minutes": round((seconds or 0.0) / 60, 1),
                "notes_excerpt": await notes_excerpt(occ.session_id),
                "summary_url": f"/api/me/sessions/{occ.session_id}/summary.md"})
        if person.role is ProgramRole.MENTEE:
            goals = await directory.goals(mentee_id=me)
        else:
            goals = [g for p in pairs for g in await directory.goals(pair_id=p.pair_id)]
        numbers = person_progress(me, scheduled, present, now)
        return {
            "person": person_json(person),
            "viewer": {"person_id": actor.person_id, "name": actor.name,
                       "is_admin": actor.is_admin, "is_self": actor.person_id == me},
            "upcoming": [{
                "session_id": o.session_id, "pair_id": o.pair_id,
                "title": titles.get(o.pair_id, ""), "start": iso(o.start), "minutes": o.minutes,
                "join_url": f"/join/{o.session_id}",
                "ics_url": f"/api/sessions/{o.session_id}/calendar.ics",
                "live_from": iso(o.start - LIVE_EARLY_SECONDS)} for o in coming],
            "past": past,
            "goals": [goal_json(g, names) for g in goals],
            "progress": {
                "sessions_attended": numbers.sessions_attended,
                "sessions_scheduled": numbers.sessions_scheduled, "minutes": numbers.minutes,
                "minutes_per_month": [asdict(m) for m in numbers.minutes_per_month],
                "goals_by_status": goals_by_status(goals),
                "feedback": await feedback_points(ctx, over)},
            "pairs": [await pair_row(p, person, names) for p in pairs],
            "mentees": [await summary_of(p, names, now) for p in await others(person)],
        }

    @router.post("/api/pairs/{pair_id}/thread/seen", status_code=status.HTTP_204_NO_CONTENT)
    async def thread_seen(pair_id: str,
                          actor: Actor = Depends(ctx.gate.actor)) -> Response:  # noqa: B008
        """Records that the caller has read the pair's thread up to now (its new-message
        count on the home page drops to zero)."""
        pair = await ctx.gate.pair_for(actor, pair_id)
        if actor.person is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "an admin credential has no inbox")
        await ctx.store.put_record(SEEN_KIND, seen_key(actor.person_id, pair.pair_id),
                                   json.dumps({"at": time.time()}))
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @router.get("/api/me/sessions/{session_id}/summary.md", response_class=PlainTextResponse,
                responses={200: {"content": {"text/markdown": {}}}})
    async def summary(session_id: str,
                      actor: Actor = Depends(ctx.gate.actor)) -> PlainTextResponse:  # noqa: B008
        """The agenda, outcomes and notes of one of the caller's pair sessions (Markdown;
        members of the pair and admins; else 404)."""
        occ = await directory.occurrence(session_id)
        if occ is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such session")
        await ctx.gate.pair_for(actor, occ.pair_id)
        sid = SessionId(session_id)
        spec = await ctx.store.load_session(sid)
        if spec is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "this session does not exist")
        board: SessionBoard = restore_board(spec.kind, await ctx.store.load_board(sid),
                                            await ctx.store.load_chat(sid, HISTORY),
                                            await ctx.store.load_notes(sid))
        return PlainTextResponse(
            render_markdown(spec, board, time.time()),
            media_type="text/markdown; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{session_id}-summary.md"'})

    return router
