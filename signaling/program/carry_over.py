"""From one session to the next: next steps and unfinished agenda items of a pair's
session become suggestions on its next session's agenda, and the session's chat
continues in the pair's thread.

The work runs on tasks this object owns (a session hook must not block), one at a time
on this node, and is idempotent: the agenda is carried once per session (the record
``carried`` ``<session id>`` names the session it went to, and the pure rule refuses to
carry the same session twice into one agenda); chat messages already in the thread are
not posted again.

A session that nobody joined carries nothing. Sessions stopped after :meth:`close` (the
node shutting down stops its live sessions mid-way) are not carried: the session is not
over, and it is carried when it stops for good (on whichever node then owns it).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging

from session_room.chat import HISTORY
from session_room.ids import SessionId
from session_room.program.carry_over import carry_into, carry_over
from session_room.program.pairs import Occurrence, OccurrenceStatus
from session_room.room import SessionSpec
from signaling.program.context import ProgramContext
from signaling.program.directory import THREAD_LIMIT, ThreadMessage
from signaling.worker.board_wire import board_document, restore_board

logger = logging.getLogger(__name__)

CARRIED = "carried"
"""Record kind: key = the finished session, record = the session it was carried into."""


class CarryOver:
    """A session hook: when a pair's session stops, carries its agenda over to the pair's
    next session and copies its chat into the pair's thread.

    Args:
        ctx: The program layer's parts.
    """

    def __init__(self, ctx: ProgramContext) -> None:
        self._ctx = ctx
        self._tasks: set[asyncio.Task[None]] = set()
        self._lock = asyncio.Lock()
        self._closing = False

    def session_started(self, spec: SessionSpec, at: float) -> None:
        """Nothing to do when a session starts."""

    def session_stopped(self, spec: SessionSpec, started_at: float | None,
                        ended_at: float | None) -> None:
        """Starts carrying the session over on an owned task (never blocks, never
        raises); nothing for a session nobody joined, or once closing."""
        if started_at is None or self._closing:
            return
        task = asyncio.get_running_loop().create_task(
            self._guarded(spec.session_id, ended_at), name=f"carry-over {spec.session_id}"
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        """Takes no new carry-overs and waits for those in flight."""
        self._closing = True
        await self.drained()

    async def drained(self) -> None:
        """Waits until no carry-over is in flight."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _guarded(self, session_id: SessionId, ended_at: float | None = None) -> None:
        try:
            async with self._lock:
                await self.carry(session_id, ended_at)
        except Exception:  # a failure is logged, never raised into the loop
            logger.exception("carrying session %s over failed", session_id)

    async def carry(self, session_id: SessionId, ended_at: float | None = None) -> None:
        """Carries one stopped session over (nothing happens for a session outside any
        pair). Safe to call again: nothing is carried twice. ``ended_at``: the session
        was ended for everyone, so its occurrence is over (closed) from then on."""
        occurrence = await self._ctx.directory.occurrence(session_id)
        if occurrence is None:
            return
        if ended_at is not None and occurrence.closed_at is None:
            occurrence = dataclasses.replace(occurrence, closed_at=ended_at)
            await self._ctx.directory.save_occurrence(occurrence)
        await self._copy_chat(occurrence)
        await self._carry_agenda(occurrence)

    async def next_occurrence(self, occurrence: Occurrence) -> Occurrence | None:
        """The pair's next session after ``occurrence`` (by start; cancelled ones are
        skipped), or ``None``."""
        for other in await self._ctx.directory.occurrences(occurrence.pair_id):
            if (other.session_id != occurrence.session_id
                    and other.status is OccurrenceStatus.SCHEDULED
                    and (other.start, other.index) > (occurrence.start, occurrence.index)):
                return other
        return None

    async def _carry_agenda(self, occurrence: Occurrence) -> None:
        store = self._ctx.store
        sid = SessionId(occurrence.session_id)
        if await store.get_record(CARRIED, sid) is not None:
            return
        following = await self.next_occurrence(occurrence)
        if following is None:
            return
        next_sid = SessionId(following.session_id)
        if next_sid in self._ctx.registry.workers:
            logger.info("not carrying %s over: %s is live", sid, next_sid)
            return
        spec, next_spec = await store.load_session(sid), await store.load_session(next_sid)
        if spec is None or next_spec is None:
            return
        finished = restore_board(spec.kind, await store.load_board(sid), [], [])
        suggestions = carry_over(finished.agenda)
        if suggestions:
            board = restore_board(next_spec.kind, await store.load_board(next_sid), [], [])
            agenda = carry_into(board.agenda, suggestions, sid)
            if agenda is not board.agenda:
                board.agenda = agenda
                await store.save_board(next_sid, board_document(board))
        await store.insert_record(CARRIED, sid, json.dumps({"into": next_sid,
                                                            "items": len(suggestions)}))
        logger.info("carried %d item(s) from %s to %s", len(suggestions), sid, next_sid)

    async def _copy_chat(self, occurrence: Occurrence) -> None:
        sid = occurrence.session_id
        records = await self._ctx.store.load_chat(SessionId(sid), HISTORY)
        if not records:
            return
        thread = await self._ctx.directory.thread(occurrence.pair_id, THREAD_LIMIT)
        present = {(m.session_id, m.message_id) for m in thread}
        for record in records:
            fields = json.loads(record)
            message_id = str(fields["message_id"])
            if (sid, message_id) in present:
                continue
            await self._ctx.directory.post(ThreadMessage(
                message_id=message_id,
                pair_id=occurrence.pair_id,
                author_id=str(fields["identity"]),
                author_name=str(fields["display_name"]),
                text=str(fields["text"]),
                at=float(fields["sent_at"]),
                session_id=sid,
            ))
