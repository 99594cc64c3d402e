"""REST for the board: the session summary (agenda, outcomes, notes) as Markdown."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import PlainTextResponse

from session_room.agenda import ItemStatus
from session_room.board import SessionBoard
from session_room.chat import HISTORY
from session_room.ids import SessionId
from session_room.room import SessionSpec
from signaling.backends.base import SessionStore
from signaling.rest.auth import Authorization, RestAuth
from signaling.worker.board_wire import restore_board

STATUS_MARK = {ItemStatus.DONE: "[x]", ItemStatus.CURRENT: "[~]", ItemStatus.PENDING: "[ ]"}


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _minutes(start: float | None, end: float | None) -> str:
    if start is None or end is None:
        return ""
    return f", took {max(0, round((end - start) / 60))} min"


def render_markdown(spec: SessionSpec, board: SessionBoard, now: float) -> str:
    """The session summary: agenda with status, timings and outcomes, then the notes."""
    lines = [f"# {spec.title}", "", f"Session {spec.session_id}, exported {_when(now)}.", ""]
    lines += ["## Agenda", ""]
    if not board.agenda.items:
        lines.append("(no agenda)")
    for item in board.agenda.items:
        plan = f" ({item.planned_minutes} min planned" if item.planned_minutes else " ("
        took = _minutes(item.started_at, item.finished_at)
        meta = (plan + took).strip(" (,")
        lines.append(
            f"- {STATUS_MARK[item.status]} **{item.title}**" + (f" ({meta})" if meta else "")
        )
        if item.details:
            lines.append(f"  - Details: {item.details}")
        if item.outcome:
            lines.append(f"  - Outcome: {item.outcome}")
    lines += ["", "## Notes", "", board.notes.text().rstrip() or "(no notes)", ""]
    return "\n".join(lines)


def build_board_router(store: SessionStore, auth: RestAuth) -> APIRouter:
    """Returns the board's ``/api`` routes."""
    router = APIRouter(prefix="/api", tags=["board"])

    @router.get(
        "/sessions/{session_id}/summary.md",
        response_class=PlainTextResponse,
        responses={200: {"content": {"text/markdown": {}}}},
    )
    async def summary(
        session_id: str,
        authorization: Authorization = "",
    ) -> PlainTextResponse:
        """The agenda with outcomes and the shared notes as Markdown (any participant's
        invite token of this session, or an admin credential)."""
        token = auth.token(authorization)
        if not auth.is_admin(token):
            auth.invite(token, session_id)
        sid = SessionId(session_id)
        spec = await store.load_session(sid)
        if spec is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "this session does not exist")
        board = restore_board(
            spec.kind,
            await store.load_board(sid),
            await store.load_chat(sid, HISTORY),
            await store.load_notes(sid),
        )
        filename = f"{session_id}-summary.md"
        return PlainTextResponse(
            render_markdown(spec, board, time.time()),
            media_type="text/markdown; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    return router
