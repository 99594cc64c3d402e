"""Commands: what a session is asked to do. Imperative names, frozen values."""

from __future__ import annotations

from dataclasses import dataclass

from session_room.ids import Identity, ParticipantId
from session_room.roles import LeaveReason, Role


@dataclass(frozen=True, slots=True)
class Join:
    """Admit a person (authenticated by the edge) as a new participant."""

    participant_id: ParticipantId
    identity: Identity
    display_name: str
    role: Role


@dataclass(frozen=True, slots=True)
class Leave:
    """Remove a participant for a reason."""

    participant_id: ParticipantId
    reason: LeaveReason


@dataclass(frozen=True, slots=True)
class SetMediaState:
    """A participant muted or unmuted their microphone or camera."""

    participant_id: ParticipantId
    audio_muted: bool
    video_muted: bool


@dataclass(frozen=True, slots=True)
class MarkActive:
    """The participant's first media arrived at the relay."""

    participant_id: ParticipantId


Command = Join | Leave | SetMediaState | MarkActive
