"""In-memory backend for tests: nothing survives the process."""

from __future__ import annotations

import dataclasses

from session_room.ids import SessionId
from session_room.room import SessionSpec
from signaling.backends.base import MentorCredential, ShortLink
from signaling.backends.memory_records import MemoryRecords


class MemoryStore(MemoryRecords):
    """Keeps everything in dictionaries."""

    def __init__(self) -> None:
        super().__init__()
        self._sessions: dict[SessionId, SessionSpec] = {}
        self._secrets: dict[str, str] = {}
        self._boards: dict[SessionId, str] = {}
        self._chat: dict[SessionId, list[str]] = {}
        self._notes: dict[SessionId, list[bytes]] = {}
        self._attendance: dict[SessionId, list[str]] = {}
        self._invites: dict[tuple[SessionId, str], str] = {}
        self._feedback: dict[SessionId, dict[str, str]] = {}
        self._admin_actions: list[str] = []
        self._mentors: dict[str, MentorCredential] = {}
        self._mentor_by_hash: dict[str, str] = {}
        self._short_links: dict[str, ShortLink] = {}
        self._revoked_invites: set[str] = set()

    async def save_session(self, spec: SessionSpec) -> None:
        old = self._sessions.get(spec.session_id)
        ended = spec.ended_at if old is None else old.ended_at
        self._sessions[spec.session_id] = dataclasses.replace(spec, ended_at=ended)

    async def load_session(self, session_id: SessionId) -> SessionSpec | None:
        return self._sessions.get(session_id)

    async def mark_ended(self, session_id: SessionId, at: float) -> None:
        spec = self._sessions.get(session_id)
        if spec is not None and spec.ended_at is None:
            self._sessions[session_id] = dataclasses.replace(spec, ended_at=at)

    async def append_admin_action(self, record: str) -> None:
        self._admin_actions.append(record)

    async def list_admin_actions(self, limit: int) -> list[str]:
        return self._admin_actions[-limit:] if limit > 0 else []

    async def secret(self, name: str, factory: str) -> str:
        return self._secrets.setdefault(name, factory)

    async def save_board(self, session_id: SessionId, document: str) -> None:
        self._boards[session_id] = document

    async def load_board(self, session_id: SessionId) -> str | None:
        return self._boards.get(session_id)

    async def append_chat(self, session_id: SessionId, record: str) -> None:
        self._chat.setdefault(session_id, []).append(record)

    async def load_chat(self, session_id: SessionId, limit: int) -> list[str]:
        return self._chat.get(session_id, [])[-limit:]

    async def append_notes(self, session_id: SessionId, update: bytes) -> None:
        self._notes.setdefault(session_id, []).append(update)

    async def load_notes(self, session_id: SessionId) -> list[bytes]:
        return list(self._notes.get(session_id, []))

    async def compact_notes(self, session_id: SessionId, state: bytes) -> None:
        self._notes[session_id] = [state]

    async def append_attendance(self, session_id: SessionId, record: str) -> None:
        self._attendance.setdefault(session_id, []).append(record)

    async def load_attendance(self, session_id: SessionId) -> list[str]:
        return list(self._attendance.get(session_id, []))

    async def attendance_sessions(self) -> list[SessionId]:
        return list(self._attendance)

    async def save_invite(
        self, session_id: SessionId, identity: str, role: str, display_name: str
    ) -> None:
        self._invites[(session_id, identity)] = role

    async def list_invites(self) -> list[tuple[SessionId, str, str]]:
        return [(sid, identity, role) for (sid, identity), role in self._invites.items()]

    async def list_sessions(self) -> list[SessionSpec]:
        return list(self._sessions.values())

    async def save_feedback(self, session_id: SessionId, identity: str, record: str) -> None:
        self._feedback.setdefault(session_id, {})[identity] = record

    async def load_feedback(self, session_id: SessionId) -> list[str]:
        return list(self._feedback.get(session_id, {}).values())

    async def save_mentor_credential(self, credential: MentorCredential) -> None:
        self._mentors[credential.credential_id] = credential
        self._mentor_by_hash[credential.secret_hash] = credential.credential_id

    async def mentor_credential_by_hash(self, secret_hash: str) -> MentorCredential | None:
        credential_id = self._mentor_by_hash.get(secret_hash)
        return None if credential_id is None else self._mentors[credential_id]

    async def list_mentor_credentials(self) -> list[MentorCredential]:
        return sorted(self._mentors.values(), key=lambda c: (c.created_at, c.credential_id))

    async def revoke_mentor_credential(
        self, credential_id: str, at: float
    ) -> MentorCredential | None:
        found = self._mentors.get(credential_id)
        if found is not None and found.revoked_at is None:
            found = self._mentors[credential_id] = dataclasses.replace(found, revoked_at=at)
        return found

    async def save_short_link(self, link: ShortLink) -> None:
        self._short_links[link.code] = link

    async def load_short_link(self, code: str) -> ShortLink | None:
        return self._short_links.get(code)

    async def revoke_short_link(self, code: str, at: float) -> ShortLink | None:
        found = self._short_links.get(code)
        if found is not None and found.revoked_at is None:
            found = self._short_links[code] = dataclasses.replace(found, revoked_at=at)
        return found

    async def revoke_invite(self, digest: str, until: float) -> None:
        self._revoked_invites.add(digest)

    async def invite_revoked(self, digest: str) -> bool:
        return digest in self._revoked_invites

    async def close(self) -> None:
        return None
