"""Logging: our own loggers at INFO, the WebRTC libraries at WARNING, text or JSON.

Records about a session carry ``session_id`` (and ``participant_id``) as extra fields:
the text format shows them in the message, the JSON format as keys of its object.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from signaling.settings import LogFormat, Settings

LIBRARY_LOGGERS = ("aiortc", "aioice", "av", "libav", "uvicorn", "websockets")
"""Chatty libraries: their INFO is a line per ICE check, codec event or socket (our
own lines say what matters: the address at start, joins, leaves, modes, actions)."""
OWN_LOGGERS = ("mentor_rooms", "signaling", "media", "session_room")
CONTEXT_FIELDS = ("session_id", "participant_id", "identity", "admin", "event")
"""Extra fields a JSON record carries when a log call gives them."""


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC ISO 8601), level, logger, message, the
    context fields given as ``extra``, and the exception text if any."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                out[name] = value
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def configure_logging(settings: Settings) -> None:
    """Sets up the root handler on stderr and the levels of our loggers and the
    libraries' (``MENTOR_ROOMS_LOG_LEVEL``, ``MENTOR_ROOMS_LIBRARY_LOG_LEVEL``,
    ``MENTOR_ROOMS_LOG_FORMAT``)."""
    handler = logging.StreamHandler(sys.stderr)
    if settings.log_format is LogFormat.JSON:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(settings.log_level.upper())
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(settings.library_log_level.upper())


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's logging, routed to our root handler (no handlers of its own)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            "uvicorn.access": {"handlers": [], "propagate": True, "level": "WARNING"},
        },
    }
