"""The record vocabulary (:mod:`signaling.backends.records`) in dictionaries."""

from __future__ import annotations


class MemoryRecords:
    """Records, logs and queues in memory; mixed into :class:`MemoryStore`."""

    def __init__(self) -> None:
        self._records: dict[str, dict[str, str]] = {}
        self._logs: dict[tuple[str, str], list[str]] = {}
        self._queues: dict[str, dict[str, tuple[float, str]]] = {}

    async def put_record(self, kind: str, key: str, record: str) -> None:
        self._records.setdefault(kind, {})[key] = record

    async def insert_record(self, kind: str, key: str, record: str) -> bool:
        records = self._records.setdefault(kind, {})
        if key in records:
            return False
        records[key] = record
        return True

    async def get_record(self, kind: str, key: str) -> str | None:
        return self._records.get(kind, {}).get(key)

    async def list_records(self, kind: str) -> list[tuple[str, str]]:
        return sorted(self._records.get(kind, {}).items())

    async def delete_record(self, kind: str, key: str) -> None:
        self._records.get(kind, {}).pop(key, None)

    async def append_log(self, stream: str, key: str, entry: str) -> None:
        self._logs.setdefault((stream, key), []).append(entry)

    async def read_log(self, stream: str, key: str, limit: int) -> list[str]:
        if limit <= 0:
            return []
        return self._logs.get((stream, key), [])[-limit:]

    async def put_job(self, queue: str, job_id: str, due_at: float, job: str) -> None:
        self._queues.setdefault(queue, {})[job_id] = (due_at, job)

    async def claim_jobs(self, queue: str, now: float, lease_until: float,
                         limit: int) -> list[tuple[str, str]]:
        jobs = self._queues.get(queue, {})
        due = sorted((at, job_id) for job_id, (at, _) in jobs.items() if at <= now)[:limit]
        out = []
        for _, job_id in due:
            out.append((job_id, jobs[job_id][1]))
            jobs[job_id] = (lease_until, jobs[job_id][1])
        return out

    async def finish_job(self, queue: str, job_id: str) -> None:
        self._queues.get(queue, {}).pop(job_id, None)

    async def count_jobs(self, queue: str) -> int:
        return len(self._queues.get(queue, {}))
