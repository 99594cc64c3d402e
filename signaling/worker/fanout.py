"""Turns domain events into wire messages for each recipient."""

from __future__ import annotations

from media.events import SubscribeOfferReady
from session_room.events import (
    Event,
    HandChanged,
    LinkChanged,
    MediaStateChanged,
    ParticipantActivated,
    ParticipantDropped,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantResumed,
    ScreenShareChanged,
)
from session_room.participant import Participant
from session_room.roles import LeaveReason
from session_room.room import SessionSpec
from signaling import protocol

LEAVE_MESSAGES = {
    LeaveReason.LEFT: "You left the session.",
    LeaveReason.REPLACED: "You joined from another tab or device; this one was disconnected.",
    LeaveReason.SERVER_SHUTDOWN: "The server is restarting.",
    LeaveReason.REMOVED: "An administrator removed you from the session.",
    LeaveReason.SESSION_ENDED: "An administrator ended the session.",
}
"""What the ``bye`` says to the person who leaves, by reason."""
LEAVE_CLOSE_CODES = {
    LeaveReason.REPLACED: protocol.CloseCode.REPLACED,
    LeaveReason.REMOVED: protocol.CloseCode.REMOVED,
    LeaveReason.SESSION_ENDED: protocol.CloseCode.SESSION_ENDED,
}
"""The close code after a ``bye`` (normal unless listed)."""


def participant_info(participant: Participant) -> protocol.ParticipantInfo:
    """The wire view of a participant."""
    return protocol.ParticipantInfo(
        participant_id=participant.participant_id,
        identity=participant.identity,
        display_name=participant.display_name,
        role=participant.role,
        audio_muted=participant.audio_muted,
        video_muted=participant.video_muted,
        active=participant.active_at is not None,
        quality=participant.link.quality,
        media_mode=participant.link.mode,
        mode_reason=participant.link.reason,
        sends_video=participant.link.sends_video,
        receives_video=participant.link.receives_video,
        device_busy=participant.link.device_busy,
        video_step=participant.link.video_step,
        connected=participant.connected,
        sharing_screen=participant.sharing_screen,
        hand_raised_at=participant.hand_raised_at,
    )


def session_info(spec: SessionSpec) -> protocol.SessionInfo:
    """The wire view of a session."""
    return protocol.SessionInfo(
        session_id=spec.session_id,
        kind=spec.kind,
        title=spec.title,
        capacity=spec.capacity,
        scheduled_start=spec.scheduled_start,
        planned_minutes=spec.planned_minutes,
    )


def broadcast_message(event: Event) -> protocol.AnyServerMessage:
    """The message every other participant gets for ``event``."""
    if isinstance(event, ParticipantJoined):
        return protocol.ParticipantJoined(participant=participant_info(event.participant))
    if isinstance(event, ParticipantLeft):
        return protocol.ParticipantLeft(
            participant_id=event.participant.participant_id, reason=event.reason
        )
    if isinstance(event, (MediaStateChanged, ParticipantActivated, LinkChanged,
                          ParticipantDropped, ParticipantResumed, ScreenShareChanged,
                          HandChanged)):
        return protocol.ParticipantUpdated(participant=participant_info(event.participant))
    raise TypeError(f"no message for {event!r}")


def subscribe_offer(item: SubscribeOfferReady) -> protocol.SubscribeOffer:
    """The ``subscribe_offer`` for a relay's new receive offer."""
    return protocol.SubscribeOffer(
        revision=item.revision, sdp=item.sdp,
        tracks=[protocol.TrackInfo(mid=t.mid, participant_id=t.participant_id,
                                   kind=protocol.MediaKind(t.kind)) for t in item.tracks],
    )
