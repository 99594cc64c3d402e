"""The signaling WebSocket: authenticate the join, then relay requests to the worker."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from pydantic import ValidationError
from redis.exceptions import RedisError
from starlette.websockets import WebSocket, WebSocketDisconnect

from session_room.errors import DomainError, ErrorCode
from session_room.ids import ParticipantId, SessionId
from signaling import protocol
from signaling.auth import InviteError, InviteSigner
from signaling.backends.base import SessionStore
from signaling.cluster import RedisCluster
from signaling.connection import Connection
from signaling.inbox import ClientRequest, Disconnected, JoinRequest
from signaling.registry import SessionRegistry
from signaling.service import SessionWorker

logger = logging.getLogger(__name__)

DOMAIN_CLOSE = {
    ErrorCode.ROOM_FULL: protocol.CloseCode.ROOM_FULL,
    ErrorCode.SESSION_ENDED: protocol.CloseCode.SESSION_ENDED,
    ErrorCode.REMOVED: protocol.CloseCode.REMOVED,
}


def _error_text(exc: ValidationError) -> str:
    first = exc.errors()[0] if exc.errors() else {"msg": "invalid message", "loc": ()}
    where = ".".join(str(p) for p in first.get("loc", ()))
    return f"malformed message: {first['msg']}" + (f" at {where}" if where else "")


class SignalingEndpoint:
    """Serves ``/ws/sessions/{session_id}``."""

    def __init__(self, store: SessionStore, signer: InviteSigner, registry: SessionRegistry,
                 join_timeout: float, cluster: RedisCluster | None = None) -> None:
        self._cluster = cluster
        self._store = store
        self._signer = signer
        self._registry = registry
        self._join_timeout = join_timeout

    async def __call__(self, websocket: WebSocket, session_id: str) -> None:
        await websocket.accept()
        connection = Connection(websocket, label=session_id)
        try:
            await self._serve(websocket, connection, SessionId(session_id))
        except WebSocketDisconnect:
            pass
        finally:
            await connection.wait_closed()

    async def _refuse(self, connection: Connection, code: protocol.CloseCode, text: str,
                      error: ErrorCode | None = None, re: str | None = None) -> None:
        if error is not None:
            connection.send(protocol.Error(re=re, code=error, message=text))
        connection.close(code, text)

    async def _serve(self, websocket: WebSocket, connection: Connection,
                     session_id: SessionId) -> None:
        try:
            first = await asyncio.wait_for(websocket.receive_text(), self._join_timeout)
        except TimeoutError:
            return await self._refuse(connection, protocol.CloseCode.JOIN_TIMEOUT,
                                      "no join message in time")
        try:
            join = protocol.parse_client(first)
        except ValidationError as exc:
            return await self._refuse(connection, protocol.CloseCode.BAD_JOIN,
                                      _error_text(exc), ErrorCode.MALFORMED_MESSAGE)
        if not isinstance(join, protocol.Join):
            return await self._refuse(connection, protocol.CloseCode.BAD_JOIN,
                                      "the first message must be join", ErrorCode.NOT_JOINED,
                                      join.id)
        if join.protocol_version != protocol.PROTOCOL_VERSION:
            return await self._refuse(
                connection, protocol.CloseCode.UNSUPPORTED_VERSION,
                f"this server speaks protocol {protocol.PROTOCOL_VERSION}; reload the page",
                ErrorCode.UNSUPPORTED_VERSION, join.id)
        try:
            claims = self._signer.verify(join.token, session_id)
        except InviteError as exc:
            return await self._refuse(connection, exc.close_code, exc.message)
        spec = await self._store.load_session(session_id)
        if spec is None:
            return await self._refuse(connection, protocol.CloseCode.SESSION_NOT_FOUND,
                                      "this session does not exist")
        if spec.ended_at is not None:
            return await self._refuse(connection, protocol.CloseCode.SESSION_ENDED,
                                      "this session has ended", ErrorCode.SESSION_ENDED, join.id)
        if self._cluster is not None:
            try:
                owner = await self._cluster.owner(spec.session_id)
            except (RedisError, OSError):  # Redis away for longer than the retries
                return await self._refuse(connection, protocol.CloseCode.GOING_AWAY,
                                          "sessions are unavailable for a moment; try again",
                                          ErrorCode.INTERNAL, join.id)
            if owner != self._cluster.me:  # the session lives there: join again there
                base = owner.url.replace("http", "ws", 1)
                connection.send(protocol.Redirect(
                    re=join.id, url=f"{base}/ws/sessions/{spec.session_id}"))
                return connection.close(protocol.CloseCode.REDIRECT, "joined on another node")
        name = claims.display_name if claims.by_admin else join.display_name.strip()
        request = JoinRequest(connection, claims, name or "Guest", join.id)
        worker = self._registry.worker_for(spec)
        if not worker.submit(request):
            return await self._refuse(connection, protocol.CloseCode.GOING_AWAY,
                                      "the session is busy; try again")
        try:
            participant_id = await request.result
        except DomainError as exc:
            code = DOMAIN_CLOSE.get(exc.code, protocol.CloseCode.BAD_JOIN)
            return await self._refuse(connection, code, exc.message, exc.code, join.id)
        try:
            await self._read_loop(websocket, connection, worker, participant_id)
        finally:
            worker.submit(Disconnected(participant_id, connection))

    async def _read_loop(self, websocket: WebSocket, connection: Connection,
                         worker: SessionWorker, participant_id: ParticipantId) -> None:
        while not connection.closed:
            text = await websocket.receive_text()
            if len(text) > protocol.MAX_MESSAGE_BYTES:
                connection.send(protocol.Error(code=ErrorCode.MALFORMED_MESSAGE,
                                               message="message too large"))
                continue
            try:
                message = protocol.parse_client(text)
            except ValidationError as exc:
                connection.send(protocol.Error(re=_request_id(text),
                                               code=ErrorCode.MALFORMED_MESSAGE,
                                               message=_error_text(exc)))
                continue
            if isinstance(message, protocol.AdminHello):
                connection.send(protocol.Error(re=message.id, code=ErrorCode.NOT_ALLOWED,
                                               message="admin_hello belongs on /ws/admin"))
                continue
            request = ClientRequest(participant_id, connection, message)
            if not worker.submit(request):
                connection.send(protocol.Error(re=message.id, code=ErrorCode.RATE_LIMITED,
                                               message="too many requests; slow down"))


def _request_id(text: str) -> str | None:
    """Best-effort ``id`` of a malformed request, so the error can reference it."""
    with contextlib.suppress(ValueError, TypeError, AttributeError):
        value = json.loads(text).get("id")
        if isinstance(value, str) and len(value) <= 64:
            return value
    return None
