"""Per-connection limits and the fair inbox, on sample sequences (no clock reads)."""

from __future__ import annotations

import asyncio
from typing import cast

from session_room.ids import ParticipantId
from signaling import protocol
from signaling.edge.connection import Connection
from signaling.edge.limits import (
    LIMITS,
    REFUSALS_BEFORE_CLOSE,
    ConnectionLimits,
    MessageKind,
    Rate,
    RejoinBlock,
    TokenBucket,
    Verdict,
    kind_of,
)
from signaling.worker.inbox import (
    INBOX_SIZE,
    PENDING_PER_CONNECTION,
    ClientRequest,
    Disconnected,
    Inbox,
)


def test_a_bucket_allows_its_burst_then_its_rate() -> None:
    bucket = TokenBucket(Rate(per_second=2, burst=3), now=0.0)
    assert [bucket.take(0.0) for _ in range(4)] == [True, True, True, False]
    assert bucket.take(0.5) and not bucket.take(0.5)
    assert all(bucket.take(10.0) for _ in range(3))  # refilled, but only to the burst
    assert not bucket.take(10.0)


def test_a_fast_human_never_meets_a_limit() -> None:
    limits = ConnectionLimits()
    # an hour of: a chat message every second, 15 notes updates a second while typing,
    # a quality report a second, a 5-ping clock burst every 30 s
    for second in range(3600):
        now = float(second)
        assert limits.check(MessageKind.CHAT, now) is Verdict.ADMIT
        assert limits.check(MessageKind.QUALITY, now) is Verdict.ADMIT
        for k in range(15):
            assert limits.check(MessageKind.NOTES, now + k / 15) is Verdict.ADMIT
        if second % 30 == 0:
            for k in range(5):
                assert limits.check(MessageKind.CLOCK, now + k * 0.2) is Verdict.ADMIT


def test_a_reconnect_may_resend_a_burst_of_unsent_chat() -> None:
    limits = ConnectionLimits()
    assert all(limits.check(MessageKind.CHAT, 5.0) is Verdict.ADMIT for _ in range(25))


def test_a_flood_is_refused_then_closed() -> None:
    limits = ConnectionLimits()
    verdicts = [limits.check(MessageKind.CHAT, 1.0 + n / 4000) for n in range(200)]
    burst = int(LIMITS[MessageKind.CHAT].burst)
    assert verdicts[:burst] == [Verdict.ADMIT] * burst
    assert verdicts[burst:burst + REFUSALS_BEFORE_CLOSE - 1] == (
        [Verdict.REFUSE] * (REFUSALS_BEFORE_CLOSE - 1))
    assert verdicts[burst + REFUSALS_BEFORE_CLOSE - 1] is Verdict.CLOSE


def test_refusals_spread_over_time_do_not_close() -> None:
    limits = ConnectionLimits({**LIMITS, MessageKind.CHAT: Rate(per_second=0.001, burst=0)})
    assert all(limits.check(MessageKind.CHAT, n * 1.0) is Verdict.REFUSE for n in range(100))


def test_each_kind_has_its_own_bucket() -> None:
    limits = ConnectionLimits()
    for _ in range(int(LIMITS[MessageKind.CHAT].burst)):
        limits.check(MessageKind.CHAT, 0.0)
    assert limits.check(MessageKind.CHAT, 0.0) is Verdict.REFUSE
    assert limits.check(MessageKind.NOTES, 0.0) is Verdict.ADMIT


def test_messages_are_counted_by_kind() -> None:
    chat = protocol.parse_client('{"type": "chat_send", "client_message_id": "c", "text": "x"}')
    timer = protocol.parse_client('{"type": "timer_control", "action": "pause"}')
    assert kind_of(chat) is MessageKind.CHAT
    assert kind_of(timer) is MessageKind.BOARD
    assert kind_of(protocol.parse_client('{"type": "ping"}')) is MessageKind.CLOCK
    assert kind_of(None) is MessageKind.MALFORMED


def test_a_blocked_identity_waits_then_may_join() -> None:
    block = RejoinBlock(seconds=30)
    block.block("ID_a", 100.0)
    assert block.remaining("ID_a", 110.0) == 20.0
    assert block.remaining("ID_b", 110.0) == 0.0
    assert block.remaining("ID_a", 130.0) == 0.0


def test_the_block_list_stays_bounded() -> None:
    block = RejoinBlock(seconds=30, capacity=10)
    for n in range(100):
        block.block(f"ID_{n}", 0.0)
    assert block.remaining("ID_99", 1.0) > 0
    assert block.remaining("ID_0", 1.0) == 0.0


class _FakeConnection:
    pending = 0


def _request(connection: _FakeConnection) -> ClientRequest:
    return ClientRequest(ParticipantId("PA_x"), cast(Connection, connection),
                         protocol.Ping())


async def test_one_connection_cannot_fill_the_inbox_for_the_others() -> None:
    inbox = Inbox()
    flooder, other = _FakeConnection(), _FakeConnection()
    accepted = sum(inbox.put(_request(flooder)) for _ in range(INBOX_SIZE))
    assert accepted == PENDING_PER_CONNECTION
    assert inbox.put(_request(other))
    await inbox.get()  # the worker takes one of the flooder's
    assert flooder.pending == PENDING_PER_CONNECTION - 1
    assert inbox.put(_request(flooder))


async def test_a_disconnect_is_queued_even_when_the_inbox_is_full() -> None:
    inbox = Inbox()
    connections = [_FakeConnection() for _ in range(INBOX_SIZE // PENDING_PER_CONNECTION + 1)]
    for connection in connections:
        while inbox.put(_request(connection)):
            pass
    assert not inbox.put(_request(_FakeConnection()))
    assert inbox.put(Disconnected(ParticipantId("PA_x"), cast(Connection, connections[0])))
    await asyncio.sleep(0)
