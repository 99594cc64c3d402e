"""What a session worker's inbox carries: requests from sockets and admins, ticks,
deadlines and media events. Each item is handled in order by the worker alone."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from enum import StrEnum

from media.events import MediaEvent
from session_room.ids import ParticipantId
from signaling import protocol
from signaling.auth import InviteClaims
from signaling.connection import Connection


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
class SeatExpired:
    """A dropped participant's held seat reached its grace deadline."""

    participant_id: ParticipantId


class AdminVerb(StrEnum):
    """What an administrator may do to a live session."""

    END_SESSION = "end_session"
    REMOVE_PARTICIPANT = "remove_participant"


@dataclass(slots=True)
class AdminRequest:
    """An administrator acts on the session; ``result`` is set when it is done, or
    gets the :class:`~session_room.errors.DomainError` that refused it.

    Attributes:
        verb: What to do.
        admin: Who asked (their name from the settings).
        participant_id: Whom to remove (``REMOVE_PARTICIPANT`` only).
        reason: Shown to the removed participant (may be empty).
    """

    verb: AdminVerb
    admin: str
    participant_id: ParticipantId | None = None
    reason: str = ""
    result: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


InboxItem = (
    JoinRequest | ClientRequest | Disconnected | LinkTick | SeatExpired | AdminRequest
    | MediaEvent
)
