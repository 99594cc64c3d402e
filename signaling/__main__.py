"""Runs the server: ``python -m signaling`` (settings from ``MENTOR_ROOMS_*``).

``python -m signaling admin-credential`` prints the admin credential kept in the
configured storage (the one printed at first start) and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import resource
import secrets
import sys

import uvicorn

from signaling.app import create_app
from signaling.backends.base import open_store
from signaling.edge.server_guards import GuardedWebSocketProtocol, guarded_http
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


def serve(settings: Settings) -> None:
    """Starts uvicorn with the app and our guards on the configured host and port."""
    _raise_open_files_limit()
    logger.info("Mentor Rooms: open http://%s:%s/ (storage %s)",
                settings.host, settings.port, settings.storage_url)
    uvicorn.run(
        create_app(settings), host=settings.host, port=settings.port,
        http=guarded_http(settings.request_header_timeout_seconds),
        ws=GuardedWebSocketProtocol, ws_max_size=MAX_MESSAGE_BYTES,
        log_config=uvicorn_log_config(), log_level=None, access_log=False,
        server_header=False,
    )


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
    serve(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
