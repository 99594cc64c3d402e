"""What every wire message shares: the model base and the request id."""

from __future__ import annotations

from enum import IntEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

MAX_ID_CHARS = 64
"""The longest request ``id`` a client may send (and the server echo in ``re``)."""

RequestId = Annotated[str, Field(min_length=1, max_length=MAX_ID_CHARS)]
"""A client's request id, echoed as ``re`` in the reply or error."""


def _type_is_required(schema: dict[str, Any]) -> None:
    """Every message needs its ``type`` (the union's discriminator), although the
    models give it a default so the server can build messages without naming it."""
    if "type" in schema.get("properties", {}):
        required = schema.setdefault("required", [])
        if "type" not in required:
            required.insert(0, "type")


class Message(BaseModel):
    """A wire message: no unknown fields, immutable, finite numbers only (no
    ``Infinity``/``NaN``). Client messages are parsed in strict mode (booleans are
    booleans, numbers are numbers)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False,
                              json_schema_extra=_type_is_required)


class CloseCode(IntEnum):
    """WebSocket close codes the server uses (44xx: refused at join)."""

    NORMAL = 1000
    GOING_AWAY = 1001
    BAD_JOIN = 4400
    TOKEN_INVALID = 4401
    TOKEN_EXPIRED = 4402
    TOKEN_WRONG_SESSION = 4403
    SESSION_NOT_FOUND = 4404
    JOIN_TIMEOUT = 4408
    ROOM_FULL = 4409
    SESSION_ENDED = 4410
    REPLACED = 4411
    REMOVED = 4412
    NOT_ADMIN = 4413
    REDIRECT = 4307
    MESSAGE_TOO_BIG = 4414
    """A frame over :data:`MAX_MESSAGE_BYTES`."""
    NOT_JSON_TEXT = 4415
    """A binary frame, or text that is not UTF-8."""
    UNSUPPORTED_VERSION = 4426
    TOO_SLOW = 4429
    """The client reads too slowly: its outbox overflowed."""
    TOO_MANY_MESSAGES = 4430
    """The client kept sending over its limits; its identity may not rejoin for a while."""
    INTERNAL_ERROR = 4500
    """Something unexpected failed on the server (logged); the client may rejoin."""
