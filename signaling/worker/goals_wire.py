"""The worker side of a pair's goals: the ``goals`` snapshot after ``joined``, the room's
``goal_update`` requests, and changes made over REST relayed to the room.

A session has goals when it is an occurrence of a pair (:meth:`Directory.occurrence`).
The session worker stays the only writer to its sockets: REST changes reach it as a
:class:`GoalNotice` in its inbox. Every change is stored (``Directory.save_goal``) before
anyone hears of it; a change of status is also told to the program's webhooks.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from session_room.errors import DomainError, ErrorCode
from session_room.ids import ParticipantId
from session_room.program.goals import Goal, GoalChange, update_goal
from session_room.program.pairs import Pair
from session_room.roles import Role
from session_room.room import SessionRoom
from signaling import protocol
from signaling.backends.base import SessionStore
from signaling.edge.connection import Connection
from signaling.program.directory import Directory
from signaling.program.notify import Notifier, NullNotifier, WebhookEvent

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class GoalNotice:
    """A goal of ``pair_id`` changed outside the room (REST): the worker sends
    ``message`` to everyone in the session if the session belongs to that pair."""

    pair_id: str
    message: protocol.GoalChanged


def may_change_goal(person_id: str, is_admin: bool, pair: Pair, goal: Goal) -> bool:
    """Whether someone may change (the status or progress of) a goal.

    Admins may; otherwise only the pair's mentor and the goal's own mentee (a mentee of
    a circle never changes another mentee's goal). ``person_id`` ``""`` is nobody.
    """
    if is_admin:
        return True
    return bool(person_id) and person_id in (pair.mentor_id, goal.mentee_id)


def iso(at: float) -> str:
    """Epoch seconds as ISO-8601 UTC."""
    return datetime.fromtimestamp(at, UTC).isoformat()


def status_change(goal: Goal, change: GoalChange, by_name: str) -> dict[str, Any] | None:
    """The ``goal.status_changed`` webhook data of a change, or ``None`` when the change
    kept the status (progress only, or a new goal)."""
    if change.previous_status is None or change.previous_status is change.status:
        return None
    return {"goal_id": goal.goal_id, "pair_id": goal.pair_id, "mentee_id": goal.mentee_id,
            "title": goal.title, "previous_status": change.previous_status.value,
            "status": change.status.value, "progress": change.progress,
            "at": iso(change.at), "by": change.by, "by_name": by_name,
            "session_id": change.session_id}


def goal_info(goal: Goal, mentee_name: str) -> protocol.GoalInfo:
    """The wire view of a goal."""
    return protocol.GoalInfo(
        goal_id=goal.goal_id, pair_id=goal.pair_id, mentee_id=goal.mentee_id,
        mentee_name=mentee_name, title=goal.title, measure=goal.measure,
        target_date=goal.target_date, status=goal.status, progress=goal.progress,
        version=goal.version, updated_at=goal.updated_at)


async def name_of(directory: Directory, person_id: str) -> str:
    """A person's name (``""`` if unknown)."""
    person = await directory.person(person_id)
    return "" if person is None else person.name


class GoalsWire:
    """The goals of one live session (used by its worker only).

    Args:
        store: The storage backend.
        session_id: The session.
        room: The worker's current room (it is replaced once the board is loaded).
        connections: The worker's live connections (the same dict, kept up to date).
        notifier: Where ``goal.status_changed`` goes.
    """

    def __init__(self, store: SessionStore, session_id: str, room: Callable[[], SessionRoom],
                 connections: dict[ParticipantId, Connection],
                 notifier: Notifier | None = None) -> None:
        self.directory = Directory(store)
        self.session_id = session_id
        self._room = room
        self._connections = connections
        self._notifier = notifier or NullNotifier()
        self.pair_id: str | None = None
        """The pair this session belongs to, once known (``None``: none found yet)."""

    async def pair(self) -> Pair | None:
        """The session's pair, or ``None`` (a session outside any pair)."""
        if self.pair_id is None:
            occurrence = await self.directory.occurrence(self.session_id)
            if occurrence is None:
                return None
            self.pair_id = occurrence.pair_id
        return await self.directory.pair(self.pair_id)

    async def joined(self, connection: Connection) -> None:
        """Sends a joiner the pair's goals (nothing for a session outside any pair).
        Never raises: a storage failure is logged and the call goes on without them."""
        try:
            await self._send_goals(connection)
        except Exception:
            logger.exception("session %s: the goals could not be loaded", self.session_id)

    async def _send_goals(self, connection: Connection) -> None:
        pair = await self.pair()
        if pair is None:
            return
        names = {m: await name_of(self.directory, m) for m in pair.mentee_ids}
        goals = await self.directory.goals(pair.pair_id)
        for goal in goals:
            if goal.mentee_id not in names:
                names[goal.mentee_id] = await name_of(self.directory, goal.mentee_id)
        connection.send(protocol.Goals(
            pair_id=pair.pair_id, mentor_id=pair.mentor_id,
            goals=[goal_info(g, names[g.mentee_id]) for g in goals]))

    async def update(self, message: protocol.GoalUpdate, pid: ParticipantId,
                     connection: Connection) -> None:
        """Applies a participant's ``goal_update``: stored, then ``goal_changed`` to
        everyone (with ``re`` for the asker), then the webhook of a status change.

        Raises:
            DomainError: ``not_found`` (no such goal in this session's pair),
                ``not_allowed`` (observers; anyone but the pair's mentor and the goal's
                mentee), ``stale_version``, ``invalid_value`` (see ``update_goal``).
        """
        me = self._room().get(pid)
        pair = await self.pair()
        goal = None if pair is None else await self.directory.goal(message.goal_id)
        if me is None or pair is None or goal is None or goal.pair_id != pair.pair_id:
            raise DomainError(ErrorCode.NOT_FOUND, "no such goal in this session")
        if me.role is Role.OBSERVER or not may_change_goal(me.identity, False, pair, goal):
            raise DomainError(ErrorCode.NOT_ALLOWED,
                              "only the mentor and the goal's mentee may change it")
        changed, change = update_goal(goal, time.time(), me.identity, status=message.status,
                                      progress=message.progress, version=message.version,
                                      session_id=self.session_id)
        await self.directory.save_goal(changed, change)  # stored before anyone hears
        info = goal_info(changed, await name_of(self.directory, changed.mentee_id))
        others = protocol.encode(protocol.GoalChanged(goal=info, by=me.display_name))
        for participant_id, other in self._connections.items():
            if participant_id == pid:
                other.send(protocol.GoalChanged(re=message.id, goal=info, by=me.display_name))
            else:
                other.send_encoded(others)
        if (data := status_change(changed, change, me.display_name)) is not None:
            self._notifier.notify(WebhookEvent.GOAL_STATUS_CHANGED, data)

    def relay(self, notice: GoalNotice) -> None:
        """Sends a change made over REST to everyone, if it is this session's pair's."""
        if notice.pair_id == self.pair_id:
            text = protocol.encode(notice.message)
            for connection in self._connections.values():
                connection.send_encoded(text)
