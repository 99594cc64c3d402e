"""The shared board of a session: agenda, timer, chat and notes, with permissions.

Permissions (what users of LiveKit/BigBlueButton-style rooms expect, adapted to
mentoring):

=================  ======  ==========================  ========
action             mentor  mentee                      observer
=================  ======  ==========================  ========
agenda add/edit    yes     one-on-one, if allowed      no
agenda move/remove yes     no                          no
start/finish item  yes     no                          no
agenda policy      yes     no                          no
timer              yes     no                          no
chat               yes     yes                         yes
notes              yes     yes                         read
=================  ======  ==========================  ========

The organiser acting over REST (``participant_id is None``) counts as a mentor.
"""

from __future__ import annotations

from session_room.agenda import Agenda
from session_room.chat import ChatLog
from session_room.commands import (
    AddAgendaItem,
    BoardCommand,
    ControlTimer,
    EditAgendaItem,
    EditNotes,
    FinishAgendaItem,
    FollowAgenda,
    MoveAgendaItem,
    RemoveAgendaItem,
    SendChat,
    SetAgendaPolicy,
    StartAgendaItem,
)
from session_room.errors import DomainError, ErrorCode
from session_room.events import AgendaChanged, BoardEvent, ChatPosted, NotesEdited, TimerChanged
from session_room.notes import SharedNotes
from session_room.participant import Participant
from session_room.roles import Role, SessionKind
from session_room.timer import SessionTimer, TimerStatus

_AGENDA_EDITS = (AddAgendaItem, EditAgendaItem)
_MENTOR_ONLY = (
    MoveAgendaItem,
    RemoveAgendaItem,
    StartAgendaItem,
    FinishAgendaItem,
    SetAgendaPolicy,
    ControlTimer,
    FollowAgenda,
)


class SessionBoard:
    """Agenda, timer, chat and notes of one session (state restored by the edge).

    Args:
        kind: The session kind (a one-on-one mentee may edit the agenda).
        agenda: Stored agenda, or an empty one.
        timer: Stored timer, or an idle one.
        chat: Stored chat log, or an empty one.
        notes: Stored notes, or empty ones.
    """

    def __init__(
        self,
        kind: SessionKind,
        agenda: Agenda | None = None,
        timer: SessionTimer | None = None,
        chat: ChatLog | None = None,
        notes: SharedNotes | None = None,
    ) -> None:
        self.kind = kind
        self.agenda = agenda or Agenda()
        self.timer = timer or SessionTimer()
        self.chat = chat or ChatLog()
        self.notes = notes or SharedNotes()

    def may(self, role: Role, command: BoardCommand) -> bool:
        """True if ``role`` may perform ``command``."""
        if role is Role.MENTOR or isinstance(command, SendChat):
            return True
        if role is Role.OBSERVER:
            return False
        if isinstance(command, EditNotes):
            return True
        if isinstance(command, _AGENDA_EDITS):
            return self.kind is SessionKind.ONE_ON_ONE and self.agenda.mentee_can_edit
        return False

    def handle(
        self, command: BoardCommand, actor: Participant | None, now: float
    ) -> list[BoardEvent]:
        """Applies a board command by ``actor`` (``None``: the organiser over REST).

        Raises:
            DomainError: ``not_allowed`` for a role without the permission, or the
                operation's own error; nothing changed.
        """
        role = Role.MENTOR if actor is None else actor.role
        if not self.may(role, command):
            raise DomainError(ErrorCode.NOT_ALLOWED, _refusal(role, command))
        if isinstance(command, SendChat):
            assert actor is not None
            return [self._chat(command, actor, now)]
        if isinstance(command, EditNotes):
            self.notes.apply(command.update)
            return [NotesEdited(command.participant_id, command.update, now)]
        if isinstance(command, ControlTimer):
            self.timer = self.timer.control(command.action, now, command.seconds)
            return [TimerChanged(self.timer, now)]
        if isinstance(command, FollowAgenda):
            return self._follow(command.follow, now)
        agenda = self._agenda_after(command, now)
        events: list[BoardEvent] = [AgendaChanged(agenda, now)]
        started = agenda.current
        if (
            isinstance(command, StartAgendaItem)
            and self.timer.follow_agenda
            and started is not None
            and started.planned_minutes is not None
        ):
            self.timer = self.timer.started(started.planned_minutes * 60, now, started.item_id)
            events.append(TimerChanged(self.timer, now))
        self.agenda = agenda
        return events

    def _agenda_after(self, command: BoardCommand, now: float) -> Agenda:
        agenda = self.agenda
        if isinstance(command, AddAgendaItem):
            return agenda.add(command.title, command.details, command.planned_minutes)
        if isinstance(command, EditAgendaItem):
            return agenda.edit(
                command.item_id,
                command.expected_version,
                title=command.title,
                details=command.details,
                planned_minutes=command.planned_minutes,
                clear_minutes=command.clear_minutes,
                outcome=command.outcome,
                next_step=command.next_step,
                goal_id=command.goal_id,
                clear_goal=command.clear_goal,
            )
        if isinstance(command, MoveAgendaItem):
            return agenda.move(command.item_id, command.to_index)
        if isinstance(command, RemoveAgendaItem):
            return agenda.remove(command.item_id)
        if isinstance(command, StartAgendaItem):
            return agenda.start(command.item_id, now)
        if isinstance(command, FinishAgendaItem):
            return agenda.finish(command.item_id, command.outcome, now)
        assert isinstance(command, SetAgendaPolicy)
        return agenda.with_mentee_editing(command.mentee_can_edit)

    def _follow(self, follow: bool, now: float) -> list[BoardEvent]:
        timer = self.timer.following(follow)
        current = self.agenda.current
        if follow and current is not None and current.planned_minutes is not None:
            assert current.started_at is not None
            left = current.planned_minutes * 60 - (now - current.started_at)
            if left >= 1 and timer.status is not TimerStatus.RUNNING:
                timer = timer.started(left, now, current.item_id)
        self.timer = timer
        return [TimerChanged(timer, now)]

    def _chat(self, command: SendChat, actor: Participant, now: float) -> ChatPosted:
        text = self.chat.check(command.client_message_id, command.text)
        earlier = self.chat.find(actor.identity, command.client_message_id)
        if earlier is not None:
            return ChatPosted(earlier, duplicate=True)
        message = self.chat.post(
            command.client_message_id,
            actor.participant_id,
            actor.identity,
            actor.display_name,
            actor.role,
            text,
            now,
        )
        return ChatPosted(message)


def _refusal(role: Role, command: BoardCommand) -> str:
    if isinstance(command, EditNotes):
        return "observers can read the notes but not edit them"
    if isinstance(command, _AGENDA_EDITS) and role is Role.MENTEE:
        return "only the mentor can change the agenda here"
    if isinstance(command, (ControlTimer, FollowAgenda)):
        return "only the mentor controls the timer"
    return "only the mentor can do this"
