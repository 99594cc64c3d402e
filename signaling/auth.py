"""Invite tokens: signed (HS256, PyJWT), expiring, scoped to one session and role."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

import jwt

from session_room.ids import Identity, SessionId
from session_room.roles import Role
from signaling.protocol import CloseCode

ISSUER = "mentor-rooms"
ALGORITHM = "HS256"


@dataclass(frozen=True, slots=True)
class InviteClaims:
    """What a verified invite grants.

    Attributes:
        session_id: The one session the invite admits to.
        role: The role it grants.
        identity: The person it was issued to (stable across sessions).
        display_name: Suggested display name ("" if none).
        expires_at: Expiry, seconds since the epoch.
        by_admin: Issued to an administrator to observe: the display name is fixed
            (it says "(admin)") so everyone in the call sees who is watching.
    """

    session_id: SessionId
    role: Role
    identity: Identity
    display_name: str
    expires_at: float
    by_admin: bool = False


def invite_digest(token: str) -> str:
    """The key under which a revoked invite token is stored (never the token itself)."""
    return hashlib.sha256(token.encode()).hexdigest()


class InviteError(Exception):
    """An invite was refused.

    Attributes:
        close_code: The WebSocket close code that says why.
        message: A human sentence for the browser.
    """

    def __init__(self, close_code: CloseCode, message: str) -> None:
        super().__init__(message)
        self.close_code = close_code
        self.message = message


class InviteSigner:
    """Issues and verifies invite tokens with one secret."""

    def __init__(self, secret: str) -> None:
        if len(secret) < 32:
            raise ValueError("the signing secret must be at least 32 characters")
        self._secret = secret

    def issue(
        self,
        session_id: SessionId,
        role: Role,
        identity: Identity,
        display_name: str,
        ttl_seconds: float,
        now: float | None = None,
        by_admin: bool = False,
    ) -> tuple[str, float]:
        """Returns a signed token and its expiry time (epoch seconds)."""
        issued = time.time() if now is None else now
        expires = issued + ttl_seconds
        claims = {
            "iss": ISSUER,
            "sid": session_id,
            "role": role.value,
            "sub": identity,
            "name": display_name,
            "iat": int(issued),
            "exp": int(expires),
            "jti": secrets.token_urlsafe(8),
        }
        if by_admin:
            claims["adm"] = True
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM), float(int(expires))

    def verify(self, token: str, session_id: str | None) -> InviteClaims:
        """Checks a token for ``session_id`` (``None``: for any session, e.g. to prove
        who someone is when they ask for their own progress).

        Raises:
            InviteError: Expired (4402), forged or malformed (4401), or for another
                session (4403).
        """
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={"require": ["exp", "sid", "role", "sub", "iss"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise InviteError(CloseCode.TOKEN_EXPIRED, "this invite link has expired") from exc
        except jwt.InvalidTokenError as exc:
            raise InviteError(CloseCode.TOKEN_INVALID, "this invite link is not valid") from exc
        if session_id is not None and claims["sid"] != session_id:
            raise InviteError(
                CloseCode.TOKEN_WRONG_SESSION, "this invite is for a different session"
            )
        try:
            role = Role(claims["role"])
        except ValueError as exc:
            raise InviteError(CloseCode.TOKEN_INVALID, "this invite link is not valid") from exc
        return InviteClaims(
            session_id=SessionId(str(claims["sid"])),
            role=role,
            identity=Identity(str(claims["sub"])),
            display_name=str(claims.get("name", "")),
            expires_at=float(claims["exp"]),
            by_admin=claims.get("adm") is True,
        )
