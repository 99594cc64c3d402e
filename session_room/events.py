"""Events: facts a session's commands caused. Past-tense names, frozen values."""

from __future__ import annotations

from dataclasses import dataclass

from session_room.agenda import Agenda
from session_room.chat import ChatMessage
from session_room.ids import ParticipantId
from session_room.media_mode import LinkView
from session_room.participant import Participant
from session_room.roles import LeaveReason
from session_room.timer import SessionTimer


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
class ParticipantDropped:
    """A participant's connection dropped; their seat is held (``connected`` false)."""

    participant: Participant
    at: float


@dataclass(frozen=True, slots=True)
class ParticipantResumed:
    """A dropped participant rejoined within the grace period: same seat and id."""

    participant: Participant
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


@dataclass(frozen=True, slots=True)
class LinkChanged:
    """A participant's connection quality or media mode changed."""

    participant: Participant
    previous: LinkView
    at: float

    @property
    def mode_changed(self) -> bool:
        """Whether the media mode (not only the quality) changed."""
        return self.previous.mode is not self.participant.link.mode

    @property
    def step_changed(self) -> bool:
        """Whether the media mode or the video step changed (what the attendance log
        records)."""
        return self.mode_changed or self.previous.video_step is not self.participant.link.video_step


@dataclass(frozen=True, slots=True)
class AgendaChanged:
    """The agenda changed (any item operation or the policy)."""

    agenda: Agenda
    at: float


@dataclass(frozen=True, slots=True)
class TimerChanged:
    """The timer was controlled (or followed the agenda)."""

    timer: SessionTimer
    at: float


@dataclass(frozen=True, slots=True)
class ChatPosted:
    """A chat message was posted; ``duplicate``: it had been posted before (resent
    after a reconnect) and only its sender should hear about it again."""

    message: ChatMessage
    duplicate: bool = False


@dataclass(frozen=True, slots=True)
class NotesEdited:
    """A participant's Yjs update was merged into the notes."""

    participant_id: ParticipantId
    update: bytes
    at: float


@dataclass(frozen=True, slots=True)
class SessionEnded:
    """The session was ended; it admits nobody any more."""

    at: float


@dataclass(frozen=True, slots=True)
class ScreenShareChanged:
    """A participant started or stopped sharing their screen (a takeover stops the
    previous sharer first, ``taken_over`` true, then starts the new one)."""

    participant: Participant
    sharing: bool
    at: float
    taken_over: bool = False


@dataclass(frozen=True, slots=True)
class HandChanged:
    """A participant raised or lowered their hand, or a mentor lowered it
    (``lowered_by``: that mentor's id)."""

    participant: Participant
    raised: bool
    at: float
    lowered_by: ParticipantId | None = None


@dataclass(frozen=True, slots=True)
class MuteRequested:
    """A mentor asked a participant to mute (only that participant is told; their
    page mutes its microphone, and they may unmute themselves)."""

    participant: Participant
    by: Participant
    at: float


RoomEvent = (
    ParticipantJoined | ParticipantLeft | ParticipantDropped | ParticipantResumed
    | ParticipantActivated | MediaStateChanged | LinkChanged | ScreenShareChanged
    | HandChanged
)
BoardEvent = AgendaChanged | TimerChanged | ChatPosted | NotesEdited
Event = RoomEvent | BoardEvent | SessionEnded | MuteRequested


def participant_of(event: RoomEvent) -> ParticipantId:
    """Returns the id of the participant an event is about."""
    return event.participant.participant_id
