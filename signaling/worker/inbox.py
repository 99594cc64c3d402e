"""What a session worker's inbox carries: requests from sockets and admins, ticks,
deadlines and media events. Each item is handled in order by the worker alone."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from media.events import MediaEvent
from session_room.errors import DomainError, ErrorCode
from session_room.ids import ParticipantId
from signaling import protocol
from signaling.admin.audit import AdminAction, AuditEntry
from signaling.auth import InviteClaims
from signaling.edge.connection import Connection
from signaling.worker.goals_wire import GoalNotice


@dataclass(slots=True)
class JoinRequest:
    """A verified socket asks to join; ``result`` gets its participant id or an error."""

    connection: Connection
    claims: InviteClaims
    display_name: str
    request_id: str | None
    result: asyncio.Future[ParticipantId] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


@dataclass(frozen=True, slots=True)
class ClientRequest:
    """A parsed message from a joined participant."""

    participant_id: ParticipantId
    connection: Connection
    message: protocol.AnyClientMessage


@dataclass(frozen=True, slots=True)
class Disconnected:
    """A participant's socket closed."""

    participant_id: ParticipantId
    connection: Connection


@dataclass(frozen=True, slots=True)
class LinkTick:
    """Time to sample every participant's uplink."""


@dataclass(frozen=True, slots=True)
class SpeakerTick:
    """Time to read who is speaking."""


@dataclass(frozen=True, slots=True)
class SeatExpired:
    """A dropped participant's held seat reached its grace deadline."""

    participant_id: ParticipantId


@dataclass(slots=True)
class AdminRequest:
    """An administrator acts on the session; ``result`` gets the audit entry once it
    is done and logged, or the :class:`~session_room.errors.DomainError` that refused it
    (also when the worker stopped first).

    Attributes:
        verb: ``END_SESSION`` or ``REMOVE_PARTICIPANT``.
        admin: Who asked (their name from the settings).
        participant_id: Whom to remove (``REMOVE_PARTICIPANT`` only).
        reason: Shown to the removed participant (may be empty).
    """

    verb: AdminAction
    admin: str
    participant_id: ParticipantId | None = None
    reason: str = ""
    result: asyncio.Future[AuditEntry] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


InboxItem = (
    JoinRequest | ClientRequest | Disconnected | LinkTick | SeatExpired | AdminRequest
    | MediaEvent | SpeakerTick | GoalNotice
)


INBOX_SIZE = 1000
"""Items the inbox takes before it refuses requests, joins, ticks and media events."""
CONTROL_RESERVE = 256
"""Room kept beyond :data:`INBOX_SIZE` for disconnects, expired seats and admin
requests, so they are never lost to a full inbox."""
PENDING_PER_CONNECTION = 32
"""Requests of one connection that may wait at once: one participant cannot fill the
inbox for the others (16 members x 32 < :data:`INBOX_SIZE`)."""


class Inbox:
    """A session worker's bounded, fair queue.

    ``put`` refuses a client request when its connection already has
    :data:`PENDING_PER_CONNECTION` requests waiting, and anything but control items
    (disconnects, expired seats, admin requests) once :data:`INBOX_SIZE` items wait;
    control items have :data:`CONTROL_RESERVE` more room.
    """

    def __init__(self) -> None:
        self._queue: asyncio.Queue[InboxItem] = asyncio.Queue(INBOX_SIZE + CONTROL_RESERVE)

    def put(self, item: InboxItem) -> bool:
        """Queues ``item``; False if refused."""
        control = isinstance(item, Disconnected | SeatExpired | AdminRequest)
        if not control and self._queue.qsize() >= INBOX_SIZE:
            return False
        if isinstance(item, ClientRequest):
            if item.connection.pending >= PENDING_PER_CONNECTION:
                return False
            item.connection.pending += 1
        try:
            self._queue.put_nowait(item)
        except asyncio.QueueFull:  # only once the reserve itself ran out
            if isinstance(item, ClientRequest):
                item.connection.pending -= 1
            return False
        return True

    async def get(self) -> InboxItem:
        """The next item, in arrival order."""
        item = await self._queue.get()
        if isinstance(item, ClientRequest):
            item.connection.pending -= 1
        return item

    def refuse_pending(self) -> None:
        """Empties a stopping worker's inbox: joins and admin requests that were still
        queued get a typed refusal instead of waiting forever."""
        while not self._queue.empty():
            item = self._queue.get_nowait()
            if isinstance(item, JoinRequest | AdminRequest) and not item.result.done():
                item.result.set_exception(DomainError(
                    ErrorCode.INVALID_STATE, "the session was stopping; please try again"))
