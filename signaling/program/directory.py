"""Typed access to the program's records (people, pairs, occurrences, goals, threads).

Every entity is stored as JSON through the record vocabulary of the storage backend
(:mod:`signaling.backends.records`), so SQLite and Redis hold it alike. Record kinds:
``person``, ``pair``, ``occurrence`` (by session id: which pair a session belongs to),
``goal``; logs: ``goal_history`` (by goal id) and ``thread`` (by pair id).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import TypeAdapter

from session_room.program.goals import Goal, GoalChange
from session_room.program.pairs import Occurrence, Pair
from session_room.program.people import Person, ProgramRole
from signaling.backends.base import SessionStore

T = TypeVar("T")

PEOPLE = TypeAdapter(Person)
PAIRS = TypeAdapter(Pair)
OCCURRENCES = TypeAdapter(Occurrence)
GOALS = TypeAdapter(Goal)
GOAL_CHANGES = TypeAdapter(GoalChange)
HISTORY_LIMIT = 500
THREAD_LIMIT = 500


@dataclass(frozen=True, slots=True)
class ThreadMessage:
    """One message of a pair's thread (between sessions, or carried from a session's chat).

    Attributes:
        message_id: ``TM_...`` (or the chat message id it came from).
        pair_id: The pair.
        author_id: The author's person id.
        author_name: Their name when they wrote it.
        text: The message.
        at: Epoch seconds.
        session_id: The session whose chat it came from (``""``: written in the thread).
    """

    message_id: str
    pair_id: str
    author_id: str
    author_name: str
    text: str
    at: float
    session_id: str = ""


THREAD = TypeAdapter(ThreadMessage)


def dump(value: Any) -> str:
    """A frozen dataclass as compact JSON."""
    return json.dumps(dataclasses.asdict(value), separators=(",", ":"))


class Directory:
    """The program's entities in one store (any backend)."""

    def __init__(self, store: SessionStore) -> None:
        self.store = store

    async def _get(self, kind: str, key: str, adapter: TypeAdapter[T]) -> T | None:
        raw = await self.store.get_record(kind, key)
        return None if raw is None else adapter.validate_json(raw)

    async def _all(self, kind: str, adapter: TypeAdapter[T]) -> list[T]:
        return [adapter.validate_json(raw) for _, raw in await self.store.list_records(kind)]

    # people
    async def save_person(self, person: Person) -> None:
        """Stores (or replaces) a person."""
        await self.store.put_record("person", person.person_id, dump(person))

    async def person(self, person_id: str) -> Person | None:
        """A person, or ``None``."""
        return await self._get("person", person_id, PEOPLE)

    async def people(self, role: ProgramRole | None = None) -> list[Person]:
        """Everyone (of one role), by creation time."""
        found = await self._all("person", PEOPLE)
        return sorted((p for p in found if role is None or p.role is role),
                      key=lambda p: (p.created_at, p.person_id))

    # pairs
    async def save_pair(self, pair: Pair) -> None:
        """Stores (or replaces) a pair."""
        await self.store.put_record("pair", pair.pair_id, dump(pair))

    async def pair(self, pair_id: str) -> Pair | None:
        """A pair, or ``None``."""
        return await self._get("pair", pair_id, PAIRS)

    async def pairs(self, member: str | None = None) -> list[Pair]:
        """Every pair (that ``member`` belongs to), by creation time."""
        found = await self._all("pair", PAIRS)
        return sorted((p for p in found if member is None or member in p.members()),
                      key=lambda p: (p.created_at, p.pair_id))

    # occurrences (a pair's sessions)
    async def save_occurrence(self, occurrence: Occurrence) -> None:
        """Stores (or replaces) the occurrence of a session."""
        await self.store.put_record("occurrence", occurrence.session_id, dump(occurrence))

    async def occurrence(self, session_id: str) -> Occurrence | None:
        """The pair occurrence a session is, or ``None`` (a session outside any pair)."""
        return await self._get("occurrence", session_id, OCCURRENCES)

    async def occurrences(self, pair_id: str | None = None) -> list[Occurrence]:
        """Every occurrence (of one pair), by start."""
        found = await self._all("occurrence", OCCURRENCES)
        return sorted((o for o in found if pair_id is None or o.pair_id == pair_id),
                      key=lambda o: (o.start, o.index))

    # goals
    async def save_goal(self, goal: Goal, change: GoalChange) -> None:
        """Stores a goal and appends its change to the history (history first: a crash in
        between leaves a history entry ahead of the goal, never a change without one)."""
        await self.store.append_log("goal_history", goal.goal_id, dump(change))
        await self.store.put_record("goal", goal.goal_id, dump(goal))

    async def goal(self, goal_id: str) -> Goal | None:
        """A goal, or ``None``."""
        return await self._get("goal", goal_id, GOALS)

    async def goals(self, pair_id: str | None = None, mentee_id: str | None = None) -> list[Goal]:
        """Every goal (of a pair, of a mentee), by creation time."""
        found = await self._all("goal", GOALS)
        return sorted((g for g in found if (pair_id is None or g.pair_id == pair_id)
                       and (mentee_id is None or g.mentee_id == mentee_id)),
                      key=lambda g: (g.created_at, g.goal_id))

    async def goal_history(self, goal_id: str) -> list[GoalChange]:
        """A goal's changes, oldest first."""
        return [GOAL_CHANGES.validate_json(raw) for raw in
                await self.store.read_log("goal_history", goal_id, HISTORY_LIMIT)]

    # threads
    async def post(self, message: ThreadMessage) -> None:
        """Appends a message to its pair's thread."""
        await self.store.append_log("thread", message.pair_id, dump(message))

    async def thread(self, pair_id: str, limit: int = THREAD_LIMIT) -> list[ThreadMessage]:
        """The last ``limit`` messages of a pair's thread, oldest first."""
        return [THREAD.validate_json(raw) for raw in
                await self.store.read_log("thread", pair_id, limit)]
