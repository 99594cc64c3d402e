"""Personal sign-in links and the browser sessions they open.

A sign-in link is ``/signin/{code}``: 32 random bytes, shown once, stored only as its
SHA-256 (record kind ``signin_code``); issuing a new one for a person revokes the previous
one (``signin_current`` points at it). Opening the link starts a browser session: a random
token in an ``HttpOnly`` cookie, stored hashed (``browser_session``), tied to the link that
opened it, so revoking the link signs that browser out too. A second, readable cookie
carries the CSRF token that state-changing requests must echo in ``X-CSRF-Token``.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass

from signaling.backends.base import SessionStore

SESSION_COOKIE = "mr_session"
CSRF_COOKIE = "mr_csrf"
CSRF_HEADER = "x-csrf-token"
SESSION_DAYS = 30


def digest(secret: str) -> str:
    """The hex SHA-256 a secret is stored and looked up by (never the secret itself)."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class BrowserSession:
    """A signed-in browser.

    Attributes:
        person_id: Who signed in.
        csrf_hash: SHA-256 of the CSRF token of this browser session.
    """

    person_id: str
    csrf_hash: str


class SignIns:
    """Issues and revokes sign-in links; opens and resolves browser sessions."""

    def __init__(self, store: SessionStore) -> None:
        self._store = store

    async def issue(self, person_id: str, now: float) -> str:
        """A new sign-in code for a person (the previous one, if any, is revoked).
        Stored before it is returned; the caller shows it once."""
        await self.revoke(person_id, now)
        code = secrets.token_urlsafe(32)
        record = json.dumps({"person_id": person_id, "created_at": now, "revoked_at": None})
        await self._store.put_record("signin_code", digest(code), record)
        await self._store.put_record("signin_current", person_id, digest(code))
        return code

    async def revoke(self, person_id: str, now: float) -> bool:
        """Revokes a person's current sign-in link (and so the browsers it signed in);
        returns whether there was one."""
        current = await self._store.get_record("signin_current", person_id)
        if current is None:
            return False
        raw = await self._store.get_record("signin_code", current)
        if raw is not None:
            record = json.loads(raw)
            if record["revoked_at"] is None:
                record["revoked_at"] = now
                await self._store.put_record("signin_code", current, json.dumps(record))
        await self._store.delete_record("signin_current", person_id)
        return True

    async def has_link(self, person_id: str) -> bool:
        """Whether the person has a sign-in link that works."""
        return await self._store.get_record("signin_current", person_id) is not None

    async def _code_owner(self, code_hash: str) -> str | None:
        raw = await self._store.get_record("signin_code", code_hash)
        if raw is None:
            return None
        record = json.loads(raw)
        return None if record["revoked_at"] is not None else str(record["person_id"])

    async def open(self, code: str, now: float) -> tuple[str, str, str] | None:
        """Opens a browser session from a sign-in code.

        Returns:
            ``(person_id, session token, csrf token)``, or ``None`` for an unknown or
            revoked code.
        """
        person_id = await self._code_owner(digest(code))
        if person_id is None:
            return None
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        record = json.dumps({"person_id": person_id, "code_hash": digest(code),
                             "csrf_hash": digest(csrf), "created_at": now})
        await self._store.put_record("browser_session", digest(token), record)
        return person_id, token, csrf

    async def resolve(self, token: str, now: float) -> BrowserSession | None:
        """The browser session of a cookie, or ``None`` (unknown, expired, or its link
        was revoked)."""
        raw = await self._store.get_record("browser_session", digest(token))
        if raw is None:
            return None
        record = json.loads(raw)
        if now - float(record["created_at"]) > SESSION_DAYS * 86400:
            return None
        if await self._code_owner(str(record["code_hash"])) != record["person_id"]:
            return None
        return BrowserSession(str(record["person_id"]), str(record["csrf_hash"]))

    async def close(self, token: str) -> None:
        """Signs a browser out."""
        await self._store.delete_record("browser_session", digest(token))
