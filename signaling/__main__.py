"""Runs the server: ``python -m signaling`` (settings from ``MENTOR_ROOMS_*``)."""

from __future__ import annotations

import logging

import uvicorn

from signaling.app import create_app
from signaling.settings import Settings


def main() -> None:
    """Starts uvicorn with the app on the configured host and port."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = Settings()
    logging.getLogger("mentor_rooms").info(
        "Mentor Rooms: open http://%s:%s/ (storage %s)",
        settings.host, settings.port, settings.storage_url)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                log_level="info", ws_max_size=256_000)


if __name__ == "__main__":
    main()
