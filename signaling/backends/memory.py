"""In-memory backend for tests: nothing survives the process."""

from __future__ import annotations

from session_room.ids import SessionId
from session_room.room import SessionSpec


class MemoryStore:
    """Keeps everything in dictionaries."""

    def __init__(self) -> None:
        self._sessions: dict[SessionId, SessionSpec] = {}
        self._secrets: dict[str, str] = {}

    async def save_session(self, spec: SessionSpec) -> None:
        self._sessions[spec.session_id] = spec

    async def load_session(self, session_id: SessionId) -> SessionSpec | None:
        return self._sessions.get(session_id)

    async def secret(self, name: str, factory: str) -> str:
        return self._secrets.setdefault(name, factory)

    async def close(self) -> None:
        return None
