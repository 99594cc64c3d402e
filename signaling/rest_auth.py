"""Who is calling a REST route: an invite token (of a session, or of any session to
prove an identity) or an admin credential. One place turns tokens into HTTP errors."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Header, HTTPException, status

from session_room.roles import Role
from signaling.auth import InviteClaims, InviteError, InviteSigner

Authorization = Annotated[str, Header(description="Bearer <invite token or admin token>")]
MIN_ADMIN_TOKEN = 16


class RestAuth:
    """Checks ``Authorization: Bearer ...`` headers.

    Args:
        signer: Verifies invite tokens.
        admins: Each administrator's name and credential (empty: nobody is admin).

    Raises:
        ValueError: If a credential is shorter than 16 characters.
    """

    def __init__(self, signer: InviteSigner, admins: dict[str, str]) -> None:
        self._signer = signer
        if any(len(token) < MIN_ADMIN_TOKEN for token in admins.values()):
            raise ValueError(f"admin credentials need at least {MIN_ADMIN_TOKEN} characters")
        self._admins = dict(admins)

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
