"""Typed identifiers.

An :data:`Identity` is a person (stable across sessions, from their invite); a
:data:`ParticipantId` is one membership of one session (a new one per join); a
:data:`SessionId` names a session. They are distinct types so they are not mixed up.
"""

from __future__ import annotations

import secrets
from typing import NewType

SessionId = NewType("SessionId", str)
Identity = NewType("Identity", str)
ParticipantId = NewType("ParticipantId", str)


def new_session_id() -> SessionId:
    """Returns a fresh random session id with the ``SE_`` prefix."""
    return SessionId("SE_" + secrets.token_urlsafe(9))


def new_identity() -> Identity:
    """Returns a fresh random identity with the ``ID_`` prefix."""
    return Identity("ID_" + secrets.token_urlsafe(9))


def new_participant_id() -> ParticipantId:
    """Returns a fresh random participant id with the ``PA_`` prefix."""
    return ParticipantId("PA_" + secrets.token_urlsafe(9))
