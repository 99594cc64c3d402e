"""The server's log lines about sessions: one per join, leave, drop, resume, media mode
change and admin action, each with the session and participant ids (as ``extra``
fields, so the JSON log format carries them as keys)."""

from __future__ import annotations

import logging

from session_room.events import (
    LinkChanged,
    ParticipantDropped,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantResumed,
    RoomEvent,
)
from session_room.ids import SessionId

logger = logging.getLogger("signaling.sessions")

def log_room_event(session_id: SessionId, event: RoomEvent) -> None:
    """One log line per join, leave, drop, resume and media mode change."""
    p = event.participant
    ids = {"session_id": session_id, "participant_id": p.participant_id}
    if isinstance(event, ParticipantJoined):
        logger.info("session %s: %s joined as %s", session_id, p.participant_id,
                    p.role.value, extra={**ids, "event": "joined"})
    elif isinstance(event, ParticipantResumed):
        logger.info("session %s: %s rejoined", session_id, p.participant_id,
                    extra={**ids, "event": "resumed"})
    elif isinstance(event, ParticipantLeft):
        logger.info("session %s: %s left (%s)", session_id, p.participant_id,
                    event.reason.value, extra={**ids, "event": "left"})
    elif isinstance(event, ParticipantDropped):
        logger.info("session %s: %s dropped; seat held", session_id, p.participant_id,
                    extra={**ids, "event": "dropped"})
    elif isinstance(event, LinkChanged) and event.mode_changed:
        logger.info("session %s: %s media mode %s (%s)", session_id, p.participant_id,
                    p.link.mode.value, p.link.reason.value,
                    extra={**ids, "event": "media_mode"})


def log_admin_action(session_id: SessionId, admin: str, action: str,
                     participant_id: str | None) -> None:
    """One line for an administrator's action, once it is done."""
    logger.info("session %s: admin %s did %s%s", session_id, admin, action,
                f" to {participant_id}" if participant_id else "",
                extra={"session_id": session_id, "participant_id": participant_id,
                       "admin": admin, "event": action})
