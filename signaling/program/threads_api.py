"""REST: a pair's message thread between sessions (the session chat continues there),
and the room's "last session" route (:mod:`signaling.program.previous_api`).

Members of the pair (signed in with the cookie; posting needs the CSRF header) and admins
read and post; anyone else gets 404, as for the pair itself. A message is stored before
it is answered."""

from __future__ import annotations

import secrets
import time

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field

from signaling.program.context import ProgramContext
from signaling.program.directory import ThreadMessage
from signaling.program.gate import Actor
from signaling.program.previous_api import build_previous_router, iso

MAX_THREAD_TEXT = 2000


class PostMessage(BaseModel):
    """A message to the pair's thread."""

    text: str = Field(min_length=1, max_length=MAX_THREAD_TEXT)


class ThreadMessageOut(BaseModel):
    """One message of a thread; render ``text`` as text, never markup.

    ``session_id`` names the session whose chat it came from (``""``: written in the
    thread)."""

    message_id: str
    author_id: str
    author_name: str
    text: str
    at: str
    session_id: str


def new_message_id() -> str:
    """A fresh thread message id (``TM_`` prefix)."""
    return "TM_" + secrets.token_urlsafe(9)


def message_out(message: ThreadMessage) -> ThreadMessageOut:
    """The REST view of a thread message."""
    return ThreadMessageOut(message_id=message.message_id, author_id=message.author_id,
                            author_name=message.author_name, text=message.text,
                            at=iso(message.at), session_id=message.session_id)


def build_threads_router(ctx: ProgramContext) -> APIRouter:
    """Returns the thread routes (and the previous-session route)."""
    router = APIRouter(prefix="/api", tags=["threads"])
    gate = ctx.gate

    @router.get("/pairs/{pair_id}/thread")
    async def read_thread(pair_id: str,
                          actor: Actor = Depends(gate.actor),  # noqa: B008
                          ) -> list[ThreadMessageOut]:
        """The pair's thread, oldest first (the last 500 messages)."""
        pair = await gate.pair_for(actor, pair_id)
        return [message_out(m) for m in await ctx.directory.thread(pair.pair_id)]

    @router.post("/pairs/{pair_id}/thread", status_code=status.HTTP_201_CREATED)
    async def post_message(pair_id: str, body: PostMessage,
                           actor: Actor = Depends(gate.actor),  # noqa: B008
                           ) -> ThreadMessageOut:
        """Posts a message to the pair's thread (stored before the answer).

        Raises:
            HTTPException: 404 for a pair the caller does not belong to; 422 for an empty
                or too long text.
        """
        pair = await gate.pair_for(actor, pair_id)
        text = body.text.strip()
        if not text:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                                "the message cannot be empty")
        message = ThreadMessage(message_id=new_message_id(), pair_id=pair.pair_id,
                                author_id=actor.person_id, author_name=actor.name,
                                text=text, at=time.time())
        await ctx.directory.post(message)
        return message_out(message)

    router.include_router(build_previous_router(ctx))
    return router
