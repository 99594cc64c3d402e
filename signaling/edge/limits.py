"""Per-connection message limits: a token bucket for each kind of message.

The limits sit well above what a fast human (or our own client's automatic traffic:
quality reports, clock bursts, notes keystrokes, chat resent after a reconnect) ever
sends, so only a misbehaving client meets them. A message over its kind's limit is
refused (``rate_limited``); a client that keeps sending while refused is closed
(:attr:`~signaling.protocol.CloseCode.TOO_MANY_MESSAGES`) and its identity may not
rejoin for a short while (:class:`RejoinBlock`). Pure: every call takes ``now``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum

from signaling import protocol


class MessageKind(StrEnum):
    """What a client message is, for its limit."""

    CHAT = "chat"
    NOTES = "notes"
    BOARD = "board"
    """Agenda and timer changes."""
    QUALITY = "quality"
    MEDIA = "media"
    """Media signalling: offers, answers, restarts, mute state, media mode."""
    CLOCK = "clock"
    """``ping`` (clock bursts and keep-alive)."""
    SESSION = "session"
    """``join`` again, ``leave``, misplaced admin messages."""
    MALFORMED = "malformed"
    """Anything that does not parse as a client message."""


@dataclass(frozen=True, slots=True)
class Rate:
    """A token bucket's shape: ``per_second`` sustained, ``burst`` at once."""

    per_second: float
    burst: float


LIMITS: dict[MessageKind, Rate] = {
    MessageKind.CHAT: Rate(5, 30),
    MessageKind.NOTES: Rate(40, 200),
    MessageKind.BOARD: Rate(10, 30),
    MessageKind.QUALITY: Rate(5, 10),
    MessageKind.MEDIA: Rate(5, 20),
    MessageKind.CLOCK: Rate(10, 20),
    MessageKind.SESSION: Rate(2, 5),
    MessageKind.MALFORMED: Rate(5, 20),
}
"""Each kind's limit. Our page sends at most: chat 1/s typed (a reconnect resends the
unsent ones at once), notes ~15 updates/s while typing fast, quality 1/s, a 5-ping clock
burst every 30 s."""

REFUSALS_BEFORE_CLOSE = 20
"""Refused messages within :data:`REFUSAL_WINDOW_SECONDS` that close the connection."""
REFUSAL_WINDOW_SECONDS = 10.0
REJOIN_BLOCK_SECONDS = 30.0
"""How long an identity closed for flooding may not join again."""

_KINDS: dict[str, MessageKind] = {
    "chat_send": MessageKind.CHAT,
    "notes_update": MessageKind.NOTES,
    "quality_report": MessageKind.QUALITY,
    "ping": MessageKind.CLOCK,
    "publish_offer": MessageKind.MEDIA,
    "subscribe_answer": MessageKind.MEDIA,
    "media_restart": MessageKind.MEDIA,
    "set_media_state": MessageKind.MEDIA,
    "choose_media_mode": MessageKind.MEDIA,
    "join": MessageKind.SESSION,
    "leave": MessageKind.SESSION,
    "admin_hello": MessageKind.SESSION,
}


def kind_of(message: protocol.AnyClientMessage | None) -> MessageKind:
    """The limit ``message`` counts against (``None``: it did not parse)."""
    if message is None:
        return MessageKind.MALFORMED
    return _KINDS.get(message.type, MessageKind.BOARD)


class Verdict(Enum):
    """What to do with one message."""

    ADMIT = "admit"
    REFUSE = "refuse"
    """Answer ``rate_limited`` and carry on."""
    CLOSE = "close"
    """The client keeps going while refused: close it and block its rejoins."""


class TokenBucket:
    """``rate.burst`` tokens, refilled at ``rate.per_second``; a message takes one."""

    __slots__ = ("_rate", "_tokens", "_at")

    def __init__(self, rate: Rate, now: float) -> None:
        self._rate = rate
        self._tokens = rate.burst
        self._at = now

    def take(self, now: float) -> bool:
        """Takes a token if there is one."""
        elapsed = max(0.0, now - self._at)
        self._at = now
        self._tokens = min(self._rate.burst, self._tokens + elapsed * self._rate.per_second)
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False


class ConnectionLimits:
    """One connection's buckets and its recent refusals."""

    __slots__ = ("_buckets", "_refusals", "_limits")

    def __init__(self, limits: dict[MessageKind, Rate] | None = None) -> None:
        self._limits = limits or LIMITS
        self._buckets: dict[MessageKind, TokenBucket] = {}
        self._refusals: list[float] = []

    def check(self, kind: MessageKind, now: float) -> Verdict:
        """Counts one message of ``kind`` received at ``now``."""
        bucket = self._buckets.get(kind)
        if bucket is None:
            bucket = self._buckets[kind] = TokenBucket(self._limits[kind], now)
        if bucket.take(now):
            return Verdict.ADMIT
        return self.refused(now)

    def refused(self, now: float) -> Verdict:
        """Counts a refusal for any reason (over a limit, or the session's queue for
        this connection is full): ``CLOSE`` once they come too fast."""
        horizon = now - REFUSAL_WINDOW_SECONDS
        self._refusals = [t for t in self._refusals if t > horizon]
        self._refusals.append(now)
        if len(self._refusals) >= REFUSALS_BEFORE_CLOSE:
            return Verdict.CLOSE
        return Verdict.REFUSE


class RejoinBlock:
    """Identities closed for flooding, and until when they may not join again."""

    def __init__(self, seconds: float = REJOIN_BLOCK_SECONDS, capacity: int = 10_000) -> None:
        self._seconds = seconds
        self._capacity = capacity
        self._until: dict[str, float] = {}

    def block(self, identity: str, now: float) -> None:
        """Blocks ``identity`` from ``now`` on (oldest entries go first when full)."""
        if len(self._until) >= self._capacity:
            self._until = {k: t for k, t in self._until.items() if t > now}
            while len(self._until) >= self._capacity:
                del self._until[next(iter(self._until))]
        self._until[identity] = now + self._seconds

    def remaining(self, identity: str, now: float) -> float:
        """Seconds ``identity`` must still wait (0: it may join)."""
        until = self._until.get(identity)
        if until is None:
            return 0.0
        if until <= now:
            del self._until[identity]
            return 0.0
        return until - now
