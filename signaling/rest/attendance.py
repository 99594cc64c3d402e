"""REST for attendance: one session's report as JSON or CSV (its mentors, admins)."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import PlainTextResponse

from session_room.ids import SessionId
from session_room.room import SessionSpec
from signaling.backends.base import SessionStore
from signaling.rest.auth import Authorization, RestAuth
from signaling.rest.csv_export import csv_response
from signaling.worker.attendance_log import attendance_report

CSV_COLUMNS = [
    "identity",
    "display_name",
    "role",
    "joined_at",
    "first_active_at",
    "left_at",
    "left_reason",
    "seconds_present",
    "reconnects",
    "seconds_video",
    "seconds_audio_only",
    "seconds_chat_only",
    "seconds_sharing",
    "mode_changes",
]


def build_attendance_router(store: SessionStore, auth: RestAuth, grace: float) -> APIRouter:
    """Returns the attendance routes (for the session's mentors and admins)."""
    router = APIRouter(prefix="/api", tags=["attendance"])

    async def report_for(session_id: str, authorization: str) -> dict[str, Any]:
        auth.mentor_or_admin(authorization, session_id, "only a mentor sees attendance")
        spec: SessionSpec | None = await store.load_session(SessionId(session_id))
        if spec is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "this session does not exist")
        return await attendance_report(store, spec, time.time(), grace)

    @router.get("/sessions/{session_id}/attendance")
    async def attendance(session_id: str, authorization: Authorization = "") -> dict[str, Any]:
        """Who attended: join, first media, leave and reason, time present, reconnects,
        time in each media mode and every mode change with its reason; the session's
        scheduled and actual start, length and mentor-mentee time together."""
        return await report_for(session_id, authorization)

    @router.get(
        "/sessions/{session_id}/attendance.csv",
        response_class=PlainTextResponse,
        responses={200: {"content": {"text/csv": {}}}},
    )
    async def attendance_as_csv(
        session_id: str, authorization: Authorization = ""
    ) -> PlainTextResponse:
        """The same people as CSV (cells that look like formulas are escaped)."""
        report = await report_for(session_id, authorization)
        rows = [[_cell(person, c) for c in CSV_COLUMNS] for person in report["people"]]
        return csv_response(CSV_COLUMNS, rows, f"{session_id}-attendance.csv")

    return router


def _cell(person: dict[str, Any], column: str) -> object:
    if column.startswith("seconds_") and column not in ("seconds_present", "seconds_sharing"):
        return person["seconds_by_mode"][column.removeprefix("seconds_")]
    if column == "mode_changes":  # "time mode[/step] (reason)" separated by "; "
        return "; ".join(
            f"{c['at']} {c['mode']}"
            + (f"/{c['video_step']}" if c["mode"] == "video" and c["video_step"] != "full"
               else "") + f" ({c['reason']})" for c in person[column])
    return person[column]
