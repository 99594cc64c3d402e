"""The session room: a deterministic function of (state, command, now) -> events."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from session_room.board import SessionBoard
from session_room.commands import (
    AskToMute,
    CallCommand,
    ChooseMediaMode,
    Command,
    Disconnect,
    EndSession,
    ExpireSeat,
    Join,
    Leave,
    LinkCommand,
    LowerHand,
    MarkActive,
    RaiseHand,
    RemoveParticipant,
    ReportLink,
    ReportVideoStep,
    SetMediaConnected,
    SetMediaState,
    StartScreenShare,
    StopScreenShare,
)
from session_room.errors import DomainError, ErrorCode
from session_room.events import (
    Event,
    LinkChanged,
    MediaStateChanged,
    ParticipantActivated,
    ParticipantDropped,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantResumed,
    ScreenShareChanged,
    SessionEnded,
)
from session_room.ids import Identity, ParticipantId, SessionId
from session_room.media_mode import LinkState, LinkView
from session_room.moderation import ask_to_mute, check_removal, require_mentor, set_hand
from session_room.participant import Participant
from session_room.roles import MAX_OBSERVERS, LeaveReason, Role, SessionKind
from session_room.screen_share import ScreenShare


@dataclass(frozen=True, slots=True)
class SessionSpec:
    """What a session was created as.

    Attributes:
        session_id: The session's id.
        kind: One-on-one or circle.
        title: Shown to participants.
        capacity: Seats for mentors and mentees (observers do not take seats).
        created_at: Creation time, seconds since the epoch (UTC).
        scheduled_start: Planned start (UTC seconds), or ``None``.
        planned_minutes: Planned length in minutes, or ``None``.
        ended_at: When an administrator ended it (UTC seconds), or ``None``.
    """

    session_id: SessionId
    kind: SessionKind
    title: str
    capacity: int
    created_at: float
    scheduled_start: float | None = None
    planned_minutes: int | None = None
    ended_at: float | None = None


class SessionRoom:
    """The rules of one live session.

    ``handle`` either raises :class:`DomainError` and leaves the state unchanged, or
    applies the command and returns the events it caused, in order. It never
    performs I/O and never reads a clock: ``now`` is passed in.
    """

    def __init__(
        self, spec: SessionSpec, board: SessionBoard | None = None,
        recover_after: float | None = None,
    ) -> None:
        self.spec = spec
        self.board = board or SessionBoard(spec.kind)
        self._participants: dict[ParticipantId, Participant] = {}
        self._links: dict[ParticipantId, LinkState] = {}
        self._recover_after = recover_after
        self._removed: set[Identity] = set()
        self.screen = ScreenShare()
        """Who shares a screen now (see :mod:`session_room.screen_share`)."""
        self.ended_at: float | None = spec.ended_at
        """When the session was ended (``None``: it admits people)."""

    @property
    def participants(self) -> list[Participant]:
        """The present participants, in join order."""
        return list(self._participants.values())

    def get(self, participant_id: ParticipantId) -> Participant | None:
        """Returns the participant with this id, or ``None`` if not present."""
        return self._participants.get(participant_id)

    def handle(self, command: Command, now: float) -> list[Event]:
        """Applies a command.

        Args:
            command: What to do.
            now: The current time (seconds since the epoch, UTC).

        Returns:
            The events the command caused (possibly empty), in order.

        Raises:
            DomainError: If the command is not allowed; nothing changed.
        """
        if isinstance(command, Join):
            return self._join(command, now)
        if isinstance(command, RemoveParticipant):
            removed = self._require(command.participant_id)
            if command.by is not None:
                check_removal(self._require(command.by), removed)
            self._removed.add(removed.identity)
            return self._leave(Leave(removed.participant_id, LeaveReason.REMOVED), now)
        if isinstance(command, EndSession):
            if command.by is not None:
                require_mentor(self._require(command.by), "end the session for everyone")
            return self._end(now)
        if isinstance(command, (RaiseHand, LowerHand, AskToMute)):
            return self._call(command, now)
        if isinstance(command, Leave):
            return self._leave(command, now)
        if isinstance(command, (Disconnect, ExpireSeat)):
            return self._hold_seat(command, now)
        if isinstance(command, SetMediaState):
            return self._set_media_state(command, now)
        if isinstance(command, MarkActive):
            return self._mark_active(command, now)
        if isinstance(command, StartScreenShare):
            sharer = self.screen.sharer
            return self._shared(self.screen.start(
                self._require(command.participant_id),
                None if sharer is None else self.get(sharer), now))
        if isinstance(command, StopScreenShare):
            return self._shared(self.screen.stop(self._require(command.participant_id), now))
        if isinstance(command, (ReportLink, ChooseMediaMode, SetMediaConnected,
                                ReportVideoStep)):
            return self._link(command, now)
        actor = None if command.participant_id is None else self._require(command.participant_id)
        return list(self.board.handle(command, actor, now))

    def _call(self, command: CallCommand, now: float) -> list[Event]:
        actor = self._require(command.participant_id)
        if isinstance(command, AskToMute):
            asked = ask_to_mute(actor, self._require(command.target), now)
            return [] if asked is None else [asked]
        if isinstance(command, RaiseHand):
            changed = set_hand(actor, command.raised, now)
        else:
            changed = set_hand(self._require(command.target), False, now, by=actor)
        if changed is None:
            return []
        self._participants[changed.participant.participant_id] = changed.participant
        return [changed]

    def _shared(self, events: list[ScreenShareChanged]) -> list[Event]:
        for event in events:  # the participants now carry their sharing flag
            if event.participant.participant_id in self._participants:
                self._participants[event.participant.participant_id] = event.participant
        return list(events)

    def _require(self, participant_id: ParticipantId) -> Participant:
        participant = self._participants.get(participant_id)
        if participant is None:
            raise DomainError(ErrorCode.NOT_JOINED, "you are not in this session")
        return participant

    def _end(self, now: float) -> list[Event]:
        if self.ended_at is not None:
            raise DomainError(ErrorCode.SESSION_ENDED, "this session has already ended")
        self.ended_at = now
        events: list[Event] = []
        for participant_id in list(self._participants):
            events += self._leave(Leave(participant_id, LeaveReason.SESSION_ENDED), now)
        return [*events, SessionEnded(now)]

    def _join(self, command: Join, now: float) -> list[Event]:
        if self.ended_at is not None:
            raise DomainError(ErrorCode.SESSION_ENDED, "this session has ended")
        if command.identity in self._removed:
            raise DomainError(ErrorCode.REMOVED,
                              "you were removed from this session")
        if command.participant_id in self._participants:
            raise DomainError(ErrorCode.ALREADY_JOINED, "already joined")
        replaced = [p for p in self._participants.values() if p.identity == command.identity]
        held = next((p for p in replaced if not p.connected), None)
        if held is not None:
            resumed = dataclasses.replace(held, connected=True, link=LinkView())
            self._participants[held.participant_id] = resumed
            self._links[held.participant_id] = LinkState(self._recover_after)
            return [ParticipantResumed(resumed, now)]
        others = [p for p in self._participants.values() if p not in replaced]
        self._check_room_for(command.role, others)
        events: list[Event] = []
        for old in replaced:
            del self._participants[old.participant_id]
            self._links.pop(old.participant_id, None)
            events.append(ParticipantLeft(old, LeaveReason.REPLACED, now))
        participant = Participant(
            participant_id=command.participant_id,
            identity=command.identity,
            display_name=command.display_name,
            role=command.role,
            joined_at=now,
        )
        self._participants[participant.participant_id] = participant
        self._links[participant.participant_id] = LinkState(self._recover_after)
        events.append(ParticipantJoined(participant, now))
        return events

    def _check_room_for(self, role: Role, others: list[Participant]) -> None:
        if not role.takes_seat:
            if sum(1 for p in others if p.role is Role.OBSERVER) >= MAX_OBSERVERS:
                raise DomainError(
                    ErrorCode.ROOM_FULL,
                    f"this session already has {MAX_OBSERVERS} observers",
                )
            return
        seated = [p for p in others if p.role.takes_seat]
        if len(seated) >= self.spec.capacity:
            raise DomainError(
                ErrorCode.ROOM_FULL,
                f"this session is full ({self.spec.capacity} of {self.spec.capacity} seats taken)",
            )
        if self.spec.kind is SessionKind.ONE_ON_ONE and any(p.role is role for p in seated):
            raise DomainError(
                ErrorCode.ROOM_FULL,
                f"this one-on-one session already has a {role.value}",
            )

    def _leave(self, command: Leave, now: float) -> list[Event]:
        participant = self._participants.pop(command.participant_id, None)
        self._links.pop(command.participant_id, None)
        if participant is None:
            return []
        return [*self.screen.stop(participant, now),
                ParticipantLeft(participant, command.reason, now)]

    def _hold_seat(self, command: Disconnect | ExpireSeat, now: float) -> list[Event]:
        participant = self._participants.get(command.participant_id)
        if participant is None:
            return []
        if isinstance(command, ExpireSeat):
            if participant.connected:
                return []  # they came back in time
            return self._leave(Leave(participant.participant_id, LeaveReason.DROPPED), now)
        if not participant.connected:
            return []
        stopped = self.screen.stop(participant, now)
        dropped = dataclasses.replace(participant, connected=False, sharing_screen=False)
        self._participants[dropped.participant_id] = dropped
        return [*stopped, ParticipantDropped(dropped, now)]

    def _set_media_state(self, command: SetMediaState, now: float) -> list[Event]:
        participant = self._require(command.participant_id)
        if not participant.role.publishes:
            raise DomainError(ErrorCode.NOT_ALLOWED, "observers do not publish media")
        if (participant.audio_muted, participant.video_muted) == (
            command.audio_muted,
            command.video_muted,
        ):
            return []
        updated = dataclasses.replace(
            participant,
            audio_muted=command.audio_muted,
            video_muted=command.video_muted,
        )
        self._participants[updated.participant_id] = updated
        return [MediaStateChanged(updated, now)]

    def _mark_active(self, command: MarkActive, now: float) -> list[Event]:
        participant = self._participants.get(command.participant_id)
        if participant is None or participant.active_at is not None:
            return []
        updated = dataclasses.replace(participant, active_at=now)
        self._participants[updated.participant_id] = updated
        return [ParticipantActivated(updated, now)]

    def _link(self, command: LinkCommand, now: float) -> list[Event]:
        if isinstance(command, ChooseMediaMode):
            participant = self._require(command.participant_id)
        else:  # measurements from the edge may trail a leave or drop: ignore those
            found = self._participants.get(command.participant_id)
            if found is None or not found.connected:
                return []
            participant = found
        state = self._links[participant.participant_id]
        if isinstance(command, ReportLink):
            state.add(command.direction, command.sample)
        elif isinstance(command, ChooseMediaMode):
            state.chosen = command.mode
        elif isinstance(command, ReportVideoStep):
            state.step, state.step_reason = command.step, command.reason
        else:
            state.reconnect(command.connected)
        view = state.view()
        if view == participant.link:
            return []
        updated = dataclasses.replace(participant, link=view)
        self._participants[updated.participant_id] = updated
        return [LinkChanged(updated, participant.link, now)]
