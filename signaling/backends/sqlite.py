"""Embedded backend: one SQLite file in WAL mode with full sync, no extra server."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

from session_room.ids import SessionId
from session_room.roles import SessionKind
from session_room.room import SessionSpec

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
CREATE TABLE IF NOT EXISTS secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class SqliteStore:
    """SQLite storage; calls run in a worker thread so the event loop never blocks."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)

    def _run(self, sql: str, args: tuple[object, ...]) -> list[tuple[object, ...]]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    async def save_session(self, spec: SessionSpec) -> None:
        await asyncio.to_thread(
            self._run,
            "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?)",
            (spec.session_id, spec.kind.value, spec.title, spec.capacity, spec.created_at,
             spec.scheduled_start, spec.planned_minutes),
        )

    async def load_session(self, session_id: SessionId) -> SessionSpec | None:
        rows = await asyncio.to_thread(
            self._run, "SELECT * FROM sessions WHERE session_id = ?", (session_id,)
        )
        if not rows:
            return None
        sid, kind, title, capacity, created_at, scheduled_start, planned = rows[0]
        return SessionSpec(
            session_id=SessionId(str(sid)),
            kind=SessionKind(str(kind)),
            title=str(title),
            capacity=int(str(capacity)),
            created_at=float(str(created_at)),
            scheduled_start=None if scheduled_start is None else float(str(scheduled_start)),
            planned_minutes=None if planned is None else int(str(planned)),
        )

    async def secret(self, name: str, factory: str) -> str:
        await asyncio.to_thread(
            self._run, "INSERT OR IGNORE INTO secrets VALUES (?, ?)", (name, factory)
        )
        rows = await asyncio.to_thread(
            self._run, "SELECT value FROM secrets WHERE name = ?", (name,)
        )
        return str(rows[0][0])

    async def close(self) -> None:
        with self._lock:
            self._db.close()
