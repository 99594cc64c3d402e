"""REST: the room's "last session": for a session of a pair, the pair's previous session
that was held, with its notes summary and next steps.

Authorised by the invite token of the session the caller is in (its identity must be a
member of the pair) or by an admin credential. Included by the threads router (paths
here are relative to its ``/api`` prefix)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Response, status
from pydantic import BaseModel

from session_room.chat import HISTORY
from session_room.ids import SessionId
from session_room.program.carry_over import next_steps
from session_room.program.pairs import Occurrence
from signaling.program.context import ProgramContext
from signaling.rest.auth import Authorization
from signaling.rest.board import render_markdown
from signaling.worker.board_wire import restore_board


def iso(ts: float) -> str:
    """Epoch seconds as ISO-8601 UTC (``...Z``)."""
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")




class PreviousSessionOut(BaseModel):
    """The pair's previous session that was held.

    Attributes:
        session_id: Its id.
        title: Its title.
        start: Its (possibly rescheduled) start, ISO-8601 UTC.
        notes_markdown: Its summary (agenda with outcomes, then the notes) as Markdown:
            show it as text.
        next_steps: The titles of the items marked as next steps.
        summary_url: Where its summary downloads (with that session's token or an admin
            credential).
    """

    session_id: str
    title: str
    start: str
    notes_markdown: str
    next_steps: list[str]
    summary_url: str


async def previous_held(ctx: ProgramContext, occurrence: Occurrence) -> Occurrence | None:
    """The latest occurrence of the pair before ``occurrence`` that was held (somebody
    joined: it has attendance entries), or ``None``."""
    earlier = [o for o in await ctx.directory.occurrences(occurrence.pair_id)
               if o.session_id != occurrence.session_id
               and (o.start, o.index) < (occurrence.start, occurrence.index)]
    for candidate in reversed(earlier):
        if await ctx.store.load_attendance(SessionId(candidate.session_id)):
            return candidate
    return None


def build_previous_router(ctx: ProgramContext) -> APIRouter:
    """Returns ``GET /sessions/{session_id}/previous`` (to include under ``/api``)."""
    router = APIRouter(tags=["threads"])

    @router.get("/sessions/{session_id}/previous", response_model=PreviousSessionOut,
                responses={204: {"description": "not a pair's session, or none held before"}})
    async def previous_session(session_id: str, authorization: Authorization = ""
                               ) -> PreviousSessionOut | Response:
        """The pair's previous held session; 204 (nothing to show: every room asks) when
        the session is not a pair's or the pair held no session before it.

        Raises:
            HTTPException: 401 without a token; 403 for a token of another session or an
                identity outside the pair.
        """
        token = ctx.auth.token(authorization)
        identity = None if ctx.auth.is_admin(token) else ctx.auth.invite(token, session_id)
        occurrence = await ctx.directory.occurrence(session_id)
        pair = None if occurrence is None else await ctx.directory.pair(occurrence.pair_id)
        if occurrence is None or pair is None:
            return Response(status_code=status.HTTP_204_NO_CONTENT)
        if identity is not None and identity.identity not in pair.members():
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                "only the members of this pair see its earlier sessions")
        held = await previous_held(ctx, occurrence)
        spec = None if held is None else await ctx.store.load_session(SessionId(held.session_id))
        if held is None or spec is None:
            return Response(status_code=status.HTTP_204_NO_CONTENT)
        sid = spec.session_id
        board = restore_board(spec.kind, await ctx.store.load_board(sid),
                              await ctx.store.load_chat(sid, HISTORY),
                              await ctx.store.load_notes(sid))
        return PreviousSessionOut(
            session_id=sid, title=spec.title, start=iso(held.start),
            notes_markdown=render_markdown(spec, board, time.time()),
            next_steps=list(next_steps(board.agenda)),
            summary_url=f"/api/sessions/{sid}/summary.md",
        )

    return router
