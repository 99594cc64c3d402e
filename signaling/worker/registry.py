"""The registry of live session workers on this node: starts them, owns their tasks."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from media.relay import MediaRelay
from session_room.ids import SessionId
from session_room.room import SessionSpec
from signaling.backends.base import SessionStore
from signaling.cluster.turn import IceProvider
from signaling.worker.service import SessionWorker


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

    def worker_for(self, spec: SessionSpec) -> SessionWorker:
        """Returns the live worker of a session, starting it if needed."""
        worker = self.workers.get(spec.session_id)
        if worker is None or not worker.accepting:
            worker = SessionWorker(spec, self._relay, self._ice, self._idle_seconds,
                                   self._store, self._hold_seconds,
                                   lambda sid: self.on_change(sid))
            worker.task = asyncio.create_task(self._run(worker), name=spec.session_id)
            self.workers[spec.session_id] = worker
        return worker

    async def _run(self, worker: SessionWorker) -> None:
        try:
            await worker.run()
        finally:
            if self.workers.get(worker.spec.session_id) is worker:
                del self.workers[worker.spec.session_id]
            self.on_change(worker.spec.session_id)

    async def close(self) -> None:
        """Stops every worker (participants get ``bye``) and waits for them."""
        tasks = [w.task for w in self.workers.values() if w.task is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
