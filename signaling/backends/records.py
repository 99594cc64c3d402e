"""Records, logs and a job queue: the storage vocabulary of the mentoring program
(people, pairs, goals, threads, webhooks), shared by every backend.

A *record* is a JSON text under ``(kind, key)``, replaced whole. A *log* is an
append-only list of JSON texts under ``(stream, key)``. A *queue* holds jobs due at a
time; a node claims due jobs for a lease, so a job whose node died is retried by another
(delivery is at least once). Every write is durable when the call returns.
"""

from __future__ import annotations

from typing import Protocol


class RecordStore(Protocol):
    """What the program layer keeps (implemented by every :class:`SessionStore`)."""

    async def put_record(self, kind: str, key: str, record: str) -> None:
        """Stores (inserts or replaces) the record ``key`` of ``kind``."""

    async def insert_record(self, kind: str, key: str, record: str) -> bool:
        """Stores the record only if ``key`` is new; returns whether it was stored."""

    async def get_record(self, kind: str, key: str) -> str | None:
        """The record ``key`` of ``kind``, or ``None``."""

    async def list_records(self, kind: str) -> list[tuple[str, str]]:
        """Every ``(key, record)`` of ``kind``, by key."""

    async def delete_record(self, kind: str, key: str) -> None:
        """Forgets the record (nothing happens if there is none)."""

    async def append_log(self, stream: str, key: str, entry: str) -> None:
        """Appends one entry to the log ``key`` of ``stream``."""

    async def read_log(self, stream: str, key: str, limit: int) -> list[str]:
        """The last ``limit`` entries of a log, oldest first."""

    async def put_job(self, queue: str, job_id: str, due_at: float, job: str) -> None:
        """Stores (or replaces) a job, due at ``due_at`` epoch seconds."""

    async def claim_jobs(self, queue: str, now: float, lease_until: float,
                         limit: int) -> list[tuple[str, str]]:
        """Claims up to ``limit`` jobs due at ``now`` (earliest first): each becomes due
        again at ``lease_until`` unless finished or replaced before. Two claims never get
        the same job within one lease."""

    async def finish_job(self, queue: str, job_id: str) -> None:
        """Removes a job (done, or given up)."""

    async def count_jobs(self, queue: str) -> int:
        """How many jobs wait in ``queue`` (claimed ones included)."""
