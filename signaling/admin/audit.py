"""The admin audit log: who did what to which session (or to which mentor credential),
written durably by whoever carries the action out (the session worker, or the REST route
for invites and mentor credentials)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel

from session_room.ids import SessionId
from signaling.backends.base import SessionStore

logger = logging.getLogger(__name__)


class AdminAction(StrEnum):
    """What an administrator did."""

    END_SESSION = "end_session"
    REMOVE_PARTICIPANT = "remove_participant"
    JOIN_AS_OBSERVER = "join_as_observer"
    ISSUE_MENTOR_CREDENTIAL = "issue_mentor_credential"
    REVOKE_MENTOR_CREDENTIAL = "revoke_mentor_credential"
    ASK_TO_MUTE = "ask_to_mute"
    """A mentor asked a participant to mute (mentors' call controls are audited too)."""


class AuditEntry(BaseModel):
    """One admin action: who did what to which session, and when (UTC). Mentor credential
    actions have an empty ``session_id``, the ``credential_id`` and the credential's name
    as ``display_name`` (never the secret)."""

    at: datetime
    admin: str
    action: AdminAction
    session_id: str
    participant_id: str | None = None
    display_name: str | None = None
    reason: str = ""
    credential_id: str | None = None


async def write_audit(store: SessionStore, admin: str, action: AdminAction, session_id: str,
                      participant_id: str | None = None, display_name: str | None = None,
                      reason: str = "", credential_id: str | None = None) -> AuditEntry:
    """Appends an entry to the durable audit log (and the server log) and returns it."""
    entry = AuditEntry(at=datetime.now(UTC), admin=admin, action=action, session_id=session_id,
                       participant_id=participant_id, display_name=display_name, reason=reason,
                       credential_id=credential_id)
    await store.append_admin_action(entry.model_dump_json())
    logger.info("admin %s: %s %s %s", admin, action.value, session_id,
                participant_id or credential_id or "")
    return entry


class TitledAuditEntry(AuditEntry):
    """An audit entry as listed to admins: with the title of its session (``None`` for
    mentor credential actions and for a session that no longer exists)."""

    session_title: str | None = None


async def with_titles(store: SessionStore, entries: list[AuditEntry]) -> list[TitledAuditEntry]:
    """``entries`` in the same order, each with its session's title (each session is
    loaded once)."""
    titles: dict[str, str | None] = {}
    for sid in {e.session_id for e in entries if e.session_id}:
        spec = await store.load_session(SessionId(sid))
        titles[sid] = None if spec is None else spec.title
    return [TitledAuditEntry(**e.model_dump(), session_title=titles.get(e.session_id))
            for e in entries]
