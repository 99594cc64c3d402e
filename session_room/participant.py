"""A participant: one membership of one session."""

from __future__ import annotations

from dataclasses import dataclass

from session_room.ids import Identity, ParticipantId
from session_room.media_mode import LinkView
from session_room.roles import Role


@dataclass(frozen=True, slots=True)
class Participant:
    """The state of a participant as the room knows it.

    Attributes:
        participant_id: This membership's id.
        identity: The person (stable across sessions).
        display_name: The name shown on tiles; never used as a key.
        role: What the participant may do.
        joined_at: When the join was accepted (seconds since the epoch, UTC).
        active_at: When their media first flowed, or ``None``.
        audio_muted: The participant muted their microphone.
        video_muted: The participant turned their camera off.
        link: Connection quality and the media mode it allows.
        connected: False while their connection dropped and the seat is held for
            a rejoin (until the grace deadline).
        sharing_screen: They share their screen now.
        hand_raised_at: When they raised their hand (the queue's order), or ``None``.
    """

    participant_id: ParticipantId
    identity: Identity
    display_name: str
    role: Role
    joined_at: float
    active_at: float | None = None
    audio_muted: bool = False
    video_muted: bool = False
    link: LinkView = LinkView()
    connected: bool = True
    sharing_screen: bool = False
    hand_raised_at: float | None = None
