"""REST for administrators: mentor credentials, which let a mentor create sessions.

An administrator issues one for a name; its secret (``mrc_...``) is in the answer to
that request only, like a GitHub token: the store keeps its SHA-256 hash, never the
secret. Revoking one is stored at once, and every node looks credentials up in the
shared store on every request, so it stops working everywhere immediately.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, HTTPException, Response, status
from pydantic import BaseModel, Field, field_validator

from signaling.admin.audit import AdminAction, write_audit
from signaling.backends.base import MentorCredential, SessionStore
from signaling.protocol import MAX_NAME_CHARS
from signaling.rest.auth import (
    Authorization,
    RestAuth,
    mentor_credential_hash,
    new_mentor_credential,
)


class IssueMentorCredential(BaseModel):
    """Whom a new mentor credential is for."""

    name: str = Field(min_length=1, max_length=MAX_NAME_CHARS,
                      description="the mentor's name (their default display name)")

    @field_validator("name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a mentor credential needs a name")
        return value.strip()


class MentorCredentialOut(BaseModel):
    """A mentor credential as listed: never its secret."""

    credential_id: str
    name: str
    created_at: datetime
    revoked_at: datetime | None


class MentorCredentialIssued(BaseModel):
    """A new mentor credential with its secret, shown this once and never again."""

    credential_id: str
    name: str
    created_at: datetime
    credential: str = Field(description="the secret (mrc_...): shown only in this answer")


def new_credential_id() -> str:
    """A fresh public credential id with the ``MC_`` prefix."""
    return "MC_" + secrets.token_urlsafe(9)


def _at(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def credential_out(credential: MentorCredential) -> MentorCredentialOut:
    """The listed view of a stored credential."""
    return MentorCredentialOut(
        credential_id=credential.credential_id, name=credential.name,
        created_at=_at(credential.created_at),
        revoked_at=None if credential.revoked_at is None else _at(credential.revoked_at))


def build_mentors_router(store: SessionStore, auth: RestAuth) -> APIRouter:
    """Returns the ``/mentors`` routes, which the admin router serves under
    ``/api/admin``; every one needs an admin credential."""
    router = APIRouter(prefix="/mentors", tags=["admin"])

    def admin(authorization: Authorization = "") -> str:
        return auth.require_admin(authorization)

    @router.post("", status_code=status.HTTP_201_CREATED)
    async def issue(body: IssueMentorCredential, response: Response,
                    who: str = Depends(admin)) -> MentorCredentialIssued:
        """Issues a mentor credential for a name. Its secret is in this answer only (the
        server keeps a hash): hand it to the mentor, who pastes it on the create page."""
        secret = new_mentor_credential()
        stored = MentorCredential(credential_id=new_credential_id(), name=body.name,
                                  created_at=time.time(),
                                  secret_hash=mentor_credential_hash(secret))
        await store.save_mentor_credential(stored)
        await write_audit(store, who, AdminAction.ISSUE_MENTOR_CREDENTIAL, "",
                          display_name=stored.name, credential_id=stored.credential_id)
        response.headers["Cache-Control"] = "no-store"
        return MentorCredentialIssued(credential_id=stored.credential_id, name=stored.name,
                                      created_at=_at(stored.created_at), credential=secret)

    @router.get("")
    async def list_credentials(_: str = Depends(admin)) -> list[MentorCredentialOut]:
        """Every mentor credential, revoked ones included, oldest first (no secrets)."""
        return [credential_out(c) for c in await store.list_mentor_credentials()]

    @router.delete("/{credential_id}")
    async def revoke(credential_id: str, who: str = Depends(admin)) -> MentorCredentialOut:
        """Revokes a mentor credential: from now on it creates no session on any node.
        Revoking it again changes nothing (the first time is kept).

        Raises:
            HTTPException: 404 for an unknown id.
        """
        at = time.time()
        revoked = await store.revoke_mentor_credential(credential_id, at)
        if revoked is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such mentor credential")
        if revoked.revoked_at == at:
            await write_audit(store, who, AdminAction.REVOKE_MENTOR_CREDENTIAL, "",
                              display_name=revoked.name, credential_id=credential_id)
        return credential_out(revoked)

    return router
