"""Application factory: wires settings, storage, signer, relay and routes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, WebSocket
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from media.relay import IceServer, MediaRelay, RelayConfig
from signaling import protocol
from signaling.attendance_log import close_lost_intervals
from signaling.auth import InviteSigner
from signaling.backends.base import open_store
from signaling.progress_report import build_progress_router
from signaling.registry import SessionRegistry
from signaling.rest import build_router, new_secret
from signaling.rest_attendance import build_attendance_router
from signaling.rest_auth import RestAuth
from signaling.rest_board import build_board_router
from signaling.settings import Settings
from signaling.websocket import SignalingEndpoint

logger = logging.getLogger(__name__)

WEB_CLIENT = Path(__file__).resolve().parent.parent / "web_client"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Builds the FastAPI app. Storage is opened and closed by the app's lifespan."""
    settings = settings or Settings()
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = open_store(settings.storage_url)
        secret = settings.secret_key or await store.secret("invite_signing_key", new_secret())
        signer = InviteSigner(secret)
        lost = await close_lost_intervals(store)
        if lost:
            logger.warning("closed %d attendance intervals left open by a crash", lost)
        relay = MediaRelay(
            RelayConfig(
                ice_servers=tuple(
                    IceServer(tuple(s.urls), s.username, s.credential) for s in settings.ice_servers
                ),
                host_addresses=tuple(settings.media_host_addresses)
                if settings.media_host_addresses is not None
                else None,
                gap_timeout=settings.gap_timeout_ms / 1000,
            )
        )
        ice = [
            protocol.IceServerInfo(urls=s.urls, username=s.username, credential=s.credential)
            for s in settings.ice_servers
        ]
        registry = SessionRegistry(relay, ice, settings.idle_session_seconds, store,
                                   settings.reconnect_grace_seconds)
        state["endpoint"] = SignalingEndpoint(
            store, signer, registry, settings.join_timeout_seconds
        )
        state["registry"] = registry
        auth = RestAuth(signer, settings.admin_token)
        grace = settings.reconnect_grace_seconds
        app.include_router(build_router(settings, store, signer, auth))
        app.include_router(build_board_router(store, auth))
        app.include_router(build_attendance_router(store, auth, grace))
        app.include_router(build_progress_router(store, auth, grace))
        try:
            yield
        finally:
            await registry.close()
            await store.close()

    app = FastAPI(
        title="Mentor Rooms",
        version="0.1.0",
        lifespan=lifespan,
        description="Live video mentoring sessions: REST for sessions and invites; "
        "signaling on the WebSocket /ws/sessions/{session_id} "
        "(schema at /api/protocol/schema).",
    )
    app.state.mentor_rooms = state

    @app.websocket("/ws/sessions/{session_id}")
    async def signaling_socket(websocket: WebSocket, session_id: str) -> None:
        await state["endpoint"](websocket, session_id)

    @app.get("/api/protocol/schema", tags=["protocol"])
    async def protocol_schema() -> dict[str, Any]:
        """The JSON schema of every WebSocket message, both directions."""
        return protocol.json_schema()

    @app.get("/healthz", tags=["ops"])
    async def healthz() -> dict[str, str]:
        """Liveness probe."""
        return {"status": "ok"}

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(WEB_CLIENT / "index.html")

    @app.get("/admin", include_in_schema=False)
    async def admin_page() -> FileResponse:
        return FileResponse(WEB_CLIENT / "admin.html")

    @app.get("/s/{session_id}/attendance", include_in_schema=False)
    async def attendance_page(session_id: str) -> FileResponse:
        return FileResponse(WEB_CLIENT / "attendance.html")

    @app.get("/s/{session_id}", include_in_schema=False)
    async def room_page(session_id: str) -> FileResponse:
        return FileResponse(WEB_CLIENT / "room.html")

    app.mount("/static", StaticFiles(directory=WEB_CLIENT), name="static")
    return app
