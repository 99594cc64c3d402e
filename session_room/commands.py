"""Commands: what a session is asked to do. Imperative names, frozen values."""

from __future__ import annotations

from dataclasses import dataclass

from session_room.ids import Identity, ParticipantId
from session_room.layers import VideoStep
from session_room.quality import LinkDirection, LinkSample, MediaMode, ModeReason
from session_room.roles import LeaveReason, Role
from session_room.timer import TimerAction


@dataclass(frozen=True, slots=True)
class Join:
    """Admit a person (authenticated by the edge) as a new participant, or give a
    disconnected participant of the same identity their held seat back (then
    ``participant_id`` is unused: the event carries the resumed one)."""

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
class Disconnect:
    """A participant's connection dropped: hold their seat for a rejoin."""

    participant_id: ParticipantId


@dataclass(frozen=True, slots=True)
class ExpireSeat:
    """A held seat's grace period ended; if still disconnected, they left."""

    participant_id: ParticipantId


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


@dataclass(frozen=True, slots=True)
class ReportLink:
    """A measurement of one direction of a participant's link (from the edge)."""

    participant_id: ParticipantId
    direction: LinkDirection
    sample: LinkSample


@dataclass(frozen=True, slots=True)
class ChooseMediaMode:
    """The participant picks a mode that caps what the network allows (``None``:
    back to automatic)."""

    participant_id: ParticipantId
    mode: MediaMode | None


@dataclass(frozen=True, slots=True)
class SetMediaConnected:
    """The participant's media transports failed, or connected again."""

    participant_id: ParticipantId
    connected: bool


@dataclass(frozen=True, slots=True)
class RemoveParticipant:
    """An administrator (``by`` ``None``) or the session's mentor (``by``: their id)
    removes a participant (also from a held seat); their identity may not rejoin while
    this room lives."""

    participant_id: ParticipantId
    by: ParticipantId | None = None


@dataclass(frozen=True, slots=True)
class EndSession:
    """An administrator (``by`` ``None``) or a mentor in the session (``by``: their id)
    ends the session: everyone leaves and nobody may join again."""

    by: ParticipantId | None = None


@dataclass(frozen=True, slots=True)
class RaiseHand:
    """A participant raises (``raised``) or lowers their own hand."""

    participant_id: ParticipantId
    raised: bool


@dataclass(frozen=True, slots=True)
class LowerHand:
    """A mentor (``participant_id``) lowers someone else's hand (``target``)."""

    participant_id: ParticipantId
    target: ParticipantId


@dataclass(frozen=True, slots=True)
class AskToMute:
    """A mentor (``participant_id``) asks a participant (``target``) to mute."""

    participant_id: ParticipantId
    target: ParticipantId


@dataclass(frozen=True, slots=True)
class ReportVideoStep:
    """The video step the relay gives a participant now (from the edge): the lower of
    what they receive of others and what their own camera reaches the relay in."""

    participant_id: ParticipantId
    step: VideoStep
    reason: ModeReason


@dataclass(frozen=True, slots=True)
class StartScreenShare:
    """The participant starts sharing a screen, window or tab."""

    participant_id: ParticipantId


@dataclass(frozen=True, slots=True)
class StopScreenShare:
    """The participant stops sharing (from the page, or the browser's own bar)."""

    participant_id: ParticipantId


ScreenCommand = StartScreenShare | StopScreenShare
LinkCommand = ReportLink | ChooseMediaMode | SetMediaConnected | ReportVideoStep
AdminCommand = RemoveParticipant | EndSession
CallCommand = RaiseHand | LowerHand | AskToMute
"""Hands and a mentor's call controls (see :mod:`session_room.moderation`)."""

RoomCommand = (
    Join | Leave | Disconnect | ExpireSeat | SetMediaState | MarkActive | LinkCommand
    | AdminCommand | ScreenCommand | CallCommand
)


# ----------------------------------------------------------------- the board
# ``participant_id`` is ``None`` when the session's organiser acts over REST
# (a mentor token verified by the edge, e.g. preparing the agenda beforehand).


@dataclass(frozen=True, slots=True)
class AddAgendaItem:
    """Append an item to the agenda."""

    participant_id: ParticipantId | None
    title: str
    details: str = ""
    planned_minutes: int | None = None


@dataclass(frozen=True, slots=True)
class EditAgendaItem:
    """Change fields of an item; ``None`` leaves a field as it is."""

    participant_id: ParticipantId | None
    item_id: str
    expected_version: int
    title: str | None = None
    details: str | None = None
    planned_minutes: int | None = None
    clear_minutes: bool = False
    outcome: str | None = None
    next_step: bool | None = None
    goal_id: str | None = None
    clear_goal: bool = False


@dataclass(frozen=True, slots=True)
class MoveAgendaItem:
    """Move an item to a position (0 = first)."""

    participant_id: ParticipantId | None
    item_id: str
    to_index: int


@dataclass(frozen=True, slots=True)
class RemoveAgendaItem:
    """Remove an item."""

    participant_id: ParticipantId | None
    item_id: str


@dataclass(frozen=True, slots=True)
class StartAgendaItem:
    """Finish the current item and start ``item_id`` (``None``: the next pending)."""

    participant_id: ParticipantId | None
    item_id: str | None = None


@dataclass(frozen=True, slots=True)
class FinishAgendaItem:
    """Mark an item done, with an optional outcome."""

    participant_id: ParticipantId | None
    item_id: str
    outcome: str | None = None


@dataclass(frozen=True, slots=True)
class SetAgendaPolicy:
    """Allow or forbid the mentee (one-on-one) to add and edit items."""

    participant_id: ParticipantId | None
    mentee_can_edit: bool


@dataclass(frozen=True, slots=True)
class ControlTimer:
    """Start, pause, resume, reset the timer or add a minute."""

    participant_id: ParticipantId | None
    action: TimerAction
    seconds: float | None = None


@dataclass(frozen=True, slots=True)
class FollowAgenda:
    """Make the timer follow each started item's planned minutes (or stop)."""

    participant_id: ParticipantId | None
    follow: bool


@dataclass(frozen=True, slots=True)
class SendChat:
    """Post a chat message."""

    participant_id: ParticipantId
    client_message_id: str
    text: str


@dataclass(frozen=True, slots=True)
class EditNotes:
    """Merge a Yjs update into the shared notes."""

    participant_id: ParticipantId
    update: bytes


BoardCommand = (
    AddAgendaItem
    | EditAgendaItem
    | MoveAgendaItem
    | RemoveAgendaItem
    | StartAgendaItem
    | FinishAgendaItem
    | SetAgendaPolicy
    | ControlTimer
    | FollowAgenda
    | SendChat
    | EditNotes
)

Command = RoomCommand | BoardCommand
