"""The storage seam: what the signaling edge keeps, and how a URL picks a backend."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from session_room.ids import SessionId
from session_room.room import SessionSpec
from signaling.backends.records import RecordStore


@dataclass(frozen=True, slots=True)
class MentorCredential:
    """A mentor credential as stored: never the secret itself, only its SHA-256 hash.

    Attributes:
        credential_id: Public id (``MC_...``), used to list and revoke it.
        name: Whom an administrator issued it to (the default mentor display name).
        created_at: Epoch seconds of issue.
        secret_hash: Hex SHA-256 of the secret; unique among credentials.
        revoked_at: Epoch seconds of the first revocation; ``None`` while it works.
    """

    credential_id: str
    name: str
    created_at: float
    secret_hash: str
    revoked_at: float | None = None


@dataclass(frozen=True, slots=True)
class ShortLink:
    """A short invite link (``/j/{code}``) as stored: the invite it stands for.

    Attributes:
        code: The random URL-safe code (unique; it is the whole secret of the link).
        session_id: The session the invite admits to.
        token: The signed invite token the link leads to.
        role: The role the invite grants (a :class:`~session_room.roles.Role` value).
        display_name: The invitee's suggested name (``""`` if none).
        identity: The invitee's identity.
        created_at: Epoch seconds of issue.
        expires_at: Epoch seconds at which the invite (and so the link) expires.
        revoked_at: Epoch seconds of the first revocation; ``None`` while it works.
    """

    code: str
    session_id: SessionId
    token: str
    role: str
    display_name: str
    identity: str
    created_at: float
    expires_at: float
    revoked_at: float | None = None


class SessionStore(RecordStore, Protocol):
    """Durable storage of sessions, their boards (agenda, timer, chat, notes) and
    server secrets. Every write is durable when the call returns."""

    async def save_session(self, spec: SessionSpec) -> None:
        """Stores a session (durably, before returning): a new one, or the same id again
        to change it (a rescheduled session); a recorded end time is kept."""

    async def load_session(self, session_id: SessionId) -> SessionSpec | None:
        """Returns a stored session, or ``None``."""

    async def secret(self, name: str, factory: str) -> str:
        """Returns the secret ``name``, storing ``factory`` as its value if unset."""

    async def save_board(self, session_id: SessionId, document: str) -> None:
        """Stores a session's agenda and timer document (replacing the previous one)."""

    async def load_board(self, session_id: SessionId) -> str | None:
        """Returns the stored board document, or ``None``."""

    async def append_chat(self, session_id: SessionId, record: str) -> None:
        """Appends one chat message record."""

    async def load_chat(self, session_id: SessionId, limit: int) -> list[str]:
        """Returns the last ``limit`` chat records, oldest first."""

    async def append_notes(self, session_id: SessionId, update: bytes) -> None:
        """Appends one notes update."""

    async def load_notes(self, session_id: SessionId) -> list[bytes]:
        """Returns every stored notes update, in order."""

    async def compact_notes(self, session_id: SessionId, state: bytes) -> None:
        """Replaces the stored notes updates with one (the merged state)."""

    async def append_attendance(self, session_id: SessionId, record: str) -> None:
        """Appends one attendance log entry (durable when this returns)."""

    async def load_attendance(self, session_id: SessionId) -> list[str]:
        """Returns a session's attendance log, in order."""

    async def attendance_sessions(self) -> list[SessionId]:
        """Returns every session that has an attendance log."""

    async def save_invite(
        self, session_id: SessionId, identity: str, role: str, display_name: str
    ) -> None:
        """Records who was invited to a session, in which role (progress needs it)."""

    async def list_invites(self) -> list[tuple[SessionId, str, str]]:
        """Every (session, identity, role) invited."""

    async def list_sessions(self) -> list[SessionSpec]:
        """Every session."""

    async def save_feedback(self, session_id: SessionId, identity: str, record: str) -> None:
        """Stores (replaces) one person's feedback on a session."""

    async def load_feedback(self, session_id: SessionId) -> list[str]:
        """Every feedback record of a session."""

    async def mark_ended(self, session_id: SessionId, at: float) -> None:
        """Records that a session was ended (``load_session`` then reports ``ended_at``);
        the first time is kept."""

    async def append_admin_action(self, record: str) -> None:
        """Appends one entry to the admin audit log (durable when this returns)."""

    async def list_admin_actions(self, limit: int) -> list[str]:
        """The last ``limit`` admin audit entries, oldest first."""

    async def save_mentor_credential(self, credential: MentorCredential) -> None:
        """Stores a newly issued mentor credential (durably, before returning); its id
        and hash are new."""

    async def mentor_credential_by_hash(self, secret_hash: str) -> MentorCredential | None:
        """Returns the credential whose secret has this SHA-256 hash (revoked or not),
        or ``None``."""

    async def list_mentor_credentials(self) -> list[MentorCredential]:
        """Every mentor credential, revoked ones included, oldest first."""

    async def revoke_mentor_credential(
        self, credential_id: str, at: float
    ) -> MentorCredential | None:
        """Marks a credential revoked at ``at`` (durably, before returning; the first
        time is kept) and returns it as stored, or ``None`` if there is no such id."""

    async def save_short_link(self, link: ShortLink) -> None:
        """Stores a newly issued short link (durably, before returning); its code is new."""

    async def load_short_link(self, code: str) -> ShortLink | None:
        """Returns the short link with this code (revoked or expired ones included), or
        ``None``."""

    async def revoke_short_link(self, code: str, at: float) -> ShortLink | None:
        """Marks a short link revoked at ``at`` (durably, before returning; the first
        time is kept) and returns it as stored, or ``None`` if there is no such code (no
        record appears)."""

    async def revoke_invite(self, digest: str, until: float) -> None:
        """Refuses the invite token with this digest (:func:`signaling.auth.invite_digest`)
        from now on, durably before returning; the record may be forgotten after
        ``until`` (the token's expiry)."""

    async def invite_revoked(self, digest: str) -> bool:
        """Whether the invite token with this digest was revoked."""

    async def close(self) -> None:
        """Releases the backend's resources."""


def open_store(url: str) -> SessionStore:
    """Returns the backend for ``url``.

    Args:
        url: ``memory://``, ``sqlite:///relative/path.db`` / ``sqlite:////abs/path.db``, or
            ``redis://host:port/db`` (several nodes).

    Raises:
        ValueError: For an unknown scheme.
    """
    if url.startswith("memory://"):
        from signaling.backends.memory import MemoryStore

        return MemoryStore()
    if url.startswith("sqlite:///"):
        from signaling.backends.sqlite import SqliteStore

        return SqliteStore(url.removeprefix("sqlite:///"))
    if url.startswith(("redis://", "rediss://", "unix://")):
        from signaling.backends.redis import RedisStore

        return RedisStore(url)
    raise ValueError(
        f"unknown storage URL {url!r}: use memory://, sqlite:///path or redis://host:port/0")
