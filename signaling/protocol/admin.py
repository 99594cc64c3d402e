"""Wire messages of the admin live dashboard (``/ws/admin``).

Part of the one wire schema: :mod:`signaling.protocol` puts these models into its
discriminated unions and re-exports them. The admin socket sends ``admin_hello`` with
the admin credential first; the server answers with a ``dashboard_snapshot`` and then
pushes ``dashboard_update`` messages (changed sessions whole, closed ones by id).
An admin who only watches is in no call: nobody sees a dashboard, and it receives no
media.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from session_room.layers import VideoStep
from session_room.quality import MediaMode, ModeReason, QualityLevel
from session_room.roles import Role, SessionKind
from signaling.protocol.base import Message as _Message
from signaling.protocol.base import RequestId
from signaling.protocol.board import AgendaItemInfo, TimerInfo


class LiveParticipant(_Message):
    """A participant as an administrator sees them. Times are server epoch seconds."""

    participant_id: str
    identity: str
    display_name: str
    role: Role
    joined_at: float
    connected: bool
    """False while their connection dropped and their seat is held."""
    audio_muted: bool
    video_muted: bool
    media_flowing: bool
    """True once their first media reached the relay."""
    media_mode: MediaMode
    mode_reason: ModeReason
    quality: QualityLevel
    bitrate_in: int = Field(description="bits/s the relay receives from them (last sample)")
    bitrate_out: int = Field(description="bits/s the relay forwards to them (last sample)")
    video_step: VideoStep = VideoStep.FULL
    sharing_since: float | None = None
    """When they started sharing their screen (``None``: not sharing)."""


class LiveSession(_Message):
    """A live session (one whose worker runs on this node)."""

    session_id: str
    kind: SessionKind
    title: str
    capacity: int
    scheduled_start: float | None = None
    planned_minutes: int | None = None
    started_at: float | None = None
    """When the first participant joined; elapsed time counts from here."""
    ended_at: float | None = None
    """Set once an administrator ended it (it disappears when its worker stops)."""
    current_item: AgendaItemInfo | None = None
    agenda_done: int
    agenda_total: int
    timer: TimerInfo
    participants: list[LiveParticipant]


class AdminHello(_Message):
    """The admin socket's first message: the admin credential."""

    type: Literal["admin_hello"] = "admin_hello"
    id: RequestId | None = None
    token: str = Field(max_length=512)


class DashboardSnapshot(_Message):
    """Reply to ``admin_hello``: every live session now."""

    type: Literal["dashboard_snapshot"] = "dashboard_snapshot"
    re: str | None = None
    admin: str
    """The name the credential belongs to (shown as "signed in as")."""
    server_time: float
    sessions: list[LiveSession]


class DashboardUpdate(_Message):
    """Sessions that changed since the last message (whole), and sessions that stopped."""

    type: Literal["dashboard_update"] = "dashboard_update"
    server_time: float
    sessions: list[LiveSession]
    closed: list[str]


AdminClientMessage = AdminHello
AdminServerMessage = DashboardSnapshot | DashboardUpdate
