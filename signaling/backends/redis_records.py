"""The record vocabulary (:mod:`signaling.backends.records`) in Redis.

Keys (prefix ``mr:``): ``rec:{kind}`` (hash key -> record), ``log:{stream}:{key}``
(list), ``jobs:{queue}`` (sorted set job id by due time) and ``jobdata:{queue}`` (hash
job id -> job). A claim is one Lua script, so two nodes never claim the same due job.
"""

from __future__ import annotations

from redis.asyncio import Redis

PREFIX = "mr:"

CLAIM = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  redis.call('ZADD', KEYS[1], ARGV[2], id)
  table.insert(out, id)
  table.insert(out, redis.call('HGET', KEYS[2], id) or '')
end
return out
"""


def _k(*parts: str) -> str:
    return PREFIX + ":".join(parts)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class RedisRecords:
    """Records, logs and queues in Redis; mixed into :class:`RedisStore` (``_redis``)."""

    _redis: Redis

    async def put_record(self, kind: str, key: str, record: str) -> None:
        await self._redis.hset(_k("rec", kind), key, record)

    async def insert_record(self, kind: str, key: str, record: str) -> bool:
        return bool(await self._redis.hsetnx(_k("rec", kind), key, record))

    async def get_record(self, kind: str, key: str) -> str | None:
        value = await self._redis.hget(_k("rec", kind), key)
        return None if value is None else _text(value)

    async def list_records(self, kind: str) -> list[tuple[str, str]]:
        found = await self._redis.hgetall(_k("rec", kind))
        return sorted((_text(k), _text(v)) for k, v in found.items())

    async def delete_record(self, kind: str, key: str) -> None:
        await self._redis.hdel(_k("rec", kind), key)

    async def append_log(self, stream: str, key: str, entry: str) -> None:
        await self._redis.rpush(_k("log", stream, key), entry)

    async def read_log(self, stream: str, key: str, limit: int) -> list[str]:
        if limit <= 0:
            return []
        return [_text(e) for e in await self._redis.lrange(_k("log", stream, key), -limit, -1)]

    async def put_job(self, queue: str, job_id: str, due_at: float, job: str) -> None:
        async with self._redis.pipeline(transaction=True) as tx:
            tx.hset(_k("jobdata", queue), job_id, job)
            tx.zadd(_k("jobs", queue), {job_id: due_at})
            await tx.execute()

    async def claim_jobs(self, queue: str, now: float, lease_until: float,
                         limit: int) -> list[tuple[str, str]]:
        flat = await self._redis.eval(
            CLAIM, 2, _k("jobs", queue), _k("jobdata", queue), repr(now), repr(lease_until),
            str(limit))
        items = [_text(v) for v in flat]
        return list(zip(items[0::2], items[1::2], strict=True))

    async def finish_job(self, queue: str, job_id: str) -> None:
        async with self._redis.pipeline(transaction=True) as tx:
            tx.zrem(_k("jobs", queue), job_id)
            tx.hdel(_k("jobdata", queue), job_id)
            await tx.execute()

    async def count_jobs(self, queue: str) -> int:
        return int(await self._redis.zcard(_k("jobs", queue)))
