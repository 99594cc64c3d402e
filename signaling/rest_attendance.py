"""REST for attendance: one session's report as JSON or CSV (mentor token)."""

from __future__ import annotations

import hmac
import time
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, status
from fastapi.responses import PlainTextResponse

from session_room.ids import SessionId
from session_room.roles import Role
from session_room.room import SessionSpec
from signaling.attendance_log import attendance_csv, attendance_report
from signaling.auth import InviteError, InviteSigner
from signaling.backends.base import SessionStore

Authorization = Annotated[str, Header(description="Bearer <mentor invite token>")]


def build_attendance_router(
    store: SessionStore, signer: InviteSigner, grace: float, admin_token: str | None = None
) -> APIRouter:
    """Returns the attendance routes (for the session's mentors and admins)."""
    router = APIRouter(prefix="/api", tags=["attendance"])

    async def mentor_session(session_id: str, authorization: str) -> SessionSpec:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "a mentor's invite token is needed")
        if admin_token is not None and hmac.compare_digest(token, admin_token):
            return await _spec(session_id)
        try:
            claims = signer.verify(token, session_id)
        except InviteError as exc:
            raise HTTPException(status.HTTP_403_FORBIDDEN, exc.message) from exc
        if claims.role is not Role.MENTOR:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "only a mentor sees attendance")
        return await _spec(session_id)

    async def _spec(session_id: str) -> SessionSpec:
        spec = await store.load_session(SessionId(session_id))
        if spec is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "this session does not exist")
        return spec

    @router.get("/sessions/{session_id}/attendance")
    async def attendance(session_id: str, authorization: Authorization = "") -> dict[str, Any]:
        """Who attended: join, first media, leave and reason, time present, reconnects;
        the session's scheduled and actual start, length and mentor-mentee time together."""
        spec = await mentor_session(session_id, authorization)
        return await attendance_report(store, spec, time.time(), grace)

    @router.get(
        "/sessions/{session_id}/attendance.csv",
        response_class=PlainTextResponse,
        responses={200: {"content": {"text/csv": {}}}},
    )
    async def attendance_as_csv(
        session_id: str, authorization: Authorization = ""
    ) -> PlainTextResponse:
        """The same people as CSV (cells that look like formulas are escaped)."""
        spec = await mentor_session(session_id, authorization)
        report = await attendance_report(store, spec, time.time(), grace)
        return PlainTextResponse(
            attendance_csv(report),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{session_id}-attendance.csv"'},
        )

    return router
