"""Webhooks: signed, at-least-once delivery of program events from a durable queue.

The path of an event:

1. ``notify(event, data)`` (sync, never blocks, never raises) puts an envelope (a fresh
   event id, the event, its time, its data) on a bounded in-memory queue; when the queue
   is full the event is dropped, logged as an error and counted (:attr:`Webhooks.dropped`).
2. A task drains that queue and stores one job per subscribed webhook in the store's
   durable queue ``webhooks`` (``put_job``), then wakes the deliverer.
3. The deliverer claims due jobs for a lease (another node, or this one after a restart,
   retries a job whose lease ran out), POSTs each with at most ``webhook_concurrency``
   attempts in flight, and finishes the job on a 2xx. Anything else reschedules it with
   exponential backoff and jitter, until ``webhook_max_attempts`` (then "failed"). Every
   attempt is appended to the delivery log.

The body of one event is the same bytes on every attempt; the signature headers
(:mod:`signaling.program.webhook_signing`) are made per attempt.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import secrets
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from session_room.attendance import project
from session_room.room import SessionSpec
from signaling.program.context import ProgramContext
from signaling.program.notify import WebhookEvent
from signaling.program.webhook_signing import new_secret, signed_headers
from signaling.worker.attendance_log import decode

logger = logging.getLogger(__name__)

QUEUE = "webhooks"
RECORD_KIND = "webhook"
LOG_STREAM, LOG_KEY = "webhook_deliveries", "all"
PING_EVENT = "ping"
MEMORY_QUEUE_SIZE = 1000
JITTER = 0.2
LEASE_MARGIN_SECONDS = 50.0
CLOSE_WAIT_SECONDS = 5.0


def iso(ts: float | None) -> str | None:
    """UTC ISO-8601 of epoch seconds (``None`` stays ``None``)."""
    return None if ts is None else datetime.fromtimestamp(ts, UTC).isoformat()


@dataclass(frozen=True, slots=True)
class Webhook:
    """A registered receiver.

    Attributes:
        webhook_id: ``WH_...``.
        url: Where deliveries are POSTed.
        events: The subscribed events (empty: all).
        secret: The signing secret (``whsec_...``).
        created_at: Epoch seconds.
    """

    webhook_id: str
    url: str
    events: tuple[str, ...]
    secret: str
    created_at: float

    def wants(self, event: str) -> bool:
        """Whether this webhook subscribed to ``event`` (a ping always goes)."""
        return event == PING_EVENT or not self.events or event in self.events

    def dump(self) -> str:
        """The stored JSON."""
        return json.dumps({**asdict(self), "events": list(self.events)})

    @staticmethod
    def load(text: str) -> Webhook:
        """Reads the stored JSON."""
        raw = json.loads(text)
        return Webhook(raw["webhook_id"], raw["url"], tuple(raw["events"]), raw["secret"],
                       float(raw["created_at"]))


def backoff(attempt: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based): ``base``
    doubled per attempt, times a jitter in [0.8, 1.2], at most ``cap``."""
    jitter = (rng or random).uniform(1 - JITTER, 1 + JITTER)
    return float(min(cap, base * 2 ** (attempt - 1) * jitter))


class Webhooks:
    """Takes program events (a :class:`Notifier`) and session hooks; stores and delivers
    them. Call :meth:`start` once the event loop runs and :meth:`close` at shutdown."""

    def __init__(self, ctx: ProgramContext) -> None:
        self._ctx = ctx
        self._store = ctx.store
        settings = ctx.settings
        self._base = settings.webhook_retry_base_seconds
        self._cap = settings.webhook_retry_max_seconds
        self._max_attempts = settings.webhook_max_attempts
        self._timeout = settings.webhook_timeout_seconds
        self._poll = settings.webhook_poll_seconds
        self._concurrency = settings.webhook_concurrency
        self._lease = self._timeout + LEASE_MARGIN_SECONDS
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(MEMORY_QUEUE_SIZE)
        self._wake = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._inflight: set[asyncio.Task[None]] = set()
        self._drainer: asyncio.Task[None] | None = None
        self._deliverer: asyncio.Task[None] | None = None
        self._client: httpx.AsyncClient | None = None
        self._closed = False
        self.dropped = 0
        """Events dropped because the in-memory queue was full (or after close)."""

    # -- registration ---------------------------------------------------------------

    async def register(self, url: str, events: list[str], now: float) -> Webhook:
        """Stores a new webhook with a fresh secret."""
        hook = Webhook("WH_" + secrets.token_hex(8), url, tuple(events), new_secret(), now)
        await self._store.put_record(RECORD_KIND, hook.webhook_id, hook.dump())
        return hook

    async def webhooks(self) -> list[Webhook]:
        """Every registered webhook, oldest first."""
        hooks = [Webhook.load(text) for _, text in await self._store.list_records(RECORD_KIND)]
        return sorted(hooks, key=lambda h: h.created_at)

    async def webhook(self, webhook_id: str) -> Webhook | None:
        """One webhook, or ``None``."""
        text = await self._store.get_record(RECORD_KIND, webhook_id)
        return None if text is None else Webhook.load(text)

    async def delete(self, webhook_id: str) -> None:
        """Forgets a webhook (its pending deliveries end as failed when due)."""
        await self._store.delete_record(RECORD_KIND, webhook_id)

    async def deliveries(self, limit: int) -> list[dict[str, Any]]:
        """The last ``limit`` delivery attempts, newest last."""
        return [json.loads(e) for e in await self._store.read_log(LOG_STREAM, LOG_KEY, limit)]

    async def pending(self) -> int:
        """Deliveries waiting in the durable queue (in flight included)."""
        return await self._store.count_jobs(QUEUE)

    async def send_test(self, hook: Webhook, requested_by: str) -> str:
        """Stores a ``ping`` delivery for ``hook`` (durable before it returns); returns
        its event id."""
        envelope = _envelope(PING_EVENT, {"webhook_id": hook.webhook_id,
                                          "requested_by": requested_by,
                                          "message": "A test delivery from Mentor Rooms."})
        await self._enqueue(envelope, [hook])
        return str(envelope["id"])

    # -- events -----------------------------------------------------------------------

    def notify(self, event: WebhookEvent, data: dict[str, Any]) -> None:
        """Queues ``event`` for every webhook subscribed to it. Never blocks or raises."""
        try:
            if self._closed:
                raise asyncio.QueueFull
            self._queue.put_nowait(_envelope(event.value, data))
        except asyncio.QueueFull:
            self.dropped += 1
            logger.error("webhook event %s dropped: the queue is full or closed (%d so far)",
                         event.value, self.dropped)
        except Exception:  # never raise into the caller
            self.dropped += 1
            logger.exception("webhook event %s could not be queued", event.value)

    def session_started(self, spec: SessionSpec, at: float) -> None:
        """Hook: queues ``session.started`` (with the session's pair, if any)."""
        self._spawn(self._started(spec, at))

    def session_stopped(self, spec: SessionSpec, started_at: float | None,
                        ended_at: float | None) -> None:
        """Hook: for a session that started, queues ``session.ended`` then
        ``attendance.finalised``."""
        if started_at is not None:
            self._spawn(self._stopped(spec, started_at, ended_at or time.time()))

    def _spawn(self, coro: Any) -> None:
        try:
            task: asyncio.Task[None] = asyncio.get_running_loop().create_task(coro)
        except RuntimeError:  # no running loop: nothing can be delivered
            coro.close()
            self.dropped += 1
            logger.error("webhook session hook called without a running event loop")
            return
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _pair_of(self, session_id: str) -> str | None:
        occurrence = await self._ctx.directory.occurrence(session_id)
        return None if occurrence is None else occurrence.pair_id

    async def _started(self, spec: SessionSpec, at: float) -> None:
        try:
            pair_id = await self._pair_of(spec.session_id)
        except Exception:
            logger.exception("webhook: could not read the pair of %s", spec.session_id)
            pair_id = None
        self.notify(WebhookEvent.SESSION_STARTED, {
            "session_id": spec.session_id, "title": spec.title, "started_at": iso(at),
            "pair_id": pair_id})

    async def _stopped(self, spec: SessionSpec, started_at: float, ended_at: float) -> None:
        sid = spec.session_id
        try:
            pair_id = await self._pair_of(sid)
            entries, _ = decode(await self._store.load_attendance(sid))
        except Exception:
            logger.exception("webhook: could not read the attendance of %s", sid)
            return
        self.notify(WebhookEvent.SESSION_ENDED, {
            "session_id": sid, "title": spec.title, "pair_id": pair_id,
            "started_at": iso(started_at), "ended_at": iso(ended_at)})
        people = project(entries, self._ctx.settings.reconnect_grace_seconds)
        self.notify(WebhookEvent.ATTENDANCE_FINALISED, {
            "session_id": sid, "pair_id": pair_id, "ended_at": iso(ended_at),
            "attendance": [{
                "identity": p.identity, "display_name": p.display_name, "role": p.role.value,
                "minutes": round(p.seconds(ended_at) / 60, 2), "joins": len(p.intervals),
                "reconnects": p.reconnects, "joined_at": iso(p.joined_at),
                "left_at": iso(p.left_at),
                "left_reason": None if p.left_reason is None else p.left_reason.value,
            } for p in sorted(people.values(), key=lambda p: p.joined_at)]})

    # -- storing ----------------------------------------------------------------------

    async def _enqueue(self, envelope: dict[str, Any], hooks: list[Webhook]) -> None:
        body = json.dumps(envelope, separators=(",", ":"))
        now = time.time()
        for hook in hooks:
            job = {"webhook_id": hook.webhook_id, "event_id": envelope["id"],
                   "event": envelope["event"], "body": body, "attempts": 0}
            await self._store.put_job(QUEUE, f"{envelope['id']}.{hook.webhook_id}", now,
                                      json.dumps(job))
        if hooks:
            self._wake.set()

    async def _drain(self) -> None:
        while not self._closed:
            envelope = await self._queue.get()
            try:
                hooks = [h for h in await self.webhooks() if h.wants(envelope["event"])]
                await self._enqueue(envelope, hooks)
            except Exception:
                self.dropped += 1
                logger.exception("webhook event %s could not be stored", envelope["event"])
            finally:
                self._queue.task_done()

    # -- delivering -------------------------------------------------------------------

    async def _deliver_loop(self) -> None:
        while not self._closed:  # a flag too: a store client may turn a cancel into an error
            self._wake.clear()
            free = self._concurrency - len(self._inflight)
            claimed: list[tuple[str, str]] = []
            if free > 0:
                now = time.time()
                try:
                    claimed = await self._store.claim_jobs(QUEUE, now, now + self._lease, free)
                except Exception:
                    logger.exception("webhook deliveries could not be claimed")
                for job_id, text in claimed:
                    task = asyncio.create_task(self._attempt(job_id, text))
                    self._inflight.add(task)
                    task.add_done_callback(self._done)
            if claimed and len(claimed) == free:
                continue
            with contextlib.suppress(TimeoutError):  # asyncio.timeout: never eats a cancel
                async with asyncio.timeout(self._poll):
                    await self._wake.wait()

    def _done(self, task: asyncio.Task[None]) -> None:
        self._inflight.discard(task)
        self._wake.set()

    async def _attempt(self, job_id: str, text: str) -> None:
        try:
            job = json.loads(text)
            hook = await self.webhook(job["webhook_id"])
            if hook is None:
                await self._store.finish_job(QUEUE, job_id)
                await self._log(job, None, job["attempts"], None, "the webhook was deleted",
                                "failed", None)
                return
            await self._post(job_id, job, hook)
        except Exception:  # the lease runs out and the job is tried again
            logger.exception("webhook delivery %s failed unexpectedly", job_id)

    async def _post(self, job_id: str, job: dict[str, Any], hook: Webhook) -> None:
        assert self._client is not None
        attempt = int(job["attempts"]) + 1
        body = str(job["body"]).encode()
        headers = signed_headers(hook.secret, job["event_id"], int(time.time()), body)
        status: int | None = None
        error: str | None = None
        try:  # the whole attempt is bounded; the answer's body is never read
            async with asyncio.timeout(self._timeout), self._client.stream(
                    "POST", hook.url, content=body, headers=headers) as response:
                status = response.status_code
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except TimeoutError:
            error = f"no answer within {self._timeout:g} s"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:300] if str(exc) else type(exc).__name__
        if error is None:
            await self._store.finish_job(QUEUE, job_id)
            await self._log(job, hook, attempt, status, None, "delivered", None)
        elif attempt >= self._max_attempts:
            await self._store.finish_job(QUEUE, job_id)
            await self._log(job, hook, attempt, status, error, "failed", None)
        else:
            due = time.time() + backoff(attempt, self._base, self._cap)
            await self._store.put_job(QUEUE, job_id, due, json.dumps({**job,
                                                                      "attempts": attempt}))
            await self._log(job, hook, attempt, status, error, "retrying", due)

    async def _log(self, job: dict[str, Any], hook: Webhook | None, attempt: int,
                   status: int | None, error: str | None, outcome: str,
                   next_at: float | None) -> None:
        entry = {"event_id": job["event_id"], "event": job["event"],
                 "webhook_id": job["webhook_id"], "url": None if hook is None else hook.url,
                 "attempt": attempt, "status": status, "error": error, "at": iso(time.time()),
                 "outcome": outcome, "next_at": iso(next_at)}
        await self._store.append_log(LOG_STREAM, LOG_KEY, json.dumps(entry))
        log = logger.info if outcome == "delivered" else logger.warning
        log("webhook %s %s to %s: attempt %d %s", job["event"], outcome, entry["url"], attempt,
            error or status)

    # -- life -------------------------------------------------------------------------

    async def start(self) -> None:
        """Starts storing queued events and delivering due ones."""
        self._client = httpx.AsyncClient(timeout=self._timeout, follow_redirects=False)
        self._drainer = asyncio.create_task(self._drain(), name="webhook events")
        self._deliverer = asyncio.create_task(self._deliver_loop(), name="webhook deliveries")

    async def close(self) -> None:
        """Stores the events still queued (waiting a few seconds at most), stops
        delivering (attempts in flight are cut short and retried after their lease, on
        any node) and closes the HTTP client."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(CLOSE_WAIT_SECONDS):
                if self._tasks:
                    await asyncio.gather(*self._tasks, return_exceptions=True)
                if self._drainer is not None:
                    await self._queue.join()
        self._closed = True
        self._wake.set()
        tasks = [t for t in (self._drainer, self._deliverer) if t is not None]
        tasks += list(self._inflight) + list(self._tasks)
        for _ in range(2):  # a cancel swallowed by a library is repeated once
            pending = [t for t in tasks if not t.done()]
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=CLOSE_WAIT_SECONDS)
        if stuck := [t.get_name() for t in tasks if not t.done()]:
            logger.error("webhook tasks did not stop: %s", stuck)
        if self._client is not None:
            await self._client.aclose()


def _envelope(event: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": "evt_" + secrets.token_urlsafe(16), "event": event,
            "created_at": iso(time.time()), "data": data}
