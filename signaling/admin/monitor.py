"""The admin live dashboard: a monitor fed by the session workers' event streams, and
the ``/ws/admin`` socket that pushes it.

Every worker calls :meth:`LiveMonitor.changed` after it applied events (joins, leaves,
media modes, agenda and timer changes, each link sample). The monitor coalesces the
changed sessions and, at most every :data:`FLUSH_SECONDS`, encodes one
``dashboard_update`` for every watching admin. Nobody watching costs nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping

from pydantic import ValidationError
from starlette.websockets import WebSocket, WebSocketDisconnect

from session_room.errors import ErrorCode
from session_room.ids import SessionId
from signaling import protocol
from signaling.admin.live_view import live_session
from signaling.admin.metrics_counters import DASHBOARD_PUSH
from signaling.auth import InviteError, InviteSigner
from signaling.edge.connection import Connection
from signaling.edge.frames import BadFrame, receive_text
from signaling.edge.limits import ConnectionLimits, MessageKind, Verdict
from signaling.rest.auth import RestAuth
from signaling.worker.service import SessionWorker

logger = logging.getLogger(__name__)

FLUSH_SECONDS = 0.1
"""The longest a change waits before it is pushed (it is coalesced meanwhile)."""


class LiveMonitor:
    """Watches this node's live sessions for the admin dashboards.

    Args:
        workers: The registry's live workers (read only).
    """

    def __init__(self, workers: Mapping[SessionId, SessionWorker]) -> None:
        self._workers = workers
        self._watchers: set[Connection] = set()
        self._dirty: set[SessionId] = set()
        self._flush: asyncio.TimerHandle | None = None
        self._sent: dict[SessionId, protocol.LiveSession] = {}
        """The row last pushed per session: an unchanged row is not sent again."""
        self.updates_sent = 0

    def live(self) -> list[protocol.LiveSession]:
        """Every live session now."""
        return [self.view(w) for w in list(self._workers.values()) if w.accepting]

    def get(self, session_id: SessionId) -> SessionWorker | None:
        """The live worker of a session, or ``None``."""
        worker = self._workers.get(session_id)
        return worker if worker is not None and worker.accepting else None

    @staticmethod
    def view(worker: SessionWorker) -> protocol.LiveSession:
        """The dashboard row of one worker's session."""
        return live_session(worker.room, worker.started_at, worker.links.bitrates)

    def changed(self, session_id: SessionId) -> None:
        """A session changed, started or stopped; pushed within :data:`FLUSH_SECONDS`."""
        if not self._watchers:
            return
        self._dirty.add(session_id)
        if self._flush is None:
            self._flush = asyncio.get_running_loop().call_later(FLUSH_SECONDS, self._push)

    def watch(self, connection: Connection) -> None:
        """Starts pushing updates to an admin's socket (after its snapshot). Every live
        session is pushed once more to everyone, so no watcher keeps a stale row."""
        self._watchers.add(connection)
        self._sent.clear()
        for session_id in list(self._workers):
            self.changed(session_id)

    def unwatch(self, connection: Connection) -> None:
        """Stops pushing to a socket (idempotent)."""
        self._watchers.discard(connection)

    def _push(self) -> None:
        started = time.perf_counter()
        try:
            self._push_changed()
        finally:
            DASHBOARD_PUSH.inc(time.perf_counter() - started)

    def _push_changed(self) -> None:
        self._flush = None
        dirty, self._dirty = self._dirty, set()
        sessions: list[protocol.LiveSession] = []
        closed: list[str] = []
        for session_id in sorted(dirty):
            worker = self.get(session_id)
            if worker is None:
                closed.append(session_id)
                self._sent.pop(session_id, None)
            elif (row := self.view(worker)) != self._sent.get(session_id):
                sessions.append(row)
                self._sent[session_id] = row
        if not sessions and not closed:
            return
        text = protocol.encode(protocol.DashboardUpdate(
            server_time=time.time(), sessions=sessions, closed=closed))
        for connection in list(self._watchers):
            if connection.closed:
                self._watchers.discard(connection)
            else:
                connection.send_encoded(text)
                self.updates_sent += 1

    def close(self) -> None:
        """Cancels a pending push and forgets the watchers."""
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        self._watchers.clear()


class AdminEndpoint:
    """Serves ``/ws/admin``: ``admin_hello`` first, then pushed dashboard messages."""

    def __init__(self, monitor: LiveMonitor, auth: RestAuth, signer: InviteSigner,
                 hello_timeout: float) -> None:
        self._monitor = monitor
        self._auth = auth
        self._signer = signer
        self._hello_timeout = hello_timeout

    async def __call__(self, websocket: WebSocket) -> None:
        await websocket.accept()
        connection = Connection(websocket, label="admin")
        try:
            await self._serve(websocket, connection)
        except WebSocketDisconnect:
            pass
        except BadFrame as exc:
            self._refuse(connection, exc.code, exc.reason)
        except Exception:  # a bug of ours: logged, and the client gets a typed close
            logger.exception("admin socket failed")
            connection.close(protocol.CloseCode.INTERNAL_ERROR, "internal error")
        finally:
            self._monitor.unwatch(connection)
            await connection.wait_closed()

    def _refuse(self, connection: Connection, close: protocol.CloseCode, text: str,
                re: str | None = None) -> None:
        connection.send(protocol.Error(re=re, code=ErrorCode.NOT_ALLOWED, message=text))
        connection.close(close, text)

    async def _serve(self, websocket: WebSocket, connection: Connection) -> None:
        try:
            async with asyncio.timeout(self._hello_timeout):
                hello = protocol.parse_client(await receive_text(websocket))
        except TimeoutError:
            return self._refuse(connection, protocol.CloseCode.JOIN_TIMEOUT,
                                "no admin_hello in time")
        except ValidationError:
            return self._refuse(connection, protocol.CloseCode.BAD_JOIN,
                                "the first message must be admin_hello")
        if not isinstance(hello, protocol.AdminHello):
            return self._refuse(connection, protocol.CloseCode.BAD_JOIN,
                                "the first message must be admin_hello", hello.id)
        admin = self._auth.admin_name(hello.token)
        if admin is None:
            return self._refuse(connection, *self._why_not(hello.token), hello.id)
        connection.send(protocol.DashboardSnapshot(
            re=hello.id, admin=admin, server_time=time.time(), sessions=self._monitor.live()))
        self._monitor.watch(connection)
        logger.info("admin %s watches the live dashboard", admin)
        limits = ConnectionLimits()
        while not connection.closed:
            await receive_text(websocket)
            if limits.check(MessageKind.SESSION, time.monotonic()) is Verdict.CLOSE:
                return connection.close(protocol.CloseCode.TOO_MANY_MESSAGES,
                                        "too many messages")
            connection.send(protocol.Error(
                code=ErrorCode.NOT_ALLOWED,
                message="the dashboard socket only pushes; act through the REST API (/docs)"))

    def _why_not(self, token: str) -> tuple[protocol.CloseCode, str]:
        try:
            self._signer.verify(token, None)
        except InviteError:
            return protocol.CloseCode.TOKEN_INVALID, "this is not an admin credential"
        return protocol.CloseCode.NOT_ADMIN, "an invite token does not give admin access"
