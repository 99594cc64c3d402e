"""Short invite links: ``/j/{code}`` stands for one invite and leads to its join page.

Every invite gets a random code (:data:`CODE_BYTES` bytes, URL-safe) stored with the
invite it stands for. Opening ``/j/{code}`` redirects to ``/s/{session}#token={jwt}``: the
token stays in the URL fragment, so it never reaches a server log. An unknown, malformed,
expired or revoked code gets the static "this invite link is not valid" page instead
(404 unknown or malformed, 410 expired or revoked). The session's mentor or an admin may
revoke a link; a revoked code never works again, and neither does its invite's token
(the edge refuses a join with it, 4401; someone already in the session stays)."""

from __future__ import annotations

import logging
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.responses import FileResponse, RedirectResponse, Response
from pydantic import BaseModel

from session_room.ids import SessionId
from session_room.roles import Role
from signaling.auth import invite_digest
from signaling.backends.base import SessionStore, ShortLink
from signaling.rest.auth import Authorization, RestAuth

logger = logging.getLogger(__name__)

CODE_BYTES = 12
"""Random bytes in a code: 96 bits, written as 16 URL-safe characters."""
CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{16}")
"""What :func:`new_code` produces; anything else is refused before any lookup."""
INVALID_PAGE = Path(__file__).resolve().parent.parent.parent / "web_client" / "invalid_invite.html"
NO_STORE = {"Cache-Control": "no-store"}


class ShortLinkState(StrEnum):
    """Whether a code leads anywhere."""

    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"
    UNKNOWN = "unknown"
    """No such code, or not a code at all."""


class Revoker(StrEnum):
    """Who revoked a short link."""

    ADMIN = "admin"
    MENTOR = "mentor"


@dataclass(frozen=True, slots=True)
class Resolved:
    """A code looked up.

    Attributes:
        state: What the code is worth now.
        link: The stored link (``None`` for an unknown code).
    """

    state: ShortLinkState
    link: ShortLink | None = None


class ShortLinkOut(BaseModel):
    """A short invite link as the mentor sees it (never its token)."""

    code: str
    session_id: str
    role: Role
    display_name: str
    expires_at: datetime
    revoked_at: datetime | None
    state: ShortLinkState


def new_code() -> str:
    """A fresh code: :data:`CODE_BYTES` random bytes from :mod:`secrets`, URL-safe base64
    (it matches :data:`CODE_PATTERN`)."""
    return secrets.token_urlsafe(CODE_BYTES)


def state_of(link: ShortLink | None, now: float) -> ShortLinkState:
    """What ``link`` is worth at ``now`` (epoch seconds); revocation wins over expiry."""
    if link is None:
        return ShortLinkState.UNKNOWN
    if link.revoked_at is not None:
        return ShortLinkState.REVOKED
    if link.expires_at <= now:
        return ShortLinkState.EXPIRED
    return ShortLinkState.ACTIVE


async def resolve(store: SessionStore, code: str, now: float | None = None) -> Resolved:
    """Looks a code up (a malformed one is :attr:`ShortLinkState.UNKNOWN` without any
    lookup)."""
    if CODE_PATTERN.fullmatch(code) is None:
        return Resolved(ShortLinkState.UNKNOWN)
    link = await store.load_short_link(code)
    return Resolved(state_of(link, time.time() if now is None else now), link)


async def issue_short_link(store: SessionStore, session_id: SessionId, token: str, role: Role,
                           identity: str, display_name: str, expires_at: float) -> ShortLink:
    """Stores a new short link for an invite (durably) and returns it; it expires with
    the invite."""
    link = ShortLink(code=new_code(), session_id=session_id, token=token, role=role.value,
                     display_name=display_name, identity=identity, created_at=time.time(),
                     expires_at=expires_at)
    await store.save_short_link(link)
    return link


def join_path(link: ShortLink) -> str:
    """Where a working code leads: the room page with the token in the fragment."""
    return f"/s/{quote(link.session_id, safe='')}#token={link.token}"


def invalid_page(state: ShortLinkState) -> FileResponse:
    """The "not valid" page: 404 for an unknown code, 410 for an expired or revoked one."""
    code = status.HTTP_404_NOT_FOUND if state is ShortLinkState.UNKNOWN else status.HTTP_410_GONE
    return FileResponse(INVALID_PAGE, status_code=code, headers=NO_STORE)


def link_out(link: ShortLink, now: float | None = None) -> ShortLinkOut:
    """The REST view of a stored link."""
    revoked = link.revoked_at
    return ShortLinkOut(
        code=link.code, session_id=link.session_id, role=Role(link.role),
        display_name=link.display_name,
        expires_at=datetime.fromtimestamp(link.expires_at, UTC),
        revoked_at=None if revoked is None else datetime.fromtimestamp(revoked, UTC),
        state=state_of(link, time.time() if now is None else now))


def build_short_link_router(store: SessionStore, auth: RestAuth) -> APIRouter:
    """Returns ``GET /j/{code}`` and the revocation route, bound to a store."""
    router = APIRouter(tags=["sessions"])

    def revoker(session_id: str, authorization: Authorization = "") -> str:
        """Who may revoke: an admin or the session's mentor (401 without a token, 403
        for any other token)."""
        token = auth.token(authorization)
        if (name := auth.admin_name(token)) is not None:
            return f"{Revoker.ADMIN.value} {name}"
        claims = auth.invite(token, session_id)
        if claims.role is not Role.MENTOR:
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                "only the session's mentor or an admin can revoke invite links")
        return f"{Revoker.MENTOR.value} {claims.identity}"

    @router.get("/j/{code}", include_in_schema=False, response_model=None)
    async def open_short_link(code: str) -> Response:
        found = await resolve(store, code)
        if found.state is not ShortLinkState.ACTIVE or found.link is None:
            return invalid_page(found.state)
        return RedirectResponse(join_path(found.link), status.HTTP_303_SEE_OTHER,
                                headers=NO_STORE)

    @router.delete(
        "/api/sessions/{session_id}/short-links/{code}",
        responses={401: {"description": "no token"},
                   403: {"description": "not the session's mentor or an admin"},
                   404: {"description": "no such link in this session"}},
    )
    async def revoke_short_link(session_id: str, code: str,
                                who: str = Depends(revoker)) -> ShortLinkOut:
        """Revokes a short invite link of the session (the session's mentor or an admin):
        the link then shows "not valid" for good, and its invite's token can no longer
        join (someone already in the session stays). Revoking again keeps the first time."""
        found = await resolve(store, code)
        if found.link is None or found.link.session_id != session_id:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "this session has no such invite link")
        revoked = await store.revoke_short_link(code, time.time())
        if revoked is None:  # pragma: no cover - links are never deleted
            raise HTTPException(status.HTTP_404_NOT_FOUND, "this session has no such invite link")
        await store.revoke_invite(invite_digest(revoked.token), revoked.expires_at)
        logger.info("%s revoked short invite link %s… of session %s (%s)",
                    who, code[:4], session_id, revoked.role)
        return link_out(revoked)

    return router
