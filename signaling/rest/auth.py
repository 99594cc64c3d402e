"""Who is calling a REST route: an invite token (of a session, or of any session to
prove an identity), an admin credential, or a mentor credential (it may create sessions).
One place turns tokens into HTTP errors."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from fastapi import Header, HTTPException, status

from session_room.roles import Role
from signaling.auth import InviteClaims, InviteError, InviteSigner
from signaling.backends.base import SessionStore

Authorization = Annotated[str, Header(
    description="Bearer <invite token, admin credential or mentor credential>")]
MIN_ADMIN_TOKEN = 16
MENTOR_CREDENTIAL_PREFIX = "mrc_"
"""Every mentor credential starts with this, so people (and secret scanners) know it."""


def new_mentor_credential() -> str:
    """A fresh secret mentor credential: ``mrc_`` and 32 random bytes, URL-safe."""
    return MENTOR_CREDENTIAL_PREFIX + secrets.token_urlsafe(32)


def mentor_credential_hash(credential: str) -> str:
    """The hex SHA-256 of a credential: what the store keeps and looks it up by (the
    secret has 256 random bits, so a plain hash is enough and a lookup by it leaks
    nothing usable)."""
    return hashlib.sha256(credential.encode()).hexdigest()


class CreatorKind(StrEnum):
    """What allowed a session to be created."""

    ADMIN = "admin"
    MENTOR = "mentor"
    OPEN = "open"
    """``open_creation`` is on and no recognised credential came with the request."""


class CreationRefusal(StrEnum):
    """Why creating a session was refused; the value is the ``detail`` the caller sees."""

    NO_CREDENTIAL = ("creating a session needs a credential: ask your program admin for a "
                     "mentor credential (admins can use theirs) and send it as "
                     "'Authorization: Bearer <credential>'")
    INVITE_TOKEN = ("an invite link's token cannot create sessions: creating a session needs "
                    "a mentor credential from your program admin, or an admin credential")
    REVOKED = ("this mentor credential was revoked: ask your program admin for a new one")
    UNKNOWN = ("this credential is not valid: creating a session needs a mentor credential "
               "from your program admin, or an admin credential")


@dataclass(frozen=True, slots=True)
class Creator:
    """Who creates a session.

    Attributes:
        kind: Admin credential, mentor credential, or open creation.
        name: The administrator's name, the mentor credential's name, or ``""``.
        credential_id: The mentor credential's id (mentors only).
        person_id: The signed-in program person (a mentor's or admin's personal
            sign-in), whose identity the session's mentor invite then carries.
    """

    kind: CreatorKind
    name: str = ""
    credential_id: str | None = None
    person_id: str | None = None


class RestAuth:
    """Checks ``Authorization: Bearer ...`` headers.

    Args:
        signer: Verifies invite tokens.
        admins: Each administrator's name and credential (empty: nobody is admin).
        store: Where mentor credentials are looked up (by hash, on every request, so a
            revocation holds at once on every node); ``None``: no mentor credentials.
        open_creation: Anyone may create sessions, without a credential (a demo).

    Raises:
        ValueError: If a credential is shorter than 16 characters.
    """

    def __init__(self, signer: InviteSigner, admins: dict[str, str],
                 store: SessionStore | None = None, open_creation: bool = False) -> None:
        self._signer = signer
        if any(len(token) < MIN_ADMIN_TOKEN for token in admins.values()):
            raise ValueError(f"admin credentials need at least {MIN_ADMIN_TOKEN} characters")
        self._admins = dict(admins)
        self._store = store
        self._open_creation = open_creation

    @staticmethod
    def token(authorization: str) -> str:
        """The bearer token.

        Raises:
            HTTPException: 401 if there is none.
        """
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "a token is needed")
        return token

    def admin_name(self, token: str) -> str | None:
        """The administrator this credential belongs to, or ``None`` (every credential
        is compared in constant time)."""
        found = None
        for name, credential in self._admins.items():
            if hmac.compare_digest(token.encode(), credential.encode()):
                found = name
        return found

    def is_admin(self, token: str) -> bool:
        """True for an administrator's credential."""
        return self.admin_name(token) is not None

    def invite(self, token: str, session_id: str | None) -> InviteClaims:
        """The claims of an invite token for ``session_id`` (``None``: any session).

        Raises:
            HTTPException: 403 for an expired, forged or foreign token.
        """
        try:
            return self._signer.verify(token, session_id)
        except InviteError as exc:
            raise HTTPException(status.HTTP_403_FORBIDDEN, exc.message) from exc

    def mentor_or_admin(self, authorization: str, session_id: str, refusal: str) -> None:
        """Allows the session's mentors and the admin.

        Raises:
            HTTPException: 401/403; ``refusal`` for a valid non-mentor token.
        """
        token = self.token(authorization)
        if self.is_admin(token):
            return
        if self.invite(token, session_id).role is not Role.MENTOR:
            raise HTTPException(status.HTTP_403_FORBIDDEN, refusal)

    def require_admin(self, authorization: str) -> str:
        """Allows only administrators.

        Returns:
            The administrator's name.

        Raises:
            HTTPException: 401 without a token; 403 for any other token.
        """
        name = self.admin_name(self.token(authorization))
        if name is None:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "only an admin may do this")
        return name

    async def session_creator(self, authorization: str) -> Creator:
        """Who may create a session with this ``Authorization`` header: an administrator,
        or the holder of a mentor credential that is not revoked; with ``open_creation``
        anyone (a recognised credential is still reported as such).

        Raises:
            HTTPException: 401 without a token; 403 for any other token (an invite
                token, a revoked or unknown credential), its detail a
                :class:`CreationRefusal`.
        """
        try:
            token = self.token(authorization)
        except HTTPException:
            if self._open_creation:
                return Creator(CreatorKind.OPEN)
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, CreationRefusal.NO_CREDENTIAL.value,
                                headers={"WWW-Authenticate": "Bearer"}) from None
        if (name := self.admin_name(token)) is not None:
            return Creator(CreatorKind.ADMIN, name)
        refusal = CreationRefusal.UNKNOWN
        if token.startswith(MENTOR_CREDENTIAL_PREFIX) and self._store is not None:
            found = await self._store.mentor_credential_by_hash(mentor_credential_hash(token))
            if found is not None and found.revoked_at is None:
                return Creator(CreatorKind.MENTOR, found.name, found.credential_id)
            if found is not None:
                refusal = CreationRefusal.REVOKED
        elif self._is_invite(token):
            refusal = CreationRefusal.INVITE_TOKEN
        if self._open_creation:
            return Creator(CreatorKind.OPEN)
        raise HTTPException(status.HTTP_403_FORBIDDEN, refusal.value)

    def _is_invite(self, token: str) -> bool:
        try:
            self._signer.verify(token, None)
        except InviteError:
            return False
        return True
