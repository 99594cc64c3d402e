"""Application factory: wires settings, storage, signer, relay and routes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, WebSocket
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from media.relay import IceServer, MediaRelay, RelayConfig
from signaling import protocol
from signaling.admin.metrics import Metrics
from signaling.admin.monitor import AdminEndpoint, LiveMonitor
from signaling.auth import InviteSigner
from signaling.backends.base import SessionStore, open_store
from signaling.cluster.nodes import RedisCluster
from signaling.cluster.turn import IceProvider
from signaling.edge.headers import SecurityHeaders
from signaling.edge.websocket import SignalingEndpoint
from signaling.program.routes import Program
from signaling.rest.admin import build_admin_router
from signaling.rest.attendance import build_attendance_router
from signaling.rest.auth import RestAuth
from signaling.rest.board import build_board_router
from signaling.rest.progress import build_progress_router
from signaling.rest.sessions import Invites, build_router, new_secret
from signaling.rest.short_links import build_short_link_router
from signaling.settings import Settings
from signaling.worker.attendance_log import close_lost_intervals
from signaling.worker.registry import SessionRegistry

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
        cluster: RedisCluster | None = None
        if not settings.storage_url.startswith("redis"):  # several nodes: the cluster does it
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
                packet_forwarding=settings.packet_forwarding,
                simulcast=settings.simulcast,
            )
        )
        ice = [
            protocol.IceServerInfo(urls=s.urls, username=s.username, credential=s.credential)
            for s in settings.ice_servers
        ]
        ice_provider = IceProvider(ice, settings.turn_urls, settings.turn_secret,
                                   settings.turn_ttl_seconds)
        registry = SessionRegistry(relay, ice_provider, settings.idle_session_seconds, store,
                                   settings.reconnect_grace_seconds)
        if settings.storage_url.startswith("redis"):
            cluster = RedisCluster(
                settings.storage_url,
                settings.own_url, store,
                lambda: sum(len(w.room.participants) for w in registry.workers.values()))
            await cluster.start()
        state["cluster"] = cluster
        state["endpoint"] = SignalingEndpoint(
            store, signer, registry, settings.join_timeout_seconds, cluster
        )
        state["registry"] = registry
        auth = RestAuth(signer, await admin_credentials(settings, store), store,
                        open_creation=settings.open_creation)
        monitor = LiveMonitor(registry.workers)
        registry.on_change = monitor.changed
        state["monitor"] = monitor
        state["admin_endpoint"] = AdminEndpoint(monitor, auth, signer,
                                                settings.join_timeout_seconds)
        metrics = Metrics(registry.workers)
        state["metrics"] = metrics
        probe = asyncio.create_task(metrics.probe_loop_lag(), name="loop lag probe")
        grace = settings.reconnect_grace_seconds
        invites = Invites(settings, store, signer)
        program = Program(store, auth, invites, settings, registry, WEB_CLIENT)
        state["program"] = program
        app.include_router(build_router(store, invites, auth, program.signed_in_creator))
        app.include_router(build_short_link_router(store, auth))
        app.include_router(build_admin_router(store, auth, registry, monitor, grace,
                                              invites, cluster))
        app.include_router(build_board_router(store, auth))
        app.include_router(build_attendance_router(store, auth, grace))
        app.include_router(build_progress_router(store, auth, grace, program.ctx.notifier))
        for router in program.routers():
            app.include_router(router)
        await program.start()
        try:
            yield
        finally:
            probe.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await probe
            monitor.close()
            await registry.close()  # its session hooks still reach the program
            await program.close()
            if cluster is not None:
                await cluster.close()
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
    app.add_middleware(SecurityHeaders, hsts_seconds=settings.hsts_seconds)

    @app.websocket("/ws/sessions/{session_id}")
    async def signaling_socket(websocket: WebSocket, session_id: str) -> None:
        await state["endpoint"](websocket, session_id)

    @app.websocket("/ws/admin")
    async def admin_socket(websocket: WebSocket) -> None:
        await state["admin_endpoint"](websocket)

    @app.get("/metrics", tags=["ops"], response_class=Response,
             responses={200: {"content": {"text/plain": {}}}})
    async def metrics() -> Response:
        """Operational metrics in Prometheus text format (counts only, no personal data):
        live sessions, participants by media mode, forwarded streams, bitrate in and
        out, event-loop lag, errors by code, process CPU and memory."""
        return Response(generate_latest(state["metrics"].registry),
                        media_type=CONTENT_TYPE_LATEST)

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

    @app.get("/admin/live", include_in_schema=False)
    async def live_page() -> FileResponse:
        return FileResponse(WEB_CLIENT / "live.html")

    @app.get("/s/{session_id}/attendance", include_in_schema=False)
    async def attendance_page(session_id: str) -> FileResponse:
        return FileResponse(WEB_CLIENT / "attendance.html")

    @app.get("/s/{session_id}", include_in_schema=False)
    async def room_page(session_id: str) -> FileResponse:
        return FileResponse(WEB_CLIENT / "room.html")

    app.mount("/static", StaticFiles(directory=WEB_CLIENT), name="static")
    return app


async def admin_credentials(settings: Settings, store: SessionStore) -> dict[str, str]:
    """The administrators' names and credentials. Without any in the settings, one
    (named "admin") is generated on first start, printed once, and kept in the store."""
    admins = dict(settings.admins)
    if settings.admin_token:
        admins["admin"] = settings.admin_token
    if admins:
        return admins
    fresh = secrets.token_urlsafe(24)
    token = await store.secret("admin_token", fresh)
    if token == fresh:
        print(
            "\n  Mentor Rooms generated an admin credential (first start only):\n"
            f"    {token}\n"
            f"  Live dashboard: http://{settings.host}:{settings.port}/admin/live\n"
            "  It is kept in the storage backend: `python -m signaling admin-credential` shows it\n"
            "  again; set MENTOR_ROOMS_ADMIN_TOKEN to use your own.\n",
            file=sys.stdout, flush=True)
    else:
        logger.info("admin credential: the one generated at first start "
                    "(set MENTOR_ROOMS_ADMIN_TOKEN to replace it)")
    return {"admin": token}
