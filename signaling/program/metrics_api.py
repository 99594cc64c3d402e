"""The program's metrics for admins (REST, CSV): goal achievement, time spent, average
feedback, retention, completion and no-shows (computed by
:mod:`session_room.program.metrics` from the stored pairs, occurrences, goals, attendance
and feedback)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import PlainTextResponse

from session_room.attendance import project
from session_room.ids import SessionId
from session_room.program.metrics import ProgramFacts, ProgramMetrics, program_metrics
from session_room.program.pairs import Occurrence
from signaling.program.context import ProgramContext
from signaling.program.gate import Actor
from signaling.rest.csv_export import csv_response
from signaling.worker.attendance_log import decode

CSV_COLUMNS = (
    "scope", "pair_id", "title", "mentor", "mentees", "goals_due", "goals_achieved",
    "goal_achievement", "minutes", "average_feedback", "sessions_planned", "sessions_held",
    "completed", "no_shows",
)


async def presence(ctx: ProgramContext, session_ids: Iterable[str],
                   now: float) -> dict[str, dict[str, float]]:
    """Seconds present per session and identity, from the stored attendance logs."""
    grace = ctx.settings.reconnect_grace_seconds
    out: dict[str, dict[str, float]] = {}
    for sid in session_ids:
        entries, _ = decode(await ctx.store.load_attendance(SessionId(sid)))
        out[sid] = {i: p.seconds(now) for i, p in project(entries, grace).items()}
    return out


async def ratings(ctx: ProgramContext, session_ids: Iterable[str]) -> dict[str, tuple[int, ...]]:
    """The feedback ratings given on each session."""
    out: dict[str, tuple[int, ...]] = {}
    for sid in session_ids:
        found = [int(json.loads(r)["rating"]) for r in
                 await ctx.store.load_feedback(SessionId(sid))]
        if found:
            out[sid] = tuple(found)
    return out


async def feedback_points(ctx: ProgramContext,
                          occurrences: Iterable[Occurrence]) -> list[dict[str, Any]]:
    """Feedback over time: one point per rating given on ``occurrences`` (ISO ``at``)."""
    points: list[tuple[float, int]] = []
    for occ in occurrences:
        for raw in await ctx.store.load_feedback(SessionId(occ.session_id)):
            record = json.loads(raw)
            points.append((float(record.get("at", occ.start)), int(record["rating"])))
    return [{"at": iso(at), "score": score} for at, score in sorted(points)]


def iso(at: float) -> str:
    """An epoch time as ISO-8601 UTC (``...Z``)."""
    return datetime.fromtimestamp(at, UTC).isoformat().replace("+00:00", "Z")


async def gather(ctx: ProgramContext, now: float) -> ProgramFacts:
    """Every stored fact the program metrics need."""
    occurrences = await ctx.directory.occurrences()
    ids = [o.session_id for o in occurrences]
    return ProgramFacts(
        pairs=tuple(await ctx.directory.pairs()), occurrences=tuple(occurrences),
        goals=tuple(await ctx.directory.goals()), present=await presence(ctx, ids, now),
        ratings=await ratings(ctx, ids))


def metrics_json(metrics: ProgramMetrics, names: dict[str, str]) -> dict[str, Any]:
    """The JSON answer: the metrics (``as_of`` in ISO) with names for the no-show people."""
    out = asdict(metrics)
    out["as_of"] = iso(metrics.as_of)
    out["no_shows_by_person"] = [
        {"person_id": pid, "name": names.get(pid, pid), "no_shows": count}
        for pid, count in sorted(metrics.no_shows_by_person.items(), key=lambda kv: -kv[1])]
    return out


def build_metrics_router(ctx: ProgramContext) -> APIRouter:
    """Returns ``GET /api/admin/program-metrics`` (JSON) and its ``.csv`` (admins only)."""
    router = APIRouter(prefix="/api/admin", tags=["program metrics"])

    async def compute() -> tuple[ProgramMetrics, dict[str, str], ProgramFacts]:
        now = time.time()
        facts = await gather(ctx, now)
        names: dict[str, str] = {p.person_id: p.name for p in await ctx.directory.people()}
        return program_metrics(facts, now), names, facts

    @router.get("/program-metrics")
    async def metrics(_: Actor = Depends(ctx.gate.admin)) -> dict[str, Any]:  # noqa: B008
        """Goal achievement, time spent, average feedback (per pair and program), retention
        per month, completion and no-shows, as of now."""
        found, names, _facts = await compute()
        return metrics_json(found, names)

    @router.get("/program-metrics.csv", response_class=PlainTextResponse,
                responses={200: {"content": {"text/csv": {}}}})
    async def metrics_csv(_: Actor = Depends(ctx.gate.admin)) -> PlainTextResponse:  # noqa: B008
        """One row per pair, then a ``program`` row with the totals (formulas escaped)."""
        found, names, facts = await compute()
        pairs = {p.pair_id: p for p in facts.pairs}
        rows: list[list[object]] = []
        for row in found.pairs:
            pair = pairs[row.pair_id]
            rows.append([
                "pair", row.pair_id, row.title, names.get(pair.mentor_id, pair.mentor_id),
                "; ".join(names.get(m, m) for m in pair.mentee_ids), row.goals_due,
                row.goals_achieved, row.goal_achievement, row.minutes, row.average_feedback,
                row.sessions_planned, row.sessions_held, row.completed, row.no_shows])
        rows.append([
            "program", "", "", "", "", found.goals_due, found.goals_achieved,
            found.goal_achievement, found.total_minutes, found.average_feedback, "",
            sum(r.sessions_held for r in found.pairs), found.pairs_completed,
            found.no_shows_total])
        return csv_response(CSV_COLUMNS, rows, "program-metrics.csv")

    return router
