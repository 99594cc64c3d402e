"""The one wire schema of the signaling WebSocket.

Every message is a JSON object with a ``type``; each type is one pydantic model,
collected in two discriminated unions: :data:`ClientMessage` (browser/bot -> server)
and :data:`ServerMessage` (server -> browser/bot). Requests may carry an ``id``;
replies and errors carry ``re`` with that id. Errors have a stable ``code`` and a
human ``message``.

The server, the tests and the load bots import this module; ``web_client/protocol.js``
is generated from it (``python -m signaling.protocol --js``) and a test fails when
the two drift. Bump :data:`PROTOCOL_VERSION` on any incompatible change.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter

from session_room.errors import ErrorCode
from session_room.layers import VideoStep
from session_room.quality import MediaMode, ModeReason, QualityLevel
from session_room.roles import LeaveReason, Role, SessionKind
from session_room.timer import TimerAction, TimerStatus
from signaling.protocol.admin import (
    AdminClientMessage,
    AdminHello,
    AdminServerMessage,
    DashboardSnapshot,
    DashboardUpdate,
    LiveParticipant,
    LiveSession,
)
from signaling.protocol.base import CloseCode, RequestId
from signaling.protocol.base import Message as _Message
from signaling.protocol.board import (
    AgendaAdd,
    AgendaChanged,
    AgendaEdit,
    AgendaFinish,
    AgendaInfo,
    AgendaItemInfo,
    AgendaMove,
    AgendaPolicy,
    AgendaRemove,
    AgendaStart,
    BoardClientMessage,
    BoardInfo,
    BoardServerMessage,
    ChatMessageInfo,
    ChatPosted,
    ChatSend,
    NotesUpdate,
    NotesUpdated,
    TimerChanged,
    TimerControl,
    TimerFollow,
    TimerInfo,
)
from signaling.protocol.call import (
    AskToMute,
    CallClientMessage,
    CallServerMessage,
    EndSession,
    LowerHand,
    MuteRequested,
    RaiseHand,
    RemoveParticipant,
    Speakers,
)
from signaling.protocol.goals import (
    GoalChanged,
    GoalInfo,
    Goals,
    GoalsClientMessage,
    GoalsServerMessage,
    GoalUpdate,
)
from signaling.protocol.media import (
    ChooseMediaMode,
    MediaRestart,
    PublishOffer,
    QualityReport,
    SetMediaState,
    StopScreenShare,
    SubscribeAnswer,
)

PROTOCOL_VERSION = 3
"""Version of this schema; a client announcing another version is refused."""

MAX_NAME_CHARS = 60
MAX_MESSAGE_BYTES = 128_000
"""The largest WebSocket text frame the server reads."""


class MediaKind(StrEnum):
    """Kinds of media track."""

    AUDIO = "audio"
    VIDEO = "video"
    SCREEN = "screen"
    """A shared screen, window or tab (a video track of its own kind)."""




# ---------------------------------------------------------------- shared parts


class SessionInfo(_Message):
    """A session as participants see it."""

    session_id: str
    kind: SessionKind
    title: str
    capacity: int
    scheduled_start: float | None = None
    planned_minutes: int | None = None


class ParticipantInfo(_Message):
    """A participant as others see them."""

    participant_id: str
    identity: str
    display_name: str
    role: Role
    audio_muted: bool = False
    video_muted: bool = False
    active: bool = False
    quality: QualityLevel = QualityLevel.GOOD
    media_mode: MediaMode = MediaMode.VIDEO
    mode_reason: ModeReason = ModeReason.GOOD_LINK
    sends_video: bool = True
    receives_video: bool = True
    device_busy: bool = False
    """Their computer (or the relay) is short of CPU: shown as "computer busy", not as
    a weak connection."""
    video_step: VideoStep = VideoStep.FULL
    """How much video they get and give now (lower layers and frame rates before
    audio-only; ``mode_reason`` says why while the mode is video)."""
    connected: bool = True
    """False while their connection dropped and their seat is held for a rejoin."""
    sharing_screen: bool = False
    """They share their screen now (one sharer per session)."""
    hand_raised_at: float | None = None
    """When they raised their hand (server clock; the queue's order), or ``null``."""


class IceServerInfo(_Message):
    """One ICE server for the browser's RTCPeerConnection."""

    urls: list[str]
    username: str | None = None
    credential: str | None = None


class TrackInfo(_Message):
    """Which participant's media a receive-side transceiver (by ``mid``) carries."""

    mid: str
    participant_id: str
    kind: MediaKind


class CodecInfo(_Message):
    """The codecs pinned for the session (every transceiver uses exactly these)."""

    audio: str = "opus"
    video: str = "VP8"


# ------------------------------------------------------- client -> server


class Join(_Message):
    """First message on a socket: who I am (the invite token) and my name."""

    type: Literal["join"] = "join"
    id: RequestId | None = None
    protocol_version: int
    token: str = Field(min_length=1, max_length=4096)
    display_name: str = Field(min_length=1, max_length=MAX_NAME_CHARS)


class Ping(_Message):
    """Keep-alive and clock probe; answered by ``pong``."""

    type: Literal["ping"] = "ping"
    id: RequestId | None = None


class Leave(_Message):
    """The participant leaves; the server answers ``bye`` and closes."""

    type: Literal["leave"] = "leave"
    id: RequestId | None = None


AnyClientMessage = (
    Join | PublishOffer | SubscribeAnswer | SetMediaState | Ping | Leave | QualityReport
    | ChooseMediaMode | MediaRestart | StopScreenShare | BoardClientMessage
    | AdminClientMessage | CallClientMessage | GoalsClientMessage
)
ClientMessage = Annotated[AnyClientMessage, Field(discriminator="type")]

# ------------------------------------------------------- server -> client


class Joined(_Message):
    """Reply to ``join``: a snapshot of the session."""

    type: Literal["joined"] = "joined"
    re: str | None = None
    protocol_version: int = PROTOCOL_VERSION
    session: SessionInfo
    you: ParticipantInfo
    participants: list[ParticipantInfo]
    ice_servers: list[IceServerInfo]
    codecs: CodecInfo = CodecInfo()
    board: BoardInfo
    server_time: float


class ParticipantJoined(_Message):
    """Someone joined."""

    type: Literal["participant_joined"] = "participant_joined"
    participant: ParticipantInfo


class ParticipantLeft(_Message):
    """Someone left, with the reason."""

    type: Literal["participant_left"] = "participant_left"
    participant_id: str
    reason: LeaveReason


class ParticipantUpdated(_Message):
    """Someone's muted/active state, connection quality or media mode changed (the
    subject gets it too: ``sends_video`` false asks their browser to stop sending
    video)."""

    type: Literal["participant_updated"] = "participant_updated"
    participant: ParticipantInfo


class PublishAnswer(_Message):
    """SDP answer for the client's send PeerConnection."""

    type: Literal["publish_answer"] = "publish_answer"
    re: str | None = None
    sdp: str


class SubscribeOffer(_Message):
    """SDP offer for the client's receive PeerConnection, and what each mid carries."""

    type: Literal["subscribe_offer"] = "subscribe_offer"
    revision: int
    sdp: str
    tracks: list[TrackInfo]


class Pong(_Message):
    """Reply to ``ping``."""

    type: Literal["pong"] = "pong"
    re: str | None = None
    server_time: float


class Error(_Message):
    """A request was refused; the connection and the session carry on."""

    type: Literal["error"] = "error"
    re: str | None = None
    code: ErrorCode
    message: str


class Redirect(_Message):
    """This node does not own the session: join again at ``url`` (then close 4307)."""

    type: Literal["redirect"] = "redirect"
    re: str | None = None
    url: str


class Bye(_Message):
    """The server is about to close this socket, and why."""

    type: Literal["bye"] = "bye"
    reason: LeaveReason
    message: str


AnyServerMessage = (
    Joined
    | ParticipantJoined
    | ParticipantLeft
    | ParticipantUpdated
    | PublishAnswer
    | SubscribeOffer
    | Pong
    | Error
    | Bye
    | Redirect
    | BoardServerMessage
    | AdminServerMessage
    | CallServerMessage
    | GoalsServerMessage
)
ServerMessage = Annotated[AnyServerMessage, Field(discriminator="type")]

CLIENT_ADAPTER: TypeAdapter[ClientMessage] = TypeAdapter(ClientMessage)
SERVER_ADAPTER: TypeAdapter[ServerMessage] = TypeAdapter(ServerMessage)


__all__ = [
    "CloseCode",
    "TimerAction", "TimerStatus",
    "AdminHello", "DashboardSnapshot", "DashboardUpdate", "LiveParticipant", "LiveSession",
    "AgendaAdd", "AgendaChanged", "AgendaEdit", "AgendaFinish", "AgendaInfo", "AgendaItemInfo",
    "AgendaMove", "AgendaPolicy", "AgendaRemove", "AgendaStart", "BoardInfo", "ChatMessageInfo",
    "ChatPosted", "ChatSend", "MediaMode", "ModeReason", "NotesUpdate", "NotesUpdated",
    "QualityLevel", "TimerChanged", "TimerControl", "TimerFollow", "TimerInfo",
    "ChooseMediaMode", "MediaRestart", "PublishOffer", "QualityReport", "SetMediaState",
    "StopScreenShare", "SubscribeAnswer", "VideoStep",
    "AskToMute", "CallClientMessage", "EndSession", "LowerHand", "MuteRequested", "RaiseHand",
    "RemoveParticipant",
    "Speakers",
    "GoalChanged", "GoalInfo", "Goals", "GoalUpdate",
]


def parse_client(text: str | bytes) -> AnyClientMessage:
    """Parses one client message in strict mode: only JSON (no ``Infinity``/``NaN``),
    booleans are ``true``/``false``, integers are integers.

    Raises:
        pydantic.ValidationError: If the text is not a valid client message.
    """
    return CLIENT_ADAPTER.validate_json(text, strict=True)


def parse_server(text: str | bytes) -> AnyServerMessage:
    """Parses one server message (used by tests and load bots).

    Raises:
        pydantic.ValidationError: If the text is not a valid server message.
    """
    return SERVER_ADAPTER.validate_json(text)


def encode(message: AnyClientMessage | AnyServerMessage) -> str:
    """Serialises a message to its JSON wire form."""
    return message.model_dump_json()


def json_schema() -> dict[str, Any]:
    """Returns the JSON schema of both directions, for docs and the JS mirror."""
    return {
        "protocol_version": PROTOCOL_VERSION,
        "client": CLIENT_ADAPTER.json_schema(),
        "server": SERVER_ADAPTER.json_schema(),
    }
