"""Runs the server: ``python -m signaling`` (settings from ``MENTOR_ROOMS_*``).

With ``MENTOR_ROOMS_TLS_CERT_FILE`` and ``MENTOR_ROOMS_TLS_KEY_FILE`` it serves HTTPS and
WSS (checked first: a refusal is one line on stderr and exit code 2); with
``MENTOR_ROOMS_TLS_PORT`` as well, HTTPS listens there and the plain port only redirects.

``python -m signaling admin-credential`` prints the admin credential kept in the
configured storage (the one printed at first start) and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import resource
import secrets
import signal
import sys
from collections.abc import Generator
from datetime import UTC, datetime
from typing import Any

import uvicorn

from signaling.app import create_app
from signaling.backends.base import open_store
from signaling.edge.server_guards import GuardedWebSocketProtocol, guarded_http
from signaling.edge.tls import EXIT_TLS_PROBLEM, HttpsRedirect, TlsFiles, TlsProblem, tls_files
from signaling.logs import configure_logging, uvicorn_log_config
from signaling.protocol import MAX_MESSAGE_BYTES
from signaling.settings import Settings

logger = logging.getLogger("mentor_rooms")


def _raise_open_files_limit() -> None:
    """Lifts the soft limit on open files to the hard limit: every socket, peer
    connection and UDP port is a file."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def _stored_admin_credential(settings: Settings) -> str:
    store = open_store(settings.storage_url)
    try:
        return await store.secret("admin_token", secrets.token_urlsafe(24))
    finally:
        await store.close()


def admin_credential(settings: Settings) -> int:
    """Prints the admin credential (the configured one wins over the stored one)."""
    if settings.admin_token or settings.admins:
        print("The admin credentials come from MENTOR_ROOMS_ADMIN_TOKEN / MENTOR_ROOMS_ADMINS "
              "in this server's environment.", file=sys.stderr)
        return 1
    print(asyncio.run(_stored_admin_credential(settings)))
    return 0


EXIT_STARTUP_FAILURE = 3
"""Exit code when the server could not start listening (as ``uvicorn.run``'s)."""


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signals to :func:`_serve_all` (which stops every
    server of the process on one Ctrl+C or SIGTERM)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


async def _serve_all(servers: list[_Server]) -> None:
    """Runs ``servers`` in this loop until a signal, or until one of them stops (then
    the others are stopped too). A second Ctrl+C forces the exit."""

    def stop() -> None:
        for server in servers:
            if server.should_exit:
                server.force_exit = True
            server.should_exit = True

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    try:
        tasks = [asyncio.create_task(server.serve()) for server in servers]
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        stop()
        await asyncio.gather(*tasks)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def _config(app: Any, settings: Settings, port: int, tls: TlsFiles | None,
            **options: Any) -> uvicorn.Config:
    """uvicorn's configuration with our guards, for ``app`` on ``port``."""
    return uvicorn.Config(
        app, host=settings.host, port=port,
        http=guarded_http(settings.request_header_timeout_seconds),
        ws=GuardedWebSocketProtocol, ws_max_size=MAX_MESSAGE_BYTES,
        log_config=uvicorn_log_config(), log_level=None, access_log=False,
        server_header=False, proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        ssl_certfile=tls.cert_file if tls else None,
        ssl_keyfile=tls.key_file if tls else None,
        **options,
    )


def serve(settings: Settings) -> int:
    """Checks the TLS files, then serves the app with our guards: over HTTPS on
    ``tls_port`` (the plain ``port`` redirecting to it) or on ``port`` (HTTPS with the
    TLS files, plain HTTP without). Returns the process's exit code."""
    try:
        tls = tls_files(settings)
    except TlsProblem as problem:
        print(f"Mentor Rooms cannot start: {problem}", file=sys.stderr)
        return EXIT_TLS_PROBLEM
    _raise_open_files_limit()
    if tls is not None and tls.expires_soon(datetime.now(UTC)):
        logger.warning("The TLS certificate %s expires on %s UTC: renew it soon",
                       tls.cert_file, f"{tls.not_after:%Y-%m-%d %H:%M}")
    redirect = tls is not None and settings.tls_port is not None
    port = settings.tls_port if redirect and settings.tls_port else settings.port
    logger.info("Mentor Rooms: open %s://%s:%s/ (storage %s)", "https" if tls else "http",
                settings.host, port, settings.storage_url)
    servers = [_Server(_config(create_app(settings), settings, port, tls))]
    if redirect:
        logger.info("Plain HTTP on port %s redirects to https on port %s",
                    settings.port, port)
        servers.append(_Server(_config(HttpsRedirect(port), settings, settings.port, None,
                                       lifespan="off")))
    loop_factory = servers[0].config.get_loop_factory()
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        runner.run(_serve_all(servers))
    return 0 if servers[0].started else EXIT_STARTUP_FAILURE


def main(argv: list[str] | None = None) -> int:
    """``python -m signaling [serve | admin-credential]``."""
    parser = argparse.ArgumentParser(prog="python -m signaling",
                                     description="The Mentor Rooms server.")
    parser.add_argument("command", nargs="?", default="serve",
                        choices=["serve", "admin-credential"],
                        help="serve (default), or print the stored admin credential")
    args = parser.parse_args(argv)
    settings = Settings()
    configure_logging(settings)
    if args.command == "admin-credential":
        return admin_credential(settings)
    return serve(settings)


if __name__ == "__main__":
    sys.exit(main())
