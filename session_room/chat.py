"""Chat: messages with sender and time; duplicates (same client message id from
the same person, e.g. resent after a reconnect) are recognised, not repeated."""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass

from session_room.errors import DomainError, ErrorCode
from session_room.ids import Identity, ParticipantId
from session_room.roles import Role

MAX_CHAT_CHARS = 2000
MAX_CLIENT_ID_CHARS = 64
HISTORY = 200
"""Messages a joiner receives (all are persisted)."""
REMEMBERED_IDS = 2000


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One chat message.

    Attributes:
        message_id: Server-assigned id (``CM_1``, ...), in posting order.
        client_message_id: The sender's id for it (deduplication key).
        participant_id: Who sent it (this membership).
        identity: Who sent it (the person).
        display_name: The sender's name when sent.
        role: The sender's role when sent.
        text: The text, as typed (rendered as text, never markup).
        sent_at: Epoch seconds.
    """

    message_id: str
    client_message_id: str
    participant_id: ParticipantId
    identity: Identity
    display_name: str
    role: Role
    text: str
    sent_at: float


class ChatLog:
    """The chat of one session: recent history and the ids already seen."""

    def __init__(self, history: list[ChatMessage] | None = None, next_number: int = 1) -> None:
        self.recent: deque[ChatMessage] = deque(maxlen=HISTORY)
        self._seen: OrderedDict[tuple[str, str], ChatMessage] = OrderedDict()
        self.next_number = next_number
        for message in history or []:
            self._remember(message)

    def _remember(self, message: ChatMessage) -> None:
        self.recent.append(message)
        self._seen[(message.identity, message.client_message_id)] = message
        while len(self._seen) > REMEMBERED_IDS:
            self._seen.popitem(last=False)
        number = int(message.message_id.removeprefix("CM_") or 0)
        self.next_number = max(self.next_number, number + 1)

    def check(self, client_message_id: str, text: str) -> str:
        """Validates a message; returns the text to store.

        Raises:
            DomainError: ``invalid_value`` (empty text or bad id) or ``text_too_long``.
        """
        if not 1 <= len(client_message_id) <= MAX_CLIENT_ID_CHARS:
            raise DomainError(ErrorCode.INVALID_VALUE, "a message needs a client message id")
        if not text.strip():
            raise DomainError(ErrorCode.INVALID_VALUE, "a message cannot be empty")
        if len(text) > MAX_CHAT_CHARS:
            raise DomainError(
                ErrorCode.TEXT_TOO_LONG,
                f"a chat message is at most {MAX_CHAT_CHARS} characters ({len(text)} given)",
            )
        return text

    def find(self, identity: Identity, client_message_id: str) -> ChatMessage | None:
        """The message this person already sent with this id, if any."""
        return self._seen.get((identity, client_message_id))

    def post(
        self,
        client_message_id: str,
        participant_id: ParticipantId,
        identity: Identity,
        display_name: str,
        role: Role,
        text: str,
        now: float,
    ) -> ChatMessage:
        """Records a new message (call :meth:`check` and :meth:`find` first)."""
        message = ChatMessage(
            message_id=f"CM_{self.next_number}",
            client_message_id=client_message_id,
            participant_id=participant_id,
            identity=identity,
            display_name=display_name,
            role=role,
            text=text,
            sent_at=now,
        )
        self._remember(message)
        return message
