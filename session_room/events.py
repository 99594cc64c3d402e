"""Events: facts a session's commands caused. Past-tense names, frozen values."""

from __future__ import annotations

from dataclasses import dataclass

from session_room.ids import ParticipantId
from session_room.participant import Participant
from session_room.roles import LeaveReason


@dataclass(frozen=True, slots=True)
class ParticipantJoined:
    """A participant was admitted."""

    participant: Participant
    at: float


@dataclass(frozen=True, slots=True)
class ParticipantLeft:
    """A participant left (or was made to leave)."""

    participant: Participant
    reason: LeaveReason
    at: float


@dataclass(frozen=True, slots=True)
class ParticipantActivated:
    """A participant's media first flowed."""

    participant: Participant
    at: float


@dataclass(frozen=True, slots=True)
class MediaStateChanged:
    """A participant muted/unmuted their microphone or camera."""

    participant: Participant
    at: float


Event = ParticipantJoined | ParticipantLeft | ParticipantActivated | MediaStateChanged


def participant_of(event: Event) -> ParticipantId:
    """Returns the id of the participant an event is about."""
    return event.participant.participant_id
