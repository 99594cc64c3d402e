"""The storage seam: what the signaling edge keeps, and how a URL picks a backend."""

from __future__ import annotations

from typing import Protocol

from session_room.ids import SessionId
from session_room.room import SessionSpec


class SessionStore(Protocol):
    """Durable storage of sessions and server secrets."""

    async def save_session(self, spec: SessionSpec) -> None:
        """Stores a new session (durably, before returning)."""

    async def load_session(self, session_id: SessionId) -> SessionSpec | None:
        """Returns a stored session, or ``None``."""

    async def secret(self, name: str, factory: str) -> str:
        """Returns the secret ``name``, storing ``factory`` as its value if unset."""

    async def close(self) -> None:
        """Releases the backend's resources."""


def open_store(url: str) -> SessionStore:
    """Returns the backend for ``url``.

    Args:
        url: ``memory://`` or ``sqlite:///relative/path.db`` / ``sqlite:////abs/path.db``.

    Raises:
        ValueError: For an unknown scheme.
    """
    if url.startswith("memory://"):
        from signaling.backends.memory import MemoryStore

        return MemoryStore()
    if url.startswith("sqlite:///"):
        from signaling.backends.sqlite import SqliteStore

        return SqliteStore(url.removeprefix("sqlite:///"))
    raise ValueError(f"unknown storage URL {url!r}: use memory:// or sqlite:///path")
