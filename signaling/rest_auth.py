"""Who is calling a REST route: an invite token (of a session, or of any session to
prove an identity) or the admin token. One place turns tokens into HTTP errors."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Header, HTTPException, status

from session_room.roles import Role
from signaling.auth import InviteClaims, InviteError, InviteSigner

Authorization = Annotated[str, Header(description="Bearer <invite token or admin token>")]


class RestAuth:
    """Checks ``Authorization: Bearer ...`` headers.

    Args:
        signer: Verifies invite tokens.
        admin_token: The admin's token, or ``None`` (nobody is admin).
    """

    def __init__(self, signer: InviteSigner, admin_token: str | None) -> None:
        self._signer = signer
        self._admin_token = admin_token

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

    def is_admin(self, token: str) -> bool:
        """True for the configured admin token (constant-time comparison)."""
        return self._admin_token is not None and hmac.compare_digest(token, self._admin_token)

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

    def require_admin(self, authorization: str) -> None:
        """Allows only the admin.

        Raises:
            HTTPException: 401/403.
        """
        if not self.is_admin(self.token(authorization)):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "only an admin may see this")
