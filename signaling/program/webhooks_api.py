"""Webhook registration and the delivery log (REST, admin only), and the admin page
``/admin/webhooks``.

An admin registers a URL and the events it wants (none listed: all); the answer shows the
signing secret once. Deliveries are signed (:mod:`signaling.program.webhook_signing`) and
every attempt is in the delivery log."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from fastapi.responses import FileResponse
from pydantic import AnyHttpUrl, BaseModel, Field

from signaling.program.context import ProgramContext
from signaling.program.gate import Actor
from signaling.program.notify import WebhookEvent
from signaling.program.webhooks import Webhook, Webhooks, iso

MAX_WEBHOOKS = 50
MAX_URL_CHARS = 2000
DEFAULT_LOG_LIMIT = 100
MAX_LOG_LIMIT = 1000


class WebhookIn(BaseModel):
    """A receiver to register."""

    url: AnyHttpUrl = Field(description="An http:// or https:// URL that takes POSTs.")
    events: list[WebhookEvent] = Field(
        default_factory=list, max_length=len(WebhookEvent),
        description="The events to send (empty: all of them).")


class WebhookOut(BaseModel):
    """A registered webhook (without its secret)."""

    webhook_id: str
    url: str
    events: list[WebhookEvent]
    created_at: str


class WebhookCreated(WebhookOut):
    """A new webhook with its signing secret, shown this once."""

    secret: str


class TestQueued(BaseModel):
    """A queued test delivery."""

    event_id: str
    event: str


class DeliveryOut(BaseModel):
    """One delivery attempt in the log."""

    event_id: str
    event: str
    webhook_id: str
    url: str | None
    attempt: int
    status: int | None
    error: str | None
    at: str
    outcome: str = Field(description="delivered, retrying (see next_at) or failed.")
    next_at: str | None


def webhook_out(hook: Webhook) -> WebhookOut:
    """The REST view of a webhook (no secret)."""
    return WebhookOut(webhook_id=hook.webhook_id, url=hook.url,
                      events=[WebhookEvent(e) for e in hook.events],
                      created_at=iso(hook.created_at) or "")


def build_webhooks_router(ctx: ProgramContext) -> APIRouter:
    """Returns the webhook routes (admin only) and the page route."""
    router = APIRouter(tags=["webhooks"])
    admin = Depends(ctx.gate.admin)

    def service() -> Webhooks:
        notifier = ctx.notifier
        if not isinstance(notifier, Webhooks):
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                                "webhooks are not running on this server")
        return notifier

    async def found(webhook_id: str) -> Webhook:
        hook = await service().webhook(webhook_id)
        if hook is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such webhook")
        return hook

    @router.get("/admin/webhooks", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(ctx.web_client / "webhooks.html")

    @router.post("/api/admin/webhooks", status_code=status.HTTP_201_CREATED)
    async def register(body: WebhookIn, actor: Actor = admin) -> WebhookCreated:
        """Registers a receiver. The answer carries the signing secret (``whsec_...``),
        shown this once: keep it where the receiver verifies signatures."""
        url = str(body.url)
        if len(url) > MAX_URL_CHARS:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                                f"the URL is longer than {MAX_URL_CHARS} characters")
        webhooks = service()
        if len(await webhooks.webhooks()) >= MAX_WEBHOOKS:
            raise HTTPException(status.HTTP_409_CONFLICT,
                                f"at most {MAX_WEBHOOKS} webhooks: delete one first")
        events = list(dict.fromkeys(e.value for e in body.events))
        hook = await webhooks.register(url, events, time.time())
        return WebhookCreated(**webhook_out(hook).model_dump(), secret=hook.secret)

    @router.get("/api/admin/webhooks")
    async def list_webhooks(actor: Actor = admin) -> list[WebhookOut]:
        """Every registered webhook, oldest first (no secrets)."""
        return [webhook_out(h) for h in await service().webhooks()]

    @router.get("/api/admin/webhooks/deliveries")
    async def deliveries(
        actor: Actor = admin,
        limit: int = Query(DEFAULT_LOG_LIMIT, ge=1, le=MAX_LOG_LIMIT),  # noqa: B008
    ) -> list[DeliveryOut]:
        """The last ``limit`` delivery attempts, newest last: event, webhook, URL, attempt
        number, HTTP status or error, time and outcome (``delivered``, ``retrying`` with
        ``next_at``, or ``failed``)."""
        entries: list[dict[str, Any]] = await service().deliveries(limit)
        return [DeliveryOut.model_validate(e) for e in entries]

    @router.delete("/api/admin/webhooks/{webhook_id}",
                   status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
    async def delete(webhook_id: str, actor: Actor = admin) -> Response:
        """Forgets a webhook; deliveries still queued for it end as failed."""
        hook = await found(webhook_id)
        await service().delete(hook.webhook_id)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @router.post("/api/admin/webhooks/{webhook_id}/test",
                 status_code=status.HTTP_202_ACCEPTED)
    async def send_test(webhook_id: str, actor: Actor = admin) -> TestQueued:
        """Queues a ``ping`` delivery to this webhook (whatever its events); its
        attempts show in the delivery log."""
        hook = await found(webhook_id)
        event_id = await service().send_test(hook, actor.name)
        return TestQueued(event_id=event_id, event="ping")

    return router
