"""Progress reports over REST: feedback in, progress out (JSON and CSV), with
permissions: a person sees their own, a mentor their mentees', an admin everything."""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from session_room.agenda import ItemStatus
from session_room.attendance import project
from session_room.ids import SessionId
from session_room.progress import Progress, SessionFacts, pairs, progress, sessions_of
from session_room.roles import Role
from signaling.backends.base import SessionStore
from signaling.program.notify import Notifier, NullNotifier, WebhookEvent
from signaling.rest.auth import Authorization, RestAuth
from signaling.rest.csv_export import csv_response
from signaling.worker.attendance_log import decode

MAX_COMMENT_CHARS = 2000


class FeedbackIn(BaseModel):
    """Optional feedback after a session."""

    rating: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=MAX_COMMENT_CHARS)


async def program_facts(
    store: SessionStore, grace: float
) -> tuple[list[SessionFacts], dict[str, str]]:
    """Facts of every session, and a display name per identity."""
    invited: dict[str, dict[str, Role]] = {}
    for sid, identity, role in await store.list_invites():
        invited.setdefault(sid, {})[identity] = Role(role)
    facts: list[SessionFacts] = []
    names: dict[str, str] = {}
    for spec in await store.list_sessions():
        sid = SessionId(spec.session_id)
        entries, _ = decode(await store.load_attendance(sid))
        people = project(entries, grace)
        for p in people.values():
            names[p.identity] = p.display_name
        board = await store.load_board(sid)
        done = 0
        if board is not None:
            items = json.loads(board)["agenda"]["items"]
            done = sum(1 for i in items if i["status"] == ItemStatus.DONE.value)
        ratings = tuple(int(json.loads(r)["rating"]) for r in await store.load_feedback(sid))
        expected = dict(invited.get(sid, {}))
        for p in people.values():
            expected.setdefault(p.identity, p.role)
        facts.append(
            SessionFacts(
                session_id=sid,
                scheduled_start=spec.scheduled_start or spec.created_at,
                invited=expected,
                seconds_present={i: p.seconds(time.time()) for i, p in people.items()},
                joined_at={i: p.joined_at for i, p in people.items()},
                agenda_done=done,
                ratings=ratings,
            )
        )
    return facts, names


def _progress_json(p: Progress) -> dict[str, Any]:
    return asdict(p)


def _pair_row(
    facts: list[SessionFacts], names: dict[str, str], mentor: str, mentee: str, now: float
) -> dict[str, Any]:
    together = [s for s in facts if mentor in s.invited and mentee in s.invited]
    return {
        "mentor": mentor,
        "mentee": mentee,
        "mentor_name": names.get(mentor, mentor),
        "mentee_name": names.get(mentee, mentee),
        "progress": _progress_json(progress(together, {mentor, mentee}, now)),
    }


def build_progress_router(store: SessionStore, auth: RestAuth, grace: float,
                          notifier: Notifier | None = None) -> APIRouter:
    """Returns the feedback and progress routes; stored feedback is told to ``notifier``
    (``feedback.submitted``)."""
    events: Notifier = notifier if notifier is not None else NullNotifier()
    router = APIRouter(prefix="/api", tags=["progress"])

    @router.post("/sessions/{session_id}/feedback", status_code=status.HTTP_204_NO_CONTENT)
    async def feedback(
        session_id: str, body: FeedbackIn, authorization: Authorization = ""
    ) -> None:
        """Stores the caller's 1-5 rating and comment (sent again: replaced), then
        queues the ``feedback.submitted`` webhook event."""
        claims = auth.invite(auth.token(authorization), session_id)
        at = time.time()
        record = {
            "rating": body.rating,
            "comment": body.comment,
            "role": claims.role.value,
            "at": at,
        }
        await store.save_feedback(SessionId(session_id), claims.identity, json.dumps(record))
        events.notify(WebhookEvent.FEEDBACK_SUBMITTED, {
            "session_id": session_id, "identity": claims.identity, "role": claims.role.value,
            "score": body.rating, "at": datetime.fromtimestamp(at, UTC).isoformat()})

    @router.get(
        "/progress/people/{identity}.csv",
        response_class=PlainTextResponse,
        responses={200: {"content": {"text/csv": {}}}},
    )
    async def person_csv(identity: str, authorization: Authorization = "") -> PlainTextResponse:
        """A person's pairs as CSV (same permissions as the JSON)."""
        report = await person(identity, authorization)
        return _pairs_csv(report["pairs"], f"{identity}-progress.csv")

    @router.get("/progress/people/{identity}")
    async def person(identity: str, authorization: Authorization = "") -> dict[str, Any]:
        """A person's progress (as mentee and as mentor) and each of their pairs. Allowed
        for the person, for a mentor of theirs, and for admins."""
        token = auth.token(authorization)
        facts, names = await program_facts(store, grace)
        if not auth.is_admin(token):
            caller = auth.invite(token, None).identity
            mentors = {
                m
                for s in sessions_of(facts, identity)
                if identity in s.mentees()
                for m in s.mentors()
            }
            if caller != identity and caller not in mentors:
                raise HTTPException(
                    status.HTTP_403_FORBIDDEN, "you can see your own progress and your mentees'"
                )
        now = time.time()
        mine = sessions_of(facts, identity)
        return {
            "identity": identity,
            "display_name": names.get(identity, identity),
            "progress": _progress_json(progress(mine, {identity}, now)),
            "pairs": [
                _pair_row(facts, names, m, e, now)
                for m, e in sorted(pairs(mine))
                if identity in (m, e)
            ],
        }

    async def program_report() -> dict[str, Any]:
        facts, names = await program_facts(store, grace)
        now = time.time()
        return {
            "program": _progress_json(progress(facts, None, now)),
            "pairs": [_pair_row(facts, names, m, e, now) for m, e in sorted(pairs(facts))],
            "timeline": [
                {
                    "session_id": s.session_id,
                    "scheduled_start": s.scheduled_start,
                    "invited": len(s.invited),
                    "attended": len(s.seconds_present),
                    "minutes": round(max(s.seconds_present.values(), default=0) / 60, 2),
                }
                for s in sorted(facts, key=lambda s: s.scheduled_start)
            ],
        }

    @router.get("/progress/program")
    async def program(authorization: Authorization = "") -> dict[str, Any]:
        """The whole program: totals, every pair, attendance per session (admin)."""
        auth.require_admin(authorization)
        return await program_report()

    @router.get(
        "/progress/program.csv",
        response_class=PlainTextResponse,
        responses={200: {"content": {"text/csv": {}}}},
    )
    async def program_csv(authorization: Authorization = "") -> PlainTextResponse:
        """Every pair's progress as CSV (admin; formulas escaped)."""
        auth.require_admin(authorization)
        report = await program_report()
        return _pairs_csv(report["pairs"], "program-progress.csv")

    return router


def _pairs_csv(rows: list[dict[str, Any]], filename: str) -> PlainTextResponse:
    fields = list(Progress.__dataclass_fields__)
    return csv_response(
        ["mentor_name", "mentee_name", *fields],
        ([r["mentor_name"], r["mentee_name"], *(r["progress"][f] for f in fields)] for r in rows),
        filename,
    )
