"""Two nodes on one real redis-server: a join through the wrong node is redirected to the
owner and media flows; a killed node is noticed within seconds, its open attendance
intervals are closed as node_lost, and a rejoin gets a fresh room on the live node with the
agenda and chat intact."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from pycrdt import Doc, Text

from load_tests.bot import Bot
from signaling import protocol
from tests.conftest import LiveServer, free_port, start_server
from tests.redis_server import RedisProcess

pytestmark = pytest.mark.media
ADMIN = "cluster-admin-credential-0001"
BEARER = {"Authorization": f"Bearer {ADMIN}"}


@pytest.fixture
def nodes(tmp_path: Path) -> Iterator[tuple[LiveServer, LiveServer, RedisProcess]]:
    (tmp_path / "redis").mkdir()
    redis = RedisProcess(tmp_path / "redis")
    started: list[LiveServer] = []
    try:
        for _ in range(2):
            port = free_port()
            started.append(start_server({
                "MENTOR_ROOMS_STORAGE_URL": redis.url,
                "MENTOR_ROOMS_NODE_URL": f"http://127.0.0.1:{port}",
                "MENTOR_ROOMS_ADMIN_TOKEN": ADMIN,
            }, port=port))
        yield started[0], started[1], redis
    finally:
        for node in started:
            node.process.kill()
            node.process.wait(10)
        redis.stop()


def ws(node: LiveServer, sid: str) -> str:
    return f"{node.ws_base}/ws/sessions/{sid}"


async def wait_until(check: object, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def test_a_join_through_the_wrong_node_is_redirected_to_the_owner_and_media_flows(
    nodes: tuple[LiveServer, LiveServer, RedisProcess],
) -> None:
    a, b, _ = nodes
    sid, mentor_token = a.create_session("one_on_one")
    mentee_token = b.invite(sid, mentor_token, "mentee", "Ana")["token"]
    mentor = Bot(ws(b, sid), mentor_token, "Maya", width=160, height=120, video_loop_frames=30)
    mentee = Bot(ws(a, sid), mentee_token, "Ana", width=160, height=120, video_loop_frames=30)
    try:
        await mentor.join()  # placed on b, the node it reached (both idle)
        joined = await mentee.join()
        assert mentee.redirects == 1 and mentee.ws_url == ws(b, sid)
        assert [p.display_name for p in joined.participants] == ["Maya"]

        def flowing() -> bool:
            return all(bot.remote(other.participant_id).video is not None
                       and bot.remote(other.participant_id).video.frames > 10  # type: ignore[union-attr]
                       for bot, other in ((mentor, mentee), (mentee, mentor)))
        await wait_until(flowing, 20)
    finally:
        await mentee.close()
        await mentor.close()


async def test_a_killed_node_is_noticed_its_intervals_close_and_a_rejoin_keeps_the_board(
    nodes: tuple[LiveServer, LiveServer, RedisProcess],
) -> None:
    a, b, _ = nodes
    sid, mentor_token = a.create_session("one_on_one")
    mentor = Bot(ws(b, sid), mentor_token, "Maya", publish=False, report_quality=False)
    await mentor.join()
    await mentor.send(protocol.AgendaAdd(id="a", title="Goals for the term", details=""))
    await mentor.send(protocol.ChatSend(id="c", client_message_id="c1", text="See you soon"))
    doc: Doc[Text] = Doc()
    before = doc.get_state()
    doc.get("notes", type=Text).insert(0, "Action: draft the plan")
    await mentor.send(protocol.NotesUpdate(
        id="n", update=base64.b64encode(doc.get_update(before)).decode()))
    await wait_until(lambda: any(isinstance(m, protocol.ChatPosted) for m in mentor.received), 5)
    b.process.kill()  # SIGKILL: no goodbye, no leave entries
    killed = time.monotonic()
    await mentor.close()

    async def reasons() -> set[str]:
        async with httpx.AsyncClient() as http:
            report = (await http.get(f"{a.base_url}/api/sessions/{sid}/attendance",
                                     headers=BEARER)).json()
        return {p["left_reason"] for p in report["people"] if p["left_reason"]}

    while (found := await reasons()) != {"node_lost"}:
        assert time.monotonic() - killed < 10, f"not noticed in time: {found}"
        await asyncio.sleep(0.2)
    again = Bot(ws(a, sid), mentor_token, "Maya", publish=False, report_quality=False)
    try:
        joined = await again.join()
        assert again.redirects == 0  # a fresh room on the live node
        assert [i.title for i in joined.board.agenda.items] == ["Goals for the term"]
        assert [m.text for m in joined.board.chat] == ["See you soon"]
        notes: Doc[Text] = Doc()
        notes.apply_update(base64.b64decode(joined.board.notes))
        assert str(notes.get("notes", type=Text)) == "Action: draft the plan"
    finally:
        await again.close()


async def test_the_nodes_reconnect_by_themselves_after_redis_restarts(
    nodes: tuple[LiveServer, LiveServer, RedisProcess],
) -> None:
    a, b, redis = nodes
    sid, mentor_token = a.create_session("one_on_one")
    first = Bot(ws(a, sid), mentor_token, "Maya", publish=False, report_quality=False)
    await first.join()
    await first.close()  # its join and leave are acknowledged attendance entries
    before_restart = time.time()
    redis.kill()
    await asyncio.sleep(1.5)  # both nodes miss heartbeats meanwhile
    redis.start()
    again = Bot(ws(b, sid), mentor_token, "Maya", publish=False, report_quality=False)
    deadline = time.monotonic() + 15
    while True:  # the first joins after the restart may still meet a reconnecting client
        try:
            await again.join()
            break
        except (ConnectionError, OSError):
            assert time.monotonic() < deadline, "the nodes did not reconnect"
            again = Bot(ws(b, sid), mentor_token, "Maya", publish=False, report_quality=False)
            await asyncio.sleep(0.5)
    await again.close()
    deadline = time.monotonic() + 5
    while True:  # the leave is written as soon as the node has handled it
        async with httpx.AsyncClient() as http:
            report = (await http.get(f"{b.base_url}/api/sessions/{sid}/attendance",
                                     headers=BEARER)).json()
        [maya] = report["people"]
        if maya["left_reason"] == "left" or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    assert maya["left_reason"] == "left"
    # the entries from before the restart are all there
    assert datetime.fromisoformat(maya["joined_at"]).timestamp() < before_restart


async def test_new_sessions_are_placed_on_the_least_loaded_node(
    nodes: tuple[LiveServer, LiveServer, RedisProcess],
) -> None:
    a, b, _ = nodes
    bots = []
    try:
        for _ in range(2):  # both first joins reach node a
            sid, token = a.create_session("one_on_one")
            bot = Bot(ws(a, sid), token, "Maya", publish=False, report_quality=False)
            await bot.join()
            bots.append(bot)
            await asyncio.sleep(1.5)  # the next heartbeat carries a's new load
        assert [bot.redirects for bot in bots] == [0, 1]  # the second went to idle b
        assert bots[1].ws_url.startswith(b.ws_base)
    finally:
        for bot in bots:
            await bot.close()
