"""Redis backend for several nodes (``redis://host:port/db``), on redis-py's asyncio client.

Every write is one Redis command (or one MULTI/EXEC transaction), so it is applied whole
or not at all; it is acknowledged once Redis accepted it. Durability is Redis's: run it with
the append-only file on (``appendonly yes``; ``appendfsync always`` for attendance that must
survive a power cut, as the tests and the compose file do).

Keys (prefix ``mr:``): ``session:{id}`` (hash), ``sessions`` (set), ``secrets`` (hash),
``board:{id}``, ``chat:{id}`` / ``notes:{id}`` / ``attendance:{id}`` (lists),
``attendance_sessions`` (set), ``invites:{id}`` (hash identity -> role), ``invite_sessions``
(set), ``feedback:{id}`` (hash identity -> record), ``admin_actions`` (list),
``mentor:{credential_id}`` (hash: name, created_at, secret_hash, revoked_at),
``mentor_by_hash`` (hash secret_hash -> credential_id), ``mentors`` (set of ids) and
``short:{code}`` (hash: a short invite link's fields, ``revoked_at`` once revoked).
"""

from __future__ import annotations

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.typing import EncodableT, FieldT

from session_room.ids import SessionId
from session_room.roles import SessionKind
from session_room.room import SessionSpec
from signaling.backends.base import MentorCredential, ShortLink
from signaling.backends.redis_records import RedisRecords

PREFIX = "mr:"


RETRIES = 40
"""A command meeting a lost connection is retried with backoff (0.05 s doubling up to
0.5 s: about 15 s in all), so a briefly restarting Redis delays writes but loses none."""


def connect(url: str) -> Redis:
    """A client that reconnects and retries by itself while Redis restarts."""
    return Redis.from_url(
        url, health_check_interval=5, socket_keepalive=True, socket_connect_timeout=2,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), RETRIES),
        retry_on_error=[RedisConnectionError, RedisTimeoutError])


def _k(*parts: str) -> str:
    return PREFIX + ":".join(parts)


def _text(value: bytes | str) -> str:
    """A reply as text (the client returns bytes; its types also allow str)."""
    return value.decode() if isinstance(value, bytes) else value


def _raw(value: bytes | str) -> bytes:
    """A reply as bytes."""
    return value if isinstance(value, bytes) else value.encode()


class RedisStore(RedisRecords):
    """Storage in Redis, shared by every node that uses the same URL."""

    def __init__(self, url: str) -> None:
        self._redis: Redis = connect(url)

    async def save_session(self, spec: SessionSpec) -> None:
        fields: dict[FieldT, EncodableT] = {
            "kind": spec.kind.value, "title": spec.title, "capacity": spec.capacity,
            "created_at": repr(spec.created_at)}
        if spec.scheduled_start is not None:
            fields["scheduled_start"] = repr(spec.scheduled_start)
        if spec.planned_minutes is not None:
            fields["planned_minutes"] = spec.planned_minutes
        gone = [f for f, v in (("scheduled_start", spec.scheduled_start),
                               ("planned_minutes", spec.planned_minutes)) if v is None]
        async with self._redis.pipeline(transaction=True) as tx:
            if gone:
                tx.hdel(_k("session", spec.session_id), *gone)
            tx.hset(_k("session", spec.session_id), mapping=fields)
            tx.sadd(_k("sessions"), spec.session_id)
            await tx.execute()

    async def load_session(self, session_id: SessionId) -> SessionSpec | None:
        fields = await self._redis.hgetall(_k("session", session_id))
        return _spec(session_id, fields) if fields else None

    async def mark_ended(self, session_id: SessionId, at: float) -> None:
        if await self._redis.exists(_k("session", session_id)):
            await self._redis.hsetnx(_k("session", session_id), "ended_at", repr(at))

    async def list_sessions(self) -> list[SessionSpec]:
        ids = sorted(_text(m) for m in await self._redis.smembers(_k("sessions")))
        async with self._redis.pipeline(transaction=False) as p:
            for sid in ids:
                p.hgetall(_k("session", sid))
            rows = await p.execute()
        return [_spec(SessionId(sid), row) for sid, row in zip(ids, rows, strict=True) if row]

    async def secret(self, name: str, factory: str) -> str:
        await self._redis.hsetnx(_k("secrets"), name, factory)
        value = await self._redis.hget(_k("secrets"), name)
        return factory if value is None else _text(value)

    async def save_board(self, session_id: SessionId, document: str) -> None:
        await self._redis.set(_k("board", session_id), document)

    async def load_board(self, session_id: SessionId) -> str | None:
        value = await self._redis.get(_k("board", session_id))
        return None if value is None else _text(value)

    async def append_chat(self, session_id: SessionId, record: str) -> None:
        await self._redis.rpush(_k("chat", session_id), record)

    async def load_chat(self, session_id: SessionId, limit: int) -> list[str]:
        if limit <= 0:
            return []
        return [_text(r) for r in await self._redis.lrange(
            _k("chat", session_id), -limit, -1)]

    async def append_notes(self, session_id: SessionId, update: bytes) -> None:
        await self._redis.rpush(_k("notes", session_id), update)

    async def load_notes(self, session_id: SessionId) -> list[bytes]:
        return [_raw(r) for r in await self._redis.lrange(_k("notes", session_id), 0, -1)]

    async def compact_notes(self, session_id: SessionId, state: bytes) -> None:
        async with self._redis.pipeline(transaction=True) as tx:
            tx.delete(_k("notes", session_id))
            tx.rpush(_k("notes", session_id), state)
            await tx.execute()

    async def append_attendance(self, session_id: SessionId, record: str) -> None:
        async with self._redis.pipeline(transaction=True) as tx:
            tx.rpush(_k("attendance", session_id), record)
            tx.sadd(_k("attendance_sessions"), session_id)
            await tx.execute()

    async def load_attendance(self, session_id: SessionId) -> list[str]:
        return [_text(r) for r in await self._redis.lrange(
            _k("attendance", session_id), 0, -1)]

    async def attendance_sessions(self) -> list[SessionId]:
        return sorted(SessionId(_text(m)) for m in
                      await self._redis.smembers(_k("attendance_sessions")))

    async def save_invite(
        self, session_id: SessionId, identity: str, role: str, display_name: str
    ) -> None:
        async with self._redis.pipeline(transaction=True) as tx:
            tx.hset(_k("invites", session_id), identity, role)
            tx.sadd(_k("invite_sessions"), session_id)
            await tx.execute()

    async def list_invites(self) -> list[tuple[SessionId, str, str]]:
        ids = sorted(_text(m) for m in await self._redis.smembers(_k("invite_sessions")))
        out: list[tuple[SessionId, str, str]] = []
        for sid in ids:
            for identity, role in (await self._redis.hgetall(_k("invites", sid))).items():
                out.append((SessionId(sid), _text(identity), _text(role)))
        return out

    async def save_feedback(self, session_id: SessionId, identity: str, record: str) -> None:
        await self._redis.hset(_k("feedback", session_id), identity, record)

    async def load_feedback(self, session_id: SessionId) -> list[str]:
        return [_text(v) for v in
                (await self._redis.hgetall(_k("feedback", session_id))).values()]

    async def append_admin_action(self, record: str) -> None:
        await self._redis.rpush(_k("admin_actions"), record)

    async def list_admin_actions(self, limit: int) -> list[str]:
        if limit <= 0:
            return []
        return [_text(r) for r in await self._redis.lrange(
            _k("admin_actions"), -limit, -1)]

    async def save_mentor_credential(self, credential: MentorCredential) -> None:
        fields: dict[FieldT, EncodableT] = {
            "name": credential.name, "created_at": repr(credential.created_at),
            "secret_hash": credential.secret_hash}
        if credential.revoked_at is not None:
            fields["revoked_at"] = repr(credential.revoked_at)
        async with self._redis.pipeline(transaction=True) as tx:
            tx.hset(_k("mentor", credential.credential_id), mapping=fields)
            tx.hset(_k("mentor_by_hash"), credential.secret_hash, credential.credential_id)
            tx.sadd(_k("mentors"), credential.credential_id)
            await tx.execute()

    async def mentor_credential_by_hash(self, secret_hash: str) -> MentorCredential | None:
        credential_id = await self._redis.hget(_k("mentor_by_hash"), secret_hash)
        if credential_id is None:
            return None
        return await self._mentor(_text(credential_id))

    async def list_mentor_credentials(self) -> list[MentorCredential]:
        ids = sorted(_text(m) for m in await self._redis.smembers(_k("mentors")))
        async with self._redis.pipeline(transaction=False) as p:
            for credential_id in ids:
                p.hgetall(_k("mentor", credential_id))
            rows = await p.execute()
        found = [_mentor(cid, row) for cid, row in zip(ids, rows, strict=True) if row]
        return sorted(found, key=lambda c: (c.created_at, c.credential_id))

    async def revoke_mentor_credential(
        self, credential_id: str, at: float
    ) -> MentorCredential | None:
        if not await self._redis.exists(_k("mentor", credential_id)):
            return None
        await self._redis.hsetnx(_k("mentor", credential_id), "revoked_at", repr(at))
        return await self._mentor(credential_id)

    async def _mentor(self, credential_id: str) -> MentorCredential | None:
        fields = await self._redis.hgetall(_k("mentor", credential_id))
        return _mentor(credential_id, fields) if fields else None

    async def save_short_link(self, link: ShortLink) -> None:
        fields: dict[FieldT, EncodableT] = {
            "session_id": link.session_id, "token": link.token, "role": link.role,
            "display_name": link.display_name, "identity": link.identity,
            "created_at": repr(link.created_at), "expires_at": repr(link.expires_at)}
        if link.revoked_at is not None:
            fields["revoked_at"] = repr(link.revoked_at)
        await self._redis.hset(_k("short", link.code), mapping=fields)

    async def load_short_link(self, code: str) -> ShortLink | None:
        fields = await self._redis.hgetall(_k("short", code))
        return _short_link(code, fields) if fields else None

    async def revoke_short_link(self, code: str, at: float) -> ShortLink | None:
        # links are never deleted, so one that exists still does for the HSETNX
        if not await self._redis.exists(_k("short", code)):
            return None
        await self._redis.hsetnx(_k("short", code), "revoked_at", repr(at))
        return await self.load_short_link(code)

    async def revoke_invite(self, digest: str, until: float) -> None:
        # kept a day past the token's expiry: clocks of nodes may differ a little
        await self._redis.set(_k("revoked", digest), "1", exat=int(until) + 86_400)

    async def invite_revoked(self, digest: str) -> bool:
        return bool(await self._redis.exists(_k("revoked", digest)))

    async def close(self) -> None:
        await self._redis.aclose()


def _spec(session_id: SessionId, fields: dict[bytes | str, bytes | str]) -> SessionSpec:
    f = {_text(k): _text(v) for k, v in fields.items()}
    return SessionSpec(
        session_id=session_id,
        kind=SessionKind(f["kind"]),
        title=f["title"],
        capacity=int(f["capacity"]),
        created_at=float(f["created_at"]),
        scheduled_start=float(f["scheduled_start"]) if "scheduled_start" in f else None,
        planned_minutes=int(f["planned_minutes"]) if "planned_minutes" in f else None,
        ended_at=float(f["ended_at"]) if "ended_at" in f else None,
    )


def _mentor(credential_id: str, fields: dict[bytes | str, bytes | str]) -> MentorCredential:
    f = {_text(k): _text(v) for k, v in fields.items()}
    return MentorCredential(
        credential_id=credential_id,
        name=f["name"],
        created_at=float(f["created_at"]),
        secret_hash=f["secret_hash"],
        revoked_at=float(f["revoked_at"]) if "revoked_at" in f else None,
    )


def _short_link(code: str, fields: dict[bytes | str, bytes | str]) -> ShortLink:
    f = {_text(k): _text(v) for k, v in fields.items()}
    return ShortLink(
        code=code,
        session_id=SessionId(f["session_id"]),
        token=f["token"],
        role=f["role"],
        display_name=f["display_name"],
        identity=f["identity"],
        created_at=float(f["created_at"]),
        expires_at=float(f["expires_at"]),
        revoked_at=float(f["revoked_at"]) if "revoked_at" in f else None,
    )
