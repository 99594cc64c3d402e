"""One load-test worker process: runs its share of the rooms with bots and reports
samples every second and its measurements at the end, over a multiprocessing queue.

Every time is ``time.monotonic()``, which is system-wide on Linux, so figures from
several workers (and the chat timestamps inside messages) compare directly.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import random
import signal
import time
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
from pycrdt import Doc, Text

from load_tests.bot import Bot, SubscriptionCounters
from load_tests.measure import CHAT_PREFIX, Recorder, counters, result, sample
from load_tests.scenario import LoadConfig, Media, RoomPlan
from load_tests.server import bearer
from signaling import protocol

SAMPLE_SECONDS = 1.0
MAX_AGENDA_ADDS = 20


class Outbox(Protocol):
    """Where a worker puts its samples and result (a multiprocessing queue)."""

    def put(self, item: dict[str, Any]) -> None: ...


class StopFlag(Protocol):
    """Set by the parent to end the run early (a multiprocessing event)."""

    def is_set(self) -> bool: ...


class JoinPacer:
    """Spaces joins to a rate (joins per second) for this worker."""

    def __init__(self, rate: float) -> None:
        self._gap = 1.0 / rate if rate > 0 else 0.0
        self._next = time.monotonic()

    async def wait(self) -> None:
        """Returns when the next join may start."""
        now = time.monotonic()
        slot = max(now, self._next)
        self._next = slot + self._gap
        await asyncio.sleep(slot - now)


@dataclass
class Member:
    """A bot in a room, and what its first remote frame is awaited from."""

    bot: Bot
    expect_from: set[str]
    first_frame_done: bool = False


class RoomRunner:
    """Creates one session, fills it with bots and keeps them busy until stopped."""

    def __init__(
        self,
        plan: RoomPlan,
        config: LoadConfig,
        recorder: Recorder,
        http: httpx.AsyncClient,
        pacer: JoinPacer,
    ) -> None:
        self.plan = plan
        self._config = config
        self._recorder = recorder
        self._http = http
        self._pacer = pacer
        self.members: list[Member] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._sid = ""
        self._mentor_token = ""
        self._names = itertools.count(1)

    async def open(self) -> None:
        """Creates the session and joins its mentor (paced)."""
        r = await self._http.post(
            "/api/sessions",
            json={
                "kind": self.plan.kind,
                "title": f"Load room {self.plan.index}",
                "mentor_name": "Mentor",
                "planned_minutes": 30,
                **({"capacity": self.plan.participants} if self.plan.kind == "circle" else {}),
            },
            headers=bearer(self._config.credential),
        )
        r.raise_for_status()
        body = r.json()
        self._sid = body["session"]["session_id"]
        self._mentor_token = body["mentor_invite"]["token"]
        await self._join(self._mentor_token, "Mentor")

    async def fill(self) -> None:
        """Joins the mentees (paced) and starts the churn, if any."""
        for _ in range(self.plan.participants - 1):
            await self._join(await self._invite(), f"Mentee {next(self._names)}")
        if self.plan.churn:
            self._tasks.append(asyncio.create_task(self._churn()))

    async def _invite(self) -> str:
        r = await self._http.post(
            f"/api/sessions/{self._sid}/invites",
            json={"role": "mentee"},
            headers={"Authorization": f"Bearer {self._mentor_token}"},
        )
        r.raise_for_status()
        return str(r.json()["token"])

    async def _join(self, token: str, name: str) -> Member | None:
        await self._pacer.wait()
        config, media = self._config, self.plan.media
        bot = Bot(
            f"{config.ws_base}/ws/sessions/{self._sid}",
            token,
            name,
            publish=media is not Media.NONE,
            audio_only=media is Media.AUDIO,
            width=config.width,
            height=config.height,
            bitrate=config.bitrate,
            video_loop_frames=60,
            padded=True,
            report_quality=media is not Media.NONE,
            keep_received=False,
            fingerprint=False,
            packet_mode=config.packet_bots,
        )
        self._recorder.listen(bot)
        self._recorder.attempted += 1
        try:
            joined = await bot.join(timeout=20)
        except (ConnectionError, OSError, TimeoutError) as exc:
            code = str(bot.close_code) if bot.close_code is not None else type(exc).__name__
            self._recorder.refused[code] += 1
            await bot.close()
            return None
        self._recorder.succeeded += 1
        self._recorder.join_latency.append(bot.joined_at - bot.join_started)
        expect = (
            {p.participant_id for p in joined.participants if p.active}
            if media is not Media.NONE
            else set()
        )
        member = Member(bot, expect)
        self.members.append(member)
        if config.chat_every > 0:
            self._tasks.append(asyncio.create_task(self._chat(bot)))
        if self.plan.board_traffic:
            self._tasks.append(asyncio.create_task(self._board(bot, name == "Mentor")))
        return member

    async def _chat(self, bot: Bot) -> None:
        every = self._config.chat_every
        await asyncio.sleep(random.uniform(0, every))
        while True:
            await bot.send(
                protocol.ChatSend(
                    id=bot.next_id(),
                    client_message_id=f"c{bot.next_id()}",
                    text=f"{CHAT_PREFIX}{time.monotonic():.6f}",
                )
            )
            await asyncio.sleep(every)

    async def _board(self, bot: Bot, mentor: bool) -> None:
        every = self._config.action_every
        doc: Doc[Text] = Doc()
        text = doc.get("notes", type=Text)
        added = 0
        await asyncio.sleep(random.uniform(0, every))
        for step in itertools.count():
            before = doc.get_state()
            text.insert(0, f"{bot.name} {step}. ")
            await bot.send(
                protocol.NotesUpdate(
                    id=bot.next_id(), update=base64.b64encode(doc.get_update(before)).decode()
                )
            )
            if mentor and step % 2 == 0 and added < MAX_AGENDA_ADDS:
                added += 1
                await bot.send(
                    protocol.AgendaAdd(id=bot.next_id(), title=f"Topic {added}", details="")
                )
            elif mentor:
                action = protocol.TimerAction.START if step % 4 == 1 else protocol.TimerAction.PAUSE
                await bot.send(
                    protocol.TimerControl(
                        id=bot.next_id(),
                        action=action,
                        seconds=600.0 if action is protocol.TimerAction.START else None,
                    )
                )
            await asyncio.sleep(every)

    async def _churn(self) -> None:
        low, high = self._config.churn_stay
        while True:
            await asyncio.sleep(random.uniform(low, high) / max(1, self.plan.participants - 1))
            leaving = [m for m in self.members if m.bot.name != "Mentor"]
            if not leaving:
                continue
            member = random.choice(leaving)
            self.members.remove(member)
            await member.bot.close()
            await self._join(await self._invite(), f"Mentee {next(self._names)}")

    def check_first_frames(self) -> None:
        """Records join → first remote frame for members still waiting for one."""
        kind = "video" if self.plan.media is Media.VIDEO else "audio"
        for member in self.members:
            if member.first_frame_done or not member.expect_from:
                continue
            firsts = [
                s.first_frame_at
                for s in member.bot.subscriptions()
                if s.kind == kind
                and s.participant_id in member.expect_from
                and s.first_frame_at is not None
            ]
            if firsts:
                member.first_frame_done = True
                self._recorder.first_frame.append(min(firsts) - member.bot.join_started)

    async def stop(self) -> None:
        """Stops the traffic and closes every bot (they leave)."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await asyncio.gather(*(m.bot.close() for m in self.members), return_exceptions=True)


async def run_rooms(
    config: LoadConfig, plans: list[RoomPlan], outbox: Outbox, worker: int, end_at: float,
    stop: StopFlag,
) -> None:
    """Runs ``plans`` until ``end_at`` (monotonic) or ``stop``, sampling every second,
    then closes every bot and reports."""
    recorder = Recorder()
    pacer = JoinPacer(config.ramp / max(1, config.workers))
    rooms: list[RoomRunner] = []
    async with httpx.AsyncClient(base_url=config.url, timeout=30) as http:
        starter = asyncio.create_task(start_all(plans, config, recorder, http, pacer, rooms))
        steady: tuple[float, dict[tuple[int, str], SubscriptionCounters]] | None = None
        while time.monotonic() < end_at and not stop.is_set():
            await asyncio.sleep(min(SAMPLE_SECONDS, max(0.0, end_at - time.monotonic())))
            for room in rooms:
                room.check_first_frames()
            if steady is None and starter.done():
                await asyncio.sleep(min(config.warmup, max(0.0, end_at - time.monotonic() - 1)))
                steady = (time.monotonic(), counters(rooms))
            outbox.put(sample(worker, rooms, recorder))
        if not starter.done():
            starter.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await starter
        finished = (time.monotonic(), counters(rooms))
        for room in rooms:
            await room.stop()
    outbox.put(result(worker, recorder, steady, finished))


async def start_all(
    plans: list[RoomPlan],
    config: LoadConfig,
    recorder: Recorder,
    http: httpx.AsyncClient,
    pacer: JoinPacer,
    rooms: list[RoomRunner],
) -> None:
    """Opens every room with its mentor, then fills the rooms with mentees (all joins
    paced), as mentors usually wait for their mentees."""
    for plan in plans:
        room = RoomRunner(plan, config, recorder, http, pacer)
        try:
            await room.open()
        except httpx.HTTPError as exc:
            recorder.refused[f"http_{type(exc).__name__}"] += 1
            continue
        rooms.append(room)
    for room in list(rooms):
        try:
            await room.fill()
        except httpx.HTTPError as exc:
            recorder.refused[f"http_{type(exc).__name__}"] += 1


def worker_main(
    config: LoadConfig, plans: list[RoomPlan], outbox: Outbox, worker: int, end_at: float,
    stop: StopFlag,
) -> None:
    """Entry point of a worker process. Ctrl-C is the parent's to handle: it sets
    ``stop``, and the worker then cleans up and reports as at the normal end."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    asyncio.run(run_rooms(config, plans, outbox, worker, end_at, stop))
