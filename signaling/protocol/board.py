"""Wire messages of the shared board (agenda, timer, chat, notes).

Part of the one wire schema: :mod:`signaling.protocol` puts these models into its
discriminated unions and re-exports them; import them from there. Text limits are
checked by the domain (typed ``text_too_long`` errors), not here, so an oversized
chat message gets a clear error instead of ``malformed_message``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from session_room.agenda import ItemStatus
from session_room.roles import Role
from session_room.timer import WARNING_SECONDS, TimerAction, TimerStatus
from signaling.protocol.base import Message as _Message
from signaling.protocol.base import RequestId

MAX_BOARD_TEXT = 100_000
"""Hard cap on any text field (the domain's limits are far lower)."""




# ---------------------------------------------------------------- shared parts


class AgendaItemInfo(_Message):
    """One agenda item; times are server epoch seconds."""

    item_id: str
    title: str
    details: str = ""
    planned_minutes: int | None = None
    status: ItemStatus
    started_at: float | None = None
    finished_at: float | None = None
    outcome: str = ""
    version: int
    next_step: bool = False
    goal_id: str | None = None
    carried_from: str | None = Field(
        None, description="the session this item was carried over from (a suggestion)"
    )


class AgendaInfo(_Message):
    """The whole agenda (sent whole on every change: it is small)."""

    items: list[AgendaItemInfo]
    mentee_can_edit: bool


class TimerInfo(_Message):
    """The timer. Remaining seconds at server time ``t`` are ``remaining - (t - since)``
    while running, else ``remaining``; negative means time is up (the overrun)."""

    status: TimerStatus
    duration: float
    remaining: float
    since: float | None = None
    follow_agenda: bool = False
    item_id: str | None = None
    warning_seconds: int = WARNING_SECONDS


class ChatMessageInfo(_Message):
    """One chat message; render ``text`` as text, never as markup."""

    message_id: str
    client_message_id: str
    participant_id: str
    display_name: str
    role: Role
    text: str
    sent_at: float


class BoardInfo(_Message):
    """The board in a join snapshot: agenda, timer, recent chat, notes document."""

    agenda: AgendaInfo
    timer: TimerInfo
    chat: list[ChatMessageInfo]
    notes: str = Field(description="the notes as one Yjs update, base64")


# ------------------------------------------------------- client -> server


class AgendaAdd(_Message):
    """Append an agenda item."""

    type: Literal["agenda_add"] = "agenda_add"
    id: RequestId | None = None
    title: str = Field(max_length=MAX_BOARD_TEXT)
    details: str = Field("", max_length=MAX_BOARD_TEXT)
    planned_minutes: int | None = None


class AgendaEdit(_Message):
    """Change an item's fields (absent: unchanged); ``expected_version`` is the
    version the editor saw (a newer one is refused with ``stale_version``).
    ``next_step`` marks or unmarks the item as a next step; ``goal_id`` links it to a
    goal of the pair, ``clear_goal`` unlinks it."""

    type: Literal["agenda_edit"] = "agenda_edit"
    id: RequestId | None = None
    item_id: str
    expected_version: int
    title: str | None = Field(None, max_length=MAX_BOARD_TEXT)
    details: str | None = Field(None, max_length=MAX_BOARD_TEXT)
    planned_minutes: int | None = None
    clear_minutes: bool = False
    outcome: str | None = Field(None, max_length=MAX_BOARD_TEXT)
    next_step: bool | None = None
    goal_id: str | None = Field(None, max_length=MAX_BOARD_TEXT)
    clear_goal: bool = False


class AgendaMove(_Message):
    """Move an item to ``to_index`` (0 = first)."""

    type: Literal["agenda_move"] = "agenda_move"
    id: RequestId | None = None
    item_id: str
    to_index: int


class AgendaRemove(_Message):
    """Remove an item."""

    type: Literal["agenda_remove"] = "agenda_remove"
    id: RequestId | None = None
    item_id: str


class AgendaStart(_Message):
    """Finish the current item and start ``item_id`` (absent: the next pending)."""

    type: Literal["agenda_start"] = "agenda_start"
    id: RequestId | None = None
    item_id: str | None = None


class AgendaFinish(_Message):
    """Mark an item done, with an optional outcome."""

    type: Literal["agenda_finish"] = "agenda_finish"
    id: RequestId | None = None
    item_id: str
    outcome: str | None = Field(None, max_length=MAX_BOARD_TEXT)


class AgendaPolicy(_Message):
    """Allow or forbid the mentee (one-on-one) to add and edit items."""

    type: Literal["agenda_policy"] = "agenda_policy"
    id: RequestId | None = None
    mentee_can_edit: bool


class TimerControl(_Message):
    """Start (``seconds``; absent: the last length), pause, resume, reset, add a minute."""

    type: Literal["timer_control"] = "timer_control"
    id: RequestId | None = None
    action: TimerAction
    seconds: float | None = None


class TimerFollow(_Message):
    """Make the timer follow each started agenda item's planned minutes (or stop)."""

    type: Literal["timer_follow"] = "timer_follow"
    id: RequestId | None = None
    follow: bool


class ChatSend(_Message):
    """Post a chat message; ``client_message_id`` makes a resend harmless."""

    type: Literal["chat_send"] = "chat_send"
    id: RequestId | None = None
    client_message_id: str = Field(max_length=200)
    text: str = Field(max_length=MAX_BOARD_TEXT)


class NotesUpdate(_Message):
    """A Yjs update of the notes document (base64)."""

    type: Literal["notes_update"] = "notes_update"
    id: RequestId | None = None
    update: str = Field(min_length=1, max_length=MAX_BOARD_TEXT)


# ------------------------------------------------------- server -> client


class AgendaChanged(_Message):
    """The agenda changed."""

    type: Literal["agenda_changed"] = "agenda_changed"
    re: str | None = None
    agenda: AgendaInfo
    server_time: float


class TimerChanged(_Message):
    """The timer changed."""

    type: Literal["timer_changed"] = "timer_changed"
    re: str | None = None
    timer: TimerInfo
    server_time: float


class ChatPosted(_Message):
    """A chat message (also the sender's acknowledgement)."""

    type: Literal["chat_message"] = "chat_message"
    re: str | None = None
    message: ChatMessageInfo


class NotesUpdated(_Message):
    """Someone's notes update, to merge into the local document."""

    type: Literal["notes_updated"] = "notes_updated"
    participant_id: str
    update: str


BoardClientMessage = (
    AgendaAdd
    | AgendaEdit
    | AgendaMove
    | AgendaRemove
    | AgendaStart
    | AgendaFinish
    | AgendaPolicy
    | TimerControl
    | TimerFollow
    | ChatSend
    | NotesUpdate
)
BoardServerMessage = AgendaChanged | TimerChanged | ChatPosted | NotesUpdated
