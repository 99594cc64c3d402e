"""The board between domain and wire/storage: requests -> commands, state ->
messages, and the JSON document the storage seam keeps."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import asdict

from session_room import commands as cmd
from session_room.agenda import Agenda, AgendaItem
from session_room.board import SessionBoard
from session_room.chat import ChatLog, ChatMessage
from session_room.errors import DomainError, ErrorCode
from session_room.events import AgendaChanged, BoardEvent, ChatPosted, NotesEdited, TimerChanged
from session_room.ids import Identity, ParticipantId
from session_room.notes import SharedNotes
from session_room.roles import Role, SessionKind
from session_room.timer import SessionTimer
from signaling import protocol


def b64(data: bytes) -> str:
    """Base64 text of ``data``."""
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    """Bytes of base64 ``text``.

    Raises:
        DomainError: ``invalid_update`` if ``text`` is not base64.
    """
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise DomainError(ErrorCode.INVALID_UPDATE, "the update is not base64") from error


def command_for(message: protocol.AnyClientMessage, pid: ParticipantId) -> cmd.BoardCommand | None:
    """The board command a client message asks for (``None``: not a board message)."""
    if isinstance(message, protocol.AgendaAdd):
        return cmd.AddAgendaItem(pid, message.title, message.details, message.planned_minutes)
    if isinstance(message, protocol.AgendaEdit):
        return cmd.EditAgendaItem(
            pid,
            message.item_id,
            message.expected_version,
            message.title,
            message.details,
            message.planned_minutes,
            message.clear_minutes,
            message.outcome,
            message.next_step,
            message.goal_id,
            message.clear_goal,
        )
    if isinstance(message, protocol.AgendaMove):
        return cmd.MoveAgendaItem(pid, message.item_id, message.to_index)
    if isinstance(message, protocol.AgendaRemove):
        return cmd.RemoveAgendaItem(pid, message.item_id)
    if isinstance(message, protocol.AgendaStart):
        return cmd.StartAgendaItem(pid, message.item_id)
    if isinstance(message, protocol.AgendaFinish):
        return cmd.FinishAgendaItem(pid, message.item_id, message.outcome)
    if isinstance(message, protocol.AgendaPolicy):
        return cmd.SetAgendaPolicy(pid, message.mentee_can_edit)
    if isinstance(message, protocol.TimerControl):
        return cmd.ControlTimer(pid, message.action, message.seconds)
    if isinstance(message, protocol.TimerFollow):
        return cmd.FollowAgenda(pid, message.follow)
    if isinstance(message, protocol.ChatSend):
        return cmd.SendChat(pid, message.client_message_id, message.text)
    if isinstance(message, protocol.NotesUpdate):
        return cmd.EditNotes(pid, unb64(message.update))
    return None


def agenda_info(agenda: Agenda) -> protocol.AgendaInfo:
    """The wire view of the agenda."""
    return protocol.AgendaInfo(
        items=[protocol.AgendaItemInfo.model_validate(asdict(i)) for i in agenda.items],
        mentee_can_edit=agenda.mentee_can_edit,
    )


def timer_info(timer: SessionTimer) -> protocol.TimerInfo:
    """The wire view of the timer."""
    return protocol.TimerInfo.model_validate(asdict(timer))


def chat_info(message: ChatMessage) -> protocol.ChatMessageInfo:
    """The wire view of a chat message (without the sender's identity)."""
    fields = asdict(message)
    del fields["identity"]
    return protocol.ChatMessageInfo.model_validate(fields)


def board_info(board: SessionBoard) -> protocol.BoardInfo:
    """The board part of a join snapshot."""
    return protocol.BoardInfo(
        agenda=agenda_info(board.agenda),
        timer=timer_info(board.timer),
        chat=[chat_info(m) for m in board.chat.recent],
        notes=b64(board.notes.state()),
    )


def message_for(event: BoardEvent, now: float) -> protocol.AnyServerMessage:
    """The message participants get for a board event."""
    if isinstance(event, AgendaChanged):
        return protocol.AgendaChanged(agenda=agenda_info(event.agenda), server_time=now)
    if isinstance(event, TimerChanged):
        return protocol.TimerChanged(timer=timer_info(event.timer), server_time=now)
    if isinstance(event, ChatPosted):
        return protocol.ChatPosted(message=chat_info(event.message))
    assert isinstance(event, NotesEdited)
    return protocol.NotesUpdated(participant_id=event.participant_id, update=b64(event.update))


# ------------------------------------------------------------------ storage


def board_document(board: SessionBoard) -> str:
    """The agenda and timer as the JSON document the store keeps."""
    return json.dumps(
        {
            "agenda": agenda_info(board.agenda).model_dump(mode="json"),
            "next_item": board.agenda.next_number,
            "timer": timer_info(board.timer).model_dump(mode="json"),
        }
    )


def chat_record(message: ChatMessage) -> str:
    """A chat message as the JSON record the store keeps (with the identity)."""
    return json.dumps(asdict(message))


def restore_board(
    kind: SessionKind, document: str | None, chat: list[str], notes: list[bytes]
) -> SessionBoard:
    """Rebuilds a board from what the store kept."""
    agenda, timer = Agenda(), SessionTimer()
    if document is not None:
        data = json.loads(document)
        info = protocol.AgendaInfo.model_validate(data["agenda"])
        agenda = Agenda(
            items=tuple(AgendaItem(**i.model_dump()) for i in info.items),
            mentee_can_edit=info.mentee_can_edit,
            next_number=int(data["next_item"]),
        )
        t = protocol.TimerInfo.model_validate(data["timer"]).model_dump()
        del t["warning_seconds"]
        timer = SessionTimer(**t)
    messages = []
    for record in chat:
        fields = json.loads(record)
        fields.update(
            participant_id=ParticipantId(fields["participant_id"]),
            identity=Identity(fields["identity"]),
            role=Role(fields["role"]),
        )
        messages.append(ChatMessage(**fields))
    return SessionBoard(kind, agenda, timer, ChatLog(messages), SharedNotes(notes))
