"""Domain errors with stable codes (shared with the wire protocol)."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Stable error codes. They appear on the wire in ``error.code``; never rename one."""

    MALFORMED_MESSAGE = "malformed_message"
    UNSUPPORTED_VERSION = "unsupported_version"
    NOT_JOINED = "not_joined"
    ALREADY_JOINED = "already_joined"
    NOT_ALLOWED = "not_allowed"
    ROOM_FULL = "room_full"
    SESSION_ENDED = "session_ended"
    INVALID_SDP = "invalid_sdp"
    CODEC_UNSUPPORTED = "codec_unsupported"
    STALE_ANSWER = "stale_answer"
    RATE_LIMITED = "rate_limited"
    UNKNOWN_ITEM = "unknown_item"
    STALE_VERSION = "stale_version"
    TEXT_TOO_LONG = "text_too_long"
    INVALID_VALUE = "invalid_value"
    INVALID_STATE = "invalid_state"
    INVALID_UPDATE = "invalid_update"
    LIMIT_REACHED = "limit_reached"
    INTERNAL = "internal"
    REMOVED = "removed"
    NOT_FOUND = "not_found"
    SCREEN_SHARE_TAKEN = "screen_share_taken"


class DomainError(Exception):
    """A command was refused; the room's state is unchanged.

    Attributes:
        code: The stable error code.
        message: A human sentence saying what was wrong.
    """

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
