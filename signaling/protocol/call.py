"""The call's own messages: hands, a mentor's call controls and who is speaking.
:mod:`signaling.protocol` puts them in its discriminated unions and re-exports them;
import them from there."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from signaling.protocol.base import Message as _Message
from signaling.protocol.base import RequestId

MAX_REASON_CHARS = 200


class RaiseHand(_Message):
    """The participant raises (``raised``) or lowers their own hand."""

    type: Literal["raise_hand"] = "raise_hand"
    id: RequestId | None = None
    raised: bool


class LowerHand(_Message):
    """A mentor lowers someone's hand (``not_allowed`` for anyone else)."""

    type: Literal["lower_hand"] = "lower_hand"
    id: RequestId | None = None
    participant_id: str = Field(max_length=64)


class AskToMute(_Message):
    """A mentor asks a participant to mute: their page mutes its microphone and says
    who asked; they may unmute themselves."""

    type: Literal["ask_to_mute"] = "ask_to_mute"
    id: RequestId | None = None
    participant_id: str = Field(max_length=64)


class RemoveParticipant(_Message):
    """A mentor removes a participant who is not a mentor; they are told the reason
    and may not rejoin this session. Logged like an administrator's action."""

    type: Literal["remove_participant"] = "remove_participant"
    id: RequestId | None = None
    participant_id: str = Field(max_length=64)
    reason: str = Field(default="", max_length=MAX_REASON_CHARS)


class EndSession(_Message):
    """A mentor ends the session for everyone (nobody may join it again). Logged like
    an administrator's action."""

    type: Literal["end_session"] = "end_session"
    id: RequestId | None = None


CallClientMessage = RaiseHand | LowerHand | AskToMute | RemoveParticipant | EndSession


class MuteRequested(_Message):
    """To one participant only: a mentor asked them to mute (their page has muted)."""

    type: Literal["mute_requested"] = "mute_requested"
    by_participant_id: str
    by_name: str


class Speakers(_Message):
    """Who is speaking now (from the audio levels the browsers send with their audio;
    the relay decodes nothing), sent when it changes.

    ``active`` is the active speaker: the one who spoke most recently and longest,
    kept while nobody else speaks (``null`` until someone spoke).
    """

    type: Literal["speakers"] = "speakers"
    active: str | None = None
    speaking: list[str] = Field(default_factory=list)


CallServerMessage = MuteRequested | Speakers
