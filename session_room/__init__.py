"""Pure session domain: ``SessionRoom.handle(command, now) -> events``.

Dependency rule: this package performs no I/O and reads no clock. It imports only
the standard library (and, in later issues, pure libraries such as pycrdt).
"""

from session_room.commands import Command, Join, Leave, MarkActive, SetMediaState
from session_room.errors import DomainError, ErrorCode
from session_room.events import (
    Event,
    MediaStateChanged,
    ParticipantActivated,
    ParticipantJoined,
    ParticipantLeft,
)
from session_room.ids import Identity, ParticipantId, SessionId
from session_room.participant import Participant
from session_room.roles import LeaveReason, Role, SessionKind, capacity_for
from session_room.room import SessionRoom, SessionSpec

__all__ = [
    "Command",
    "DomainError",
    "ErrorCode",
    "Event",
    "Identity",
    "Join",
    "Leave",
    "LeaveReason",
    "MarkActive",
    "MediaStateChanged",
    "Participant",
    "ParticipantActivated",
    "ParticipantId",
    "ParticipantJoined",
    "ParticipantLeft",
    "Role",
    "SessionId",
    "SessionKind",
    "SessionRoom",
    "SessionSpec",
    "SetMediaState",
    "capacity_for",
]
