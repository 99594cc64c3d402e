"""The record vocabulary (:mod:`signaling.backends.records`) in SQLite tables."""

from __future__ import annotations

import asyncio
import sqlite3
import threading

RECORDS_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL, key TEXT NOT NULL, record TEXT NOT NULL, PRIMARY KEY (kind, key)
);
CREATE TABLE IF NOT EXISTS logs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, stream TEXT NOT NULL, key TEXT NOT NULL,
    entry TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_by_key ON logs (stream, key, seq);
CREATE TABLE IF NOT EXISTS jobs (
    queue TEXT NOT NULL, job_id TEXT NOT NULL, due_at REAL NOT NULL, job TEXT NOT NULL,
    PRIMARY KEY (queue, job_id)
);
CREATE INDEX IF NOT EXISTS jobs_by_due ON jobs (queue, due_at);
"""


class SqliteRecords:
    """Records, logs and queues in SQLite; mixed into :class:`SqliteStore`, whose
    connection (``_db``), lock (``_lock``) and ``_run`` it uses."""

    _db: sqlite3.Connection
    _lock: threading.Lock

    def _run(self, sql: str, args: tuple[object, ...]) -> list[tuple[object, ...]]:
        raise NotImplementedError  # provided by SqliteStore

    async def put_record(self, kind: str, key: str, record: str) -> None:
        await asyncio.to_thread(self._run, "INSERT OR REPLACE INTO records VALUES (?, ?, ?)",
                                (kind, key, record))

    async def insert_record(self, kind: str, key: str, record: str) -> bool:
        rows = await asyncio.to_thread(
            self._run, "INSERT OR IGNORE INTO records VALUES (?, ?, ?) RETURNING key",
            (kind, key, record))
        return bool(rows)

    async def get_record(self, kind: str, key: str) -> str | None:
        rows = await asyncio.to_thread(
            self._run, "SELECT record FROM records WHERE kind = ? AND key = ?", (kind, key))
        return str(rows[0][0]) if rows else None

    async def list_records(self, kind: str) -> list[tuple[str, str]]:
        rows = await asyncio.to_thread(
            self._run, "SELECT key, record FROM records WHERE kind = ? ORDER BY key", (kind,))
        return [(str(k), str(r)) for k, r in rows]

    async def delete_record(self, kind: str, key: str) -> None:
        await asyncio.to_thread(self._run, "DELETE FROM records WHERE kind = ? AND key = ?",
                                (kind, key))

    async def append_log(self, stream: str, key: str, entry: str) -> None:
        await asyncio.to_thread(self._run, "INSERT INTO logs (stream, key, entry) VALUES (?, ?, ?)",
                                (stream, key, entry))

    async def read_log(self, stream: str, key: str, limit: int) -> list[str]:
        rows = await asyncio.to_thread(
            self._run, "SELECT entry FROM logs WHERE stream = ? AND key = ?"
            " ORDER BY seq DESC LIMIT ?", (stream, key, max(0, limit)))
        return [str(r[0]) for r in reversed(rows)]

    async def put_job(self, queue: str, job_id: str, due_at: float, job: str) -> None:
        await asyncio.to_thread(self._run, "INSERT OR REPLACE INTO jobs VALUES (?, ?, ?, ?)",
                                (queue, job_id, due_at, job))

    def _claim(self, queue: str, now: float, lease_until: float,
               limit: int) -> list[tuple[str, str]]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                rows = self._db.execute(
                    "SELECT job_id, job FROM jobs WHERE queue = ? AND due_at <= ?"
                    " ORDER BY due_at, job_id LIMIT ?", (queue, now, limit)).fetchall()
                self._db.executemany(
                    "UPDATE jobs SET due_at = ? WHERE queue = ? AND job_id = ?",
                    [(lease_until, queue, job_id) for job_id, _ in rows])
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return [(str(j), str(b)) for j, b in rows]

    async def claim_jobs(self, queue: str, now: float, lease_until: float,
                         limit: int) -> list[tuple[str, str]]:
        return await asyncio.to_thread(self._claim, queue, now, lease_until, limit)

    async def finish_job(self, queue: str, job_id: str) -> None:
        await asyncio.to_thread(self._run, "DELETE FROM jobs WHERE queue = ? AND job_id = ?",
                                (queue, job_id))

    async def count_jobs(self, queue: str) -> int:
        rows = await asyncio.to_thread(self._run, "SELECT COUNT(*) FROM jobs WHERE queue = ?",
                                       (queue,))
        return int(str(rows[0][0]))
