"""REST: the SMART goals of a pair (or of each mentee of a circle) and their history.

Members of the pair (its mentor, its mentees) and admins read; the pair's mentor, the
goal's own mentee and admins create and update. Every change is stored (with its history
entry) before it is answered; a change of status is told to the webhooks
(``goal.status_changed``); live sessions of the pair on this node hear of every change
through their worker (``goal_changed``), which stays the only writer to their sockets.
"""

from __future__ import annotations

import time
from datetime import date

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field

from session_room.errors import DomainError, ErrorCode
from session_room.program.goals import (
    Goal,
    GoalChange,
    GoalStatus,
    create_goal,
    new_goal_id,
    update_goal,
)
from session_room.program.pairs import Pair, PairKind
from signaling import protocol
from signaling.program.context import ProgramContext
from signaling.program.gate import Actor
from signaling.program.notify import WebhookEvent
from signaling.worker.goals_wire import (
    GoalNotice,
    goal_info,
    iso,
    may_change_goal,
    name_of,
    status_change,
)

MAX_FIELD = 2000
"""Hard cap of the text fields a body may carry (the domain's limits are lower and
answer with a clear 422)."""


class CreateGoal(BaseModel):
    """A new goal: what (title), how it is measured, by when, for which mentee."""

    mentee_id: str | None = Field(default=None, max_length=64)
    title: str = Field(max_length=MAX_FIELD)
    measure: str = Field(default="", max_length=MAX_FIELD)
    target_date: str = Field(max_length=10)


class UpdateGoal(BaseModel):
    """A change of status and/or progress; ``version`` (optional) refuses a lost update."""

    status: GoalStatus | None = None
    progress: int | None = None
    version: int | None = None
    note: str = Field(default="", max_length=500)


class GoalOut(BaseModel):
    """A goal as REST shows it."""

    goal_id: str
    pair_id: str
    mentee_id: str
    mentee_name: str
    title: str
    measure: str
    target_date: str
    status: GoalStatus
    progress: int
    version: int
    updated_at: str


class GoalChangeOut(BaseModel):
    """One entry of a goal's history."""

    goal_id: str
    at: str
    by: str
    by_name: str
    status: GoalStatus
    progress: int
    previous_status: GoalStatus | None
    previous_progress: int | None
    session_id: str
    note: str


def goal_out(goal: Goal, mentee_name: str) -> GoalOut:
    """The REST view of a goal."""
    return GoalOut(goal_id=goal.goal_id, pair_id=goal.pair_id, mentee_id=goal.mentee_id,
                   mentee_name=mentee_name, title=goal.title, measure=goal.measure,
                   target_date=goal.target_date, status=goal.status, progress=goal.progress,
                   version=goal.version, updated_at=iso(goal.updated_at))


def mentee_for(pair: Pair, actor_id: str, mentee_id: str | None) -> str:
    """Whose goal a new goal of ``pair`` is.

    A pair's goal is its one mentee's unless named; a circle's names its mentee (a mentee
    of the circle creating a goal without naming one creates their own).

    Raises:
        DomainError: ``invalid_value`` when a circle's goal names nobody or the named
            person is not a mentee of the pair.
    """
    if mentee_id is None:
        if pair.kind is PairKind.PAIR and len(pair.mentee_ids) == 1:
            return pair.mentee_ids[0]
        if actor_id in pair.mentee_ids:
            return actor_id
        raise DomainError(ErrorCode.INVALID_VALUE, "a circle's goal needs its mentee_id")
    if mentee_id not in pair.mentee_ids:
        raise DomainError(ErrorCode.INVALID_VALUE, "mentee_id is not a mentee of this pair")
    return mentee_id


def check_date(text: str) -> None:
    """Raises ``invalid_value`` unless ``text`` is a real calendar date, YYYY-MM-DD."""
    try:
        date.fromisoformat(text)
    except ValueError:
        raise DomainError(ErrorCode.INVALID_VALUE,
                          "the target date must be a real date, YYYY-MM-DD") from None
    if len(text) != 10:
        raise DomainError(ErrorCode.INVALID_VALUE, "the target date must be YYYY-MM-DD")


def http_error(exc: DomainError) -> HTTPException:
    """The HTTP answer to a refused change: 409 for a stale version, else 422."""
    code = (status.HTTP_409_CONFLICT if exc.code is ErrorCode.STALE_VERSION
            else status.HTTP_422_UNPROCESSABLE_CONTENT)
    return HTTPException(code, exc.message)


def build_goals_router(ctx: ProgramContext) -> APIRouter:
    """Returns the goal routes. Also hands the program's notifier to the session workers
    of this node (room changes of status are told to the webhooks too)."""
    router = APIRouter(tags=["goals"])
    directory = ctx.directory
    gate = ctx.gate
    def who(actor: Actor) -> str:
        return actor.person_id or f"admin:{actor.name}"

    def tell_rooms(goal: Goal, mentee_name: str, by: str) -> None:
        """Relays a change to this node's live sessions of the goal's pair."""
        message = protocol.GoalChanged(goal=goal_info(goal, mentee_name), by=by)
        for worker in list(ctx.registry.workers.values()):
            if worker.goals.pair_id == goal.pair_id:  # known once someone joined
                worker.submit(GoalNotice(goal.pair_id, message))

    async def changed(actor: Actor, goal: Goal, change: GoalChange) -> GoalOut:
        """Stores a change, tells the live rooms and the webhooks; the answer."""
        await directory.save_goal(goal, change)
        name = await name_of(directory, goal.mentee_id)
        tell_rooms(goal, name, actor.name)
        if (data := status_change(goal, change, actor.name)) is not None:
            ctx.notifier.notify(WebhookEvent.GOAL_STATUS_CHANGED, data)
        return goal_out(goal, name)

    @router.get("/api/pairs/{pair_id}/goals")
    async def list_goals(pair_id: str,
                         actor: Actor = Depends(gate.actor)) -> list[GoalOut]:  # noqa: B008
        """The pair's goals, oldest first (members of the pair and admins; else 404)."""
        pair = await gate.pair_for(actor, pair_id)
        names = {m: await name_of(directory, m) for m in pair.mentee_ids}
        out = []
        for goal in await directory.goals(pair.pair_id):
            if goal.mentee_id not in names:
                names[goal.mentee_id] = await name_of(directory, goal.mentee_id)
            out.append(goal_out(goal, names[goal.mentee_id]))
        return out

    @router.post("/api/pairs/{pair_id}/goals", status_code=status.HTTP_201_CREATED)
    async def add_goal(pair_id: str, body: CreateGoal,
                       actor: Actor = Depends(gate.actor)) -> GoalOut:  # noqa: B008
        """Adds a goal (not started, 0 %). The pair's mentor and admins add anyone's; a
        mentee adds their own (403 for another's). ``mentee_id`` defaults to a pair's
        one mentee and is required for a circle (422 if it is not one of its mentees)."""
        pair = await gate.pair_for(actor, pair_id)
        try:
            mentee_id = mentee_for(pair, actor.person_id, body.mentee_id)
            check_date(body.target_date)
            if not (actor.is_admin or actor.person_id in (pair.mentor_id, mentee_id)):
                raise HTTPException(status.HTTP_403_FORBIDDEN,
                                    "a mentee adds their own goals only")
            goal, change = create_goal(new_goal_id(), pair.pair_id, mentee_id, body.title,
                                       body.measure, body.target_date, time.time(), who(actor))
        except DomainError as exc:
            raise http_error(exc) from None
        return await changed(actor, goal, change)

    @router.patch("/api/goals/{goal_id}")
    async def change_goal(goal_id: str, body: UpdateGoal,
                          actor: Actor = Depends(gate.actor)) -> GoalOut:  # noqa: B008
        """Changes a goal's status and/or progress (the pair's mentor, the goal's mentee,
        admins; 403 for other members, 404 for anyone else). 409 if ``version`` is not
        the current one; 422 for progress outside 0..100 or a change that changes
        nothing. Achieving a goal sets its progress to 100."""
        goal = await directory.goal(goal_id)
        if goal is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such goal")
        pair = await gate.pair_for(actor, goal.pair_id)
        if not may_change_goal(actor.person_id, actor.is_admin, pair, goal):
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                "only the pair's mentor and the goal's mentee may change it")
        try:
            new, change = update_goal(goal, time.time(), who(actor), status=body.status,
                                      progress=body.progress, version=body.version,
                                      note=body.note)
        except DomainError as exc:
            raise http_error(exc) from None
        return await changed(actor, new, change)

    @router.get("/api/goals/{goal_id}/history")
    async def goal_history(goal_id: str,
                           actor: Actor = Depends(gate.actor)  # noqa: B008
                           ) -> list[GoalChangeOut]:
        """A goal's changes, oldest first (members of its pair and admins; else 404)."""
        goal = await directory.goal(goal_id)
        if goal is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such goal")
        await gate.pair_for(actor, goal.pair_id)
        names: dict[str, str] = {}
        out = []
        for entry in await directory.goal_history(goal_id):
            if entry.by not in names:
                names[entry.by] = (entry.by.removeprefix("admin:") if entry.by.startswith(
                    "admin:") else await name_of(directory, entry.by))
            out.append(GoalChangeOut(
                goal_id=entry.goal_id, at=iso(entry.at), by=entry.by, by_name=names[entry.by],
                status=entry.status, progress=entry.progress,
                previous_status=entry.previous_status,
                previous_progress=entry.previous_progress, session_id=entry.session_id,
                note=entry.note))
        return out

    return router
