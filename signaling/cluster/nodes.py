"""Several nodes on one Redis: the node registry, session placement and failover.

Every session lives on one node (its media must). Each node keeps a key
``mr:node:{id}`` (its URL and load) alive with a heartbeat and a short TTL; a node that
stops beating is dead within :data:`NODE_TTL_SECONDS`. ``mr:owner:{session}`` names the
node that owns a session: the node a first join reaches places the session on the least
loaded live node (``SET NX``), and every other node answers joins for it with a
``redirect`` to the owner. When a node dies, one surviving node (``SET NX`` lock) closes the
open attendance intervals of the dead node's sessions as ``node_lost`` and frees them, so
the participants' reconnects get a fresh room on a live node; agenda, notes and chat are in
Redis and survive. Redis itself going away briefly is survived: every loop retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

from session_room.ids import SessionId
from session_room.roles import LeaveReason
from signaling.backends.base import SessionStore
from signaling.backends.redis import connect
from signaling.worker.attendance_log import close_open_memberships

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 1.0
NODE_TTL_SECONDS = 4.0
"""A node that has not beaten for this long is dead."""
FAILOVER_LOCK_SECONDS = 30
DELETE_IF = """if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0"""
"""Deletes a key only if it still holds the given value (one atomic step in Redis)."""


@dataclass(frozen=True, slots=True)
class NodeInfo:
    """A node as the others see it."""

    node_id: str
    url: str
    """Its base URL (``http://host:port``), the one clients are redirected to."""


def _text(value: bytes | str | None) -> str:
    return "" if value is None else value.decode() if isinstance(value, bytes) else value


class RedisCluster:
    """This node's membership of the cluster.

    Args:
        redis_url: The shared Redis.
        url: This node's base URL as clients reach it.
        store: The shared storage (for closing a dead node's intervals).
        load: This node's load now (participants), for placement.
    """

    def __init__(self, redis_url: str, url: str, store: SessionStore,
                 load: Callable[[], int]) -> None:
        self.me = NodeInfo(f"ND_{secrets.token_urlsafe(6)}", url.rstrip("/"))
        self._redis: Redis = connect(redis_url)
        self._store = store
        self._load = load
        self._task: asyncio.Task[None] | None = None
        self.failovers = 0

    async def start(self) -> None:
        """Registers this node and starts its heartbeat and failover loop (owned here)."""
        await self._beat()
        self._task = asyncio.create_task(self._loop(), name="cluster heartbeat")

    async def close(self) -> None:
        """Stops beating and leaves the registry (its sessions fail over at once)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(RedisError, OSError):
            await self._redis.delete(f"mr:node:{self.me.node_id}")
        await self._redis.aclose()

    async def _beat(self) -> None:
        key = f"mr:node:{self.me.node_id}"
        async with self._redis.pipeline(transaction=True) as tx:
            tx.hset(key, mapping={"url": self.me.url, "load": self._load()})
            tx.pexpire(key, int(NODE_TTL_SECONDS * 1000))
            tx.sadd("mr:nodes", self.me.node_id)
            await tx.execute()

    async def _loop(self) -> None:
        healthy_since = time.monotonic()
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            try:
                began = time.monotonic()
                await self._beat()
                if time.monotonic() - began > HEARTBEAT_SECONDS:  # it waited out an outage
                    healthy_since = time.monotonic()
                # after an outage the other nodes need a beat or two before anyone may
                # call them dead: their keys may have expired while Redis was away
                if time.monotonic() - healthy_since >= NODE_TTL_SECONDS + HEARTBEAT_SECONDS:
                    await self.fail_over_dead_nodes()
            except (RedisError, OSError) as exc:  # Redis restarting: keep trying
                logger.warning("cluster: %s", exc)
                healthy_since = float("inf")
                continue
            if healthy_since == float("inf"):
                healthy_since = time.monotonic()

    async def live_nodes(self) -> dict[str, tuple[NodeInfo, int]]:
        """Every live node with its load."""
        ids = [_text(n) for n in await self._redis.smembers("mr:nodes")]
        async with self._redis.pipeline(transaction=False) as p:
            for node_id in ids:
                p.hgetall(f"mr:node:{node_id}")
            rows = await p.execute()
        live = {}
        for node_id, row in zip(ids, rows, strict=True):
            fields = {_text(k): _text(v) for k, v in row.items()}
            if fields:
                live[node_id] = (NodeInfo(node_id, fields["url"]), int(fields.get("load", 0)))
        return live

    async def owner(self, session_id: SessionId) -> NodeInfo:
        """The live node that owns a session, placing it on the least loaded live node
        if it has none (or frees it first if its owner died)."""
        key = f"mr:owner:{session_id}"
        for _ in range(20):
            current = _text(await self._redis.get(key))
            if current:  # the usual case, on every join: two reads
                url = _text(await self._redis.hget(f"mr:node:{current}", "url"))
                if url:
                    return NodeInfo(current, url)
                # its node died: close what it left open, then place it anew
                if not await self._free(session_id, current):
                    await asyncio.sleep(0.1)  # another node is freeing it
                continue
            live = await self.live_nodes()
            choice = min(live.values(), key=lambda n: (n[1], n[0].node_id != self.me.node_id),
                         default=(self.me, 0))[0]
            if await self._redis.set(key, choice.node_id, nx=True):
                await self._redis.sadd(f"mr:node_sessions:{choice.node_id}", session_id)
                return choice
        raise RedisError(f"could not place session {session_id}")

    async def _free(self, session_id: SessionId, dead: str) -> bool:
        """Closes a dead node's session: its open intervals become ``node_lost`` and it
        loses its owner. False if another node holds the lock for it."""
        if not await self._redis.set(f"mr:freeing:{session_id}", self.me.node_id, nx=True,
                                     ex=FAILOVER_LOCK_SECONDS):
            return False
        try:
            if _text(await self._redis.get(f"mr:owner:{session_id}")) == dead:
                await close_open_memberships(self._store, session_id, LeaveReason.NODE_LOST)
                await self._redis.eval(DELETE_IF, 1, f"mr:owner:{session_id}", dead)
            await self._redis.srem(f"mr:node_sessions:{dead}", session_id)
        finally:
            await self._redis.delete(f"mr:freeing:{session_id}")
        return True

    async def fail_over_dead_nodes(self) -> int:
        """Frees the sessions of nodes that stopped beating; returns how many."""
        live = await self.live_nodes()
        freed = 0
        for node_id in [_text(n) for n in await self._redis.smembers("mr:nodes")]:
            if node_id in live:
                continue
            for session_id in [_text(s) for s in
                               await self._redis.smembers(f"mr:node_sessions:{node_id}")]:
                if await self._free(SessionId(session_id), node_id):
                    freed += 1
            if not await self._redis.scard(f"mr:node_sessions:{node_id}"):
                await self._redis.srem("mr:nodes", node_id)
                logger.warning("cluster: node %s is gone", node_id)
        self.failovers += freed
        return freed
