"""The registry of live session workers on this node: starts them, owns their tasks."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from media.relay import MediaRelay
from session_room.ids import SessionId
from session_room.room import SessionSpec
from signaling.backends.base import SessionStore
from signaling.cluster.turn import IceProvider
from signaling.program.notify import Notifier, NullNotifier, SessionHooks
from signaling.worker.service import SessionWorker

logger = logging.getLogger(__name__)


class SessionRegistry:
    """Owns the workers of the live sessions on this node."""

    def __init__(self, relay: MediaRelay, ice: IceProvider,
                 idle_seconds: float, store: SessionStore, hold_seconds: float = 30.0) -> None:
        self._relay = relay
        self.on_change: Callable[[SessionId], None] = lambda _: None
        """Called (by the workers) whenever a live session changed, started or stopped;
        the live monitor sets it."""
        self._hold_seconds = hold_seconds
        self._store = store
        self._ice = ice
        self._idle_seconds = idle_seconds
        self.workers: dict[SessionId, SessionWorker] = {}
        self.hooks: list[SessionHooks] = []
        """Told when a session starts (first join) and when its worker stops."""
        self._announced: set[SessionId] = set()
        self.notifier: Notifier = NullNotifier()
        """Where workers send program events (``goal.status_changed`` from the room); the
        program layer sets it at start."""

    def _changed(self, session_id: SessionId) -> None:
        worker = self.workers.get(session_id)
        if (worker is not None and worker.started_at is not None
                and session_id not in self._announced):
            self._announced.add(session_id)
            for hook in self.hooks:
                try:
                    hook.session_started(worker.spec, worker.started_at)
                except Exception:  # a hook's bug never stops the session
                    logger.exception("session start hook failed")
        self.on_change(session_id)

    def worker_for(self, spec: SessionSpec) -> SessionWorker:
        """Returns the live worker of a session, starting it if needed."""
        worker = self.workers.get(spec.session_id)
        if worker is None or not worker.accepting:
            worker = SessionWorker(spec, self._relay, self._ice, self._idle_seconds,
                                   self._store, self._hold_seconds, self._changed,
                                   self.notifier)
            worker.task = asyncio.create_task(self._run(worker), name=spec.session_id)
            self.workers[spec.session_id] = worker
        return worker

    async def _run(self, worker: SessionWorker) -> None:
        try:
            await worker.run()
        finally:
            sid = worker.spec.session_id
            if self.workers.get(sid) is worker:
                del self.workers[sid]
            self._announced.discard(sid)
            for hook in self.hooks:
                try:
                    hook.session_stopped(worker.spec, worker.started_at, worker.room.ended_at)
                except Exception:  # a hook's bug never stops the others
                    logger.exception("session stop hook failed")
            self.on_change(sid)

    async def close(self) -> None:
        """Stops every worker (participants get ``bye``) and waits for them."""
        tasks = [w.task for w in self.workers.values() if w.task is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
