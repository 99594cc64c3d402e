"""The signaling WebSocket: authenticate the join, then relay requests to the worker."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from pydantic import ValidationError
from pydantic_core import from_json
from redis.exceptions import RedisError
from starlette.websockets import WebSocket, WebSocketDisconnect

from session_room.errors import DomainError, ErrorCode
from session_room.ids import ParticipantId, SessionId
from signaling import protocol
from signaling.auth import InviteClaims, InviteError, InviteSigner, invite_digest
from signaling.backends.base import SessionStore
from signaling.cluster.nodes import RedisCluster
from signaling.edge.connection import Connection
from signaling.edge.frames import BadFrame, receive_text
from signaling.edge.limits import ConnectionLimits, RejoinBlock, Verdict, kind_of
from signaling.protocol.base import MAX_ID_CHARS
from signaling.worker.inbox import ClientRequest, Disconnected, JoinRequest
from signaling.worker.registry import SessionRegistry
from signaling.worker.service import SessionWorker

logger = logging.getLogger(__name__)

DOMAIN_CLOSE = {
    ErrorCode.ROOM_FULL: protocol.CloseCode.ROOM_FULL,
    ErrorCode.SESSION_ENDED: protocol.CloseCode.SESSION_ENDED,
    ErrorCode.REMOVED: protocol.CloseCode.REMOVED,
    ErrorCode.INTERNAL: protocol.CloseCode.INTERNAL_ERROR,
}


def _error_text(exc: ValidationError) -> str:
    first = exc.errors()[0] if exc.errors() else {"msg": "invalid message", "loc": ()}
    where = ".".join(str(p) for p in first.get("loc", ()))
    return f"malformed message: {first['msg']}" + (f" at {where}" if where else "")


class SignalingEndpoint:
    """Serves ``/ws/sessions/{session_id}``.

    Every frame gets a typed answer: a reply, an ``error`` with a stable code, or a
    close with one of :class:`protocol.CloseCode`; nothing a client sends can raise out
    of here. Each connection has its own limits (:mod:`signaling.edge.limits`).
    """

    def __init__(self, store: SessionStore, signer: InviteSigner, registry: SessionRegistry,
                 join_timeout: float, cluster: RedisCluster | None = None) -> None:
        self._cluster = cluster
        self._store = store
        self._signer = signer
        self._registry = registry
        self._join_timeout = join_timeout
        self.blocked = RejoinBlock()
        """Identities closed for flooding, refused for a short while."""

    async def __call__(self, websocket: WebSocket, session_id: str) -> None:
        await websocket.accept()
        connection = Connection(websocket, label=session_id)
        try:
            await self._serve(websocket, connection, SessionId(session_id))
        except WebSocketDisconnect:
            pass
        except BadFrame as exc:
            connection.send(protocol.Error(code=ErrorCode.MALFORMED_MESSAGE,
                                           message=exc.reason))
            connection.close(exc.code, exc.reason)
        except Exception:  # a bug of ours: logged, and the client gets a typed close
            logger.exception("signaling socket of session %s failed", session_id)
            connection.close(protocol.CloseCode.INTERNAL_ERROR, "internal error; rejoin")
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
            async with asyncio.timeout(self._join_timeout):
                first = await receive_text(websocket)
        except TimeoutError:
            return await self._refuse(connection, protocol.CloseCode.JOIN_TIMEOUT,
                                      "no join message in time")
        try:
            join = protocol.parse_client(first)
        except ValidationError as exc:
            return await self._refuse(connection, protocol.CloseCode.BAD_JOIN,
                                      _error_text(exc), ErrorCode.MALFORMED_MESSAGE,
                                      _request_id(first))
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
        if await self._store.invite_revoked(invite_digest(join.token)):
            return await self._refuse(connection, protocol.CloseCode.TOKEN_INVALID,
                                      "this invite link was revoked; ask your mentor for a new one")
        wait = self.blocked.remaining(claims.identity, time.monotonic())
        if wait > 0:
            return await self._refuse(
                connection, protocol.CloseCode.TOO_MANY_MESSAGES,
                f"too many messages; you may rejoin in {wait:.0f} s",
                ErrorCode.RATE_LIMITED, join.id)
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
            await self._read_loop(websocket, connection, worker, participant_id, claims)
        finally:
            worker.submit(Disconnected(participant_id, connection))

    async def _read_loop(self, websocket: WebSocket, connection: Connection,
                         worker: SessionWorker, participant_id: ParticipantId,
                         claims: InviteClaims) -> None:
        limits = ConnectionLimits()
        while not connection.closed:
            text = await receive_text(websocket)
            now = time.monotonic()
            message: protocol.AnyClientMessage | None = None
            try:
                message = protocol.parse_client(text)
            except ValidationError as exc:
                problem = _error_text(exc)
            verdict = limits.check(kind_of(message), now)
            if verdict is Verdict.ADMIT:
                if message is None:
                    connection.send(protocol.Error(re=_request_id(text),
                                                   code=ErrorCode.MALFORMED_MESSAGE,
                                                   message=problem))
                    continue
                if isinstance(message, protocol.AdminHello):
                    connection.send(protocol.Error(re=message.id, code=ErrorCode.NOT_ALLOWED,
                                                   message="admin_hello belongs on /ws/admin"))
                    continue
                if worker.submit(ClientRequest(participant_id, connection, message)):
                    continue
                verdict = limits.refused(now)  # this connection's share of the queue is full
            if verdict is Verdict.CLOSE:
                self.blocked.block(claims.identity, now)
                logger.warning("closing participant %s of session %s: too many messages",
                               participant_id, worker.spec.session_id)
                connection.send(protocol.Error(re=_id_of(message, text),
                                               code=ErrorCode.RATE_LIMITED,
                                               message="too many messages; closing"))
                connection.close(protocol.CloseCode.TOO_MANY_MESSAGES, "too many messages")
                return
            connection.send(protocol.Error(re=_id_of(message, text), code=ErrorCode.RATE_LIMITED,
                                           message="too many requests; slow down"))


def _request_id(text: str) -> str | None:
    """Best-effort ``id`` of a malformed request, so the error can reference it: only
    a short id that is valid Unicode is echoed (any nesting depth is safe: the parser
    refuses deep documents with an error, never a RecursionError)."""
    with contextlib.suppress(ValueError, TypeError, AttributeError, UnicodeError):
        value = from_json(text).get("id")
        if isinstance(value, str) and 0 < len(value) <= MAX_ID_CHARS:
            value.encode()
            return value
    return None


def _id_of(message: protocol.AnyClientMessage | None, text: str) -> str | None:
    return message.id if message is not None else _request_id(text)
