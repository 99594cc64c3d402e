"""Embedded backend: one SQLite file in WAL mode with full sync, no extra server."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

from session_room.ids import SessionId
from session_room.roles import SessionKind
from session_room.room import SessionSpec
from signaling.backends.base import MentorCredential, ShortLink
from signaling.backends.sqlite_records import RECORDS_SCHEMA, SqliteRecords

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    session_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    created_at REAL NOT NULL,
    scheduled_start REAL,
    planned_minutes INTEGER
);
CREATE TABLE IF NOT EXISTS session_ends (
    session_id TEXT PRIMARY KEY,
    ended_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS admin_actions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    record TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS boards (session_id TEXT PRIMARY KEY, document TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chat (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chat_by_session ON chat (session_id, seq);
CREATE TABLE IF NOT EXISTS notes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL,
    update_bytes BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS notes_by_session ON notes (session_id, seq);
CREATE TABLE IF NOT EXISTS attendance (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS attendance_by_session ON attendance (session_id, seq);
CREATE TABLE IF NOT EXISTS invites (
    session_id TEXT NOT NULL,
    identity TEXT NOT NULL,
    role TEXT NOT NULL,
    display_name TEXT NOT NULL,
    PRIMARY KEY (session_id, identity)
);
CREATE TABLE IF NOT EXISTS mentor_credentials (
    credential_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at REAL NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    revoked_at REAL
);
CREATE TABLE IF NOT EXISTS short_links (
    code TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    token TEXT NOT NULL,
    role TEXT NOT NULL,
    display_name TEXT NOT NULL,
    identity TEXT NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    revoked_at REAL
);
CREATE TABLE IF NOT EXISTS revoked_invites (
    digest TEXT PRIMARY KEY,
    until REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback (
    session_id TEXT NOT NULL,
    identity TEXT NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (session_id, identity)
);
"""
SELECT_MENTORS = (
    "SELECT credential_id, name, created_at, secret_hash, revoked_at FROM mentor_credentials"
)
SELECT_SHORT_LINKS = (
    "SELECT code, session_id, token, role, display_name, identity, created_at, expires_at,"
    " revoked_at FROM short_links WHERE code = ?"
)
SELECT_SESSIONS = (
    "SELECT s.session_id, s.kind, s.title, s.capacity, s.created_at, s.scheduled_start,"
    " s.planned_minutes, e.ended_at FROM sessions s"
    " LEFT JOIN session_ends e ON e.session_id = s.session_id"
)


class SqliteStore(SqliteRecords):
    """SQLite storage; calls run in a worker thread so the event loop never blocks."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA + RECORDS_SCHEMA)

    def _run(self, sql: str, args: tuple[object, ...]) -> list[tuple[object, ...]]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    async def save_session(self, spec: SessionSpec) -> None:
        await asyncio.to_thread(
            self._run,
            "INSERT OR REPLACE INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                spec.session_id,
                spec.kind.value,
                spec.title,
                spec.capacity,
                spec.created_at,
                spec.scheduled_start,
                spec.planned_minutes,
            ),
        )

    async def load_session(self, session_id: SessionId) -> SessionSpec | None:
        rows = await asyncio.to_thread(
            self._run, SELECT_SESSIONS + " WHERE s.session_id = ?", (session_id,)
        )
        return _spec(rows[0]) if rows else None

    async def mark_ended(self, session_id: SessionId, at: float) -> None:
        await asyncio.to_thread(
            self._run, "INSERT OR IGNORE INTO session_ends VALUES (?, ?)", (session_id, at)
        )

    async def append_admin_action(self, record: str) -> None:
        await asyncio.to_thread(
            self._run, "INSERT INTO admin_actions (record) VALUES (?)", (record,)
        )

    async def list_admin_actions(self, limit: int) -> list[str]:
        rows = await asyncio.to_thread(
            self._run, "SELECT record FROM admin_actions ORDER BY seq DESC LIMIT ?", (limit,)
        )
        return [str(r[0]) for r in reversed(rows)]

    async def secret(self, name: str, factory: str) -> str:
        await asyncio.to_thread(
            self._run, "INSERT OR IGNORE INTO secrets VALUES (?, ?)", (name, factory)
        )
        rows = await asyncio.to_thread(
            self._run, "SELECT value FROM secrets WHERE name = ?", (name,)
        )
        return str(rows[0][0])

    async def save_board(self, session_id: SessionId, document: str) -> None:
        await asyncio.to_thread(
            self._run, "INSERT OR REPLACE INTO boards VALUES (?, ?)", (session_id, document)
        )

    async def load_board(self, session_id: SessionId) -> str | None:
        rows = await asyncio.to_thread(
            self._run, "SELECT document FROM boards WHERE session_id = ?", (session_id,)
        )
        return str(rows[0][0]) if rows else None

    async def append_chat(self, session_id: SessionId, record: str) -> None:
        await asyncio.to_thread(
            self._run, "INSERT INTO chat (session_id, record) VALUES (?, ?)", (session_id, record)
        )

    async def load_chat(self, session_id: SessionId, limit: int) -> list[str]:
        rows = await asyncio.to_thread(
            self._run,
            "SELECT record FROM chat WHERE session_id = ? ORDER BY seq DESC LIMIT ?",
            (session_id, limit),
        )
        return [str(r[0]) for r in reversed(rows)]

    async def append_notes(self, session_id: SessionId, update: bytes) -> None:
        await asyncio.to_thread(
            self._run,
            "INSERT INTO notes (session_id, update_bytes) VALUES (?, ?)",
            (session_id, update),
        )

    async def load_notes(self, session_id: SessionId) -> list[bytes]:
        rows = await asyncio.to_thread(
            self._run,
            "SELECT update_bytes FROM notes WHERE session_id = ? ORDER BY seq",
            (session_id,),
        )
        return [r[0] for r in rows if isinstance(r[0], bytes)]

    async def compact_notes(self, session_id: SessionId, state: bytes) -> None:
        def replace() -> None:
            with self._lock:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    self._db.execute("DELETE FROM notes WHERE session_id = ?", (session_id,))
                    self._db.execute(
                        "INSERT INTO notes (session_id, update_bytes) VALUES (?, ?)",
                        (session_id, state),
                    )
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise

        await asyncio.to_thread(replace)

    async def append_attendance(self, session_id: SessionId, record: str) -> None:
        await asyncio.to_thread(
            self._run,
            "INSERT INTO attendance (session_id, record) VALUES (?, ?)",
            (session_id, record),
        )

    async def load_attendance(self, session_id: SessionId) -> list[str]:
        rows = await asyncio.to_thread(
            self._run,
            "SELECT record FROM attendance WHERE session_id = ? ORDER BY seq",
            (session_id,),
        )
        return [str(r[0]) for r in rows]

    async def attendance_sessions(self) -> list[SessionId]:
        rows = await asyncio.to_thread(self._run, "SELECT DISTINCT session_id FROM attendance", ())
        return [SessionId(str(r[0])) for r in rows]

    async def save_invite(
        self, session_id: SessionId, identity: str, role: str, display_name: str
    ) -> None:
        await asyncio.to_thread(
            self._run,
            "INSERT OR REPLACE INTO invites VALUES (?, ?, ?, ?)",
            (session_id, identity, role, display_name),
        )

    async def list_invites(self) -> list[tuple[SessionId, str, str]]:
        rows = await asyncio.to_thread(
            self._run, "SELECT session_id, identity, role FROM invites", ()
        )
        return [(SessionId(str(a)), str(b), str(c)) for a, b, c in rows]

    async def list_sessions(self) -> list[SessionSpec]:
        rows = await asyncio.to_thread(self._run, SELECT_SESSIONS, ())
        return [_spec(row) for row in rows]

    async def save_feedback(self, session_id: SessionId, identity: str, record: str) -> None:
        await asyncio.to_thread(
            self._run,
            "INSERT OR REPLACE INTO feedback VALUES (?, ?, ?)",
            (session_id, identity, record),
        )

    async def load_feedback(self, session_id: SessionId) -> list[str]:
        rows = await asyncio.to_thread(
            self._run, "SELECT record FROM feedback WHERE session_id = ?", (session_id,)
        )
        return [str(r[0]) for r in rows]

    async def save_mentor_credential(self, credential: MentorCredential) -> None:
        await asyncio.to_thread(
            self._run,
            "INSERT INTO mentor_credentials VALUES (?, ?, ?, ?, ?)",
            (credential.credential_id, credential.name, credential.created_at,
             credential.secret_hash, credential.revoked_at),
        )

    async def mentor_credential_by_hash(self, secret_hash: str) -> MentorCredential | None:
        rows = await asyncio.to_thread(
            self._run, SELECT_MENTORS + " WHERE secret_hash = ?", (secret_hash,)
        )
        return _mentor(rows[0]) if rows else None

    async def list_mentor_credentials(self) -> list[MentorCredential]:
        rows = await asyncio.to_thread(
            self._run, SELECT_MENTORS + " ORDER BY created_at, credential_id", ()
        )
        return [_mentor(row) for row in rows]

    async def revoke_mentor_credential(
        self, credential_id: str, at: float
    ) -> MentorCredential | None:
        def revoke() -> list[tuple[object, ...]]:
            with self._lock:  # autocommit: the UPDATE is committed when execute returns
                self._db.execute(
                    "UPDATE mentor_credentials SET revoked_at = ?"
                    " WHERE credential_id = ? AND revoked_at IS NULL",
                    (at, credential_id),
                )
                return self._db.execute(
                    SELECT_MENTORS + " WHERE credential_id = ?", (credential_id,)
                ).fetchall()

        rows = await asyncio.to_thread(revoke)
        return _mentor(rows[0]) if rows else None

    async def save_short_link(self, link: ShortLink) -> None:
        await asyncio.to_thread(
            self._run,
            "INSERT INTO short_links VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (link.code, link.session_id, link.token, link.role, link.display_name,
             link.identity, link.created_at, link.expires_at, link.revoked_at),
        )

    async def load_short_link(self, code: str) -> ShortLink | None:
        rows = await asyncio.to_thread(self._run, SELECT_SHORT_LINKS, (code,))
        return _short_link(rows[0]) if rows else None

    async def revoke_short_link(self, code: str, at: float) -> ShortLink | None:
        def revoke() -> list[tuple[object, ...]]:
            with self._lock:  # autocommit: the UPDATE is committed when execute returns
                self._db.execute(
                    "UPDATE short_links SET revoked_at = ? WHERE code = ? AND revoked_at IS NULL",
                    (at, code),
                )
                return self._db.execute(SELECT_SHORT_LINKS, (code,)).fetchall()

        rows = await asyncio.to_thread(revoke)
        return _short_link(rows[0]) if rows else None

    async def revoke_invite(self, digest: str, until: float) -> None:
        await asyncio.to_thread(
            self._run, "INSERT OR IGNORE INTO revoked_invites VALUES (?, ?)", (digest, until))

    async def invite_revoked(self, digest: str) -> bool:
        rows = await asyncio.to_thread(
            self._run, "SELECT 1 FROM revoked_invites WHERE digest = ?", (digest,))
        return bool(rows)

    async def close(self) -> None:
        with self._lock:
            self._db.close()


def _spec(row: tuple[object, ...]) -> SessionSpec:
    sid, kind, title, capacity, created_at, scheduled_start, planned, ended = row
    return SessionSpec(
        session_id=SessionId(str(sid)),
        kind=SessionKind(str(kind)),
        title=str(title),
        capacity=int(str(capacity)),
        created_at=float(str(created_at)),
        scheduled_start=None if scheduled_start is None else float(str(scheduled_start)),
        planned_minutes=None if planned is None else int(str(planned)),
        ended_at=None if ended is None else float(str(ended)),
    )


def _mentor(row: tuple[object, ...]) -> MentorCredential:
    credential_id, name, created_at, secret_hash, revoked_at = row
    return MentorCredential(
        credential_id=str(credential_id),
        name=str(name),
        created_at=float(str(created_at)),
        secret_hash=str(secret_hash),
        revoked_at=None if revoked_at is None else float(str(revoked_at)),
    )


def _short_link(row: tuple[object, ...]) -> ShortLink:
    code, sid, token, role, display_name, identity, created_at, expires_at, revoked_at = row
    return ShortLink(
        code=str(code),
        session_id=SessionId(str(sid)),
        token=str(token),
        role=str(role),
        display_name=str(display_name),
        identity=str(identity),
        created_at=float(str(created_at)),
        expires_at=float(str(expires_at)),
        revoked_at=None if revoked_at is None else float(str(revoked_at)),
    )
