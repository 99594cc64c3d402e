"""Hands and a mentor's call controls: pure rules over participants.

Anyone present may raise or lower their own hand; the queue is the order of
``hand_raised_at``. A mentor may lower anyone's hand, ask a participant who publishes
to mute (their page mutes; they may unmute themselves), remove a participant who is
not a mentor (with a reason the edge shows them) and end the session for everyone.
Administrators act from outside the room (``by`` ``None``) and are checked by the edge.
"""

from __future__ import annotations

import dataclasses

from session_room.errors import DomainError, ErrorCode
from session_room.events import HandChanged, MuteRequested
from session_room.participant import Participant
from session_room.roles import Role


def require_mentor(actor: Participant, what: str) -> None:
    """Raises ``not_allowed`` unless ``actor`` is a mentor.

    Args:
        actor: Who asks.
        what: What they ask, for the message ("remove a participant").
    """
    if actor.role is not Role.MENTOR:
        raise DomainError(ErrorCode.NOT_ALLOWED, f"only a mentor may {what}")


def set_hand(participant: Participant, raised: bool, now: float,
             by: Participant | None = None) -> HandChanged | None:
    """``participant``'s hand goes up or down (``by``: a mentor lowering it).

    Returns:
        The event, or ``None`` if the hand already was where asked (raising again
        keeps the place in the queue).

    Raises:
        DomainError: ``not_allowed`` if ``by`` is not a mentor, or raises a hand.
    """
    if by is not None and by.participant_id != participant.participant_id:
        require_mentor(by, "lower someone else's hand")
        if raised:
            raise DomainError(ErrorCode.NOT_ALLOWED, "only the person may raise their hand")
    if (participant.hand_raised_at is not None) == raised:
        return None
    updated = dataclasses.replace(participant, hand_raised_at=now if raised else None)
    lowered_by = None if by is None or by is participant else by.participant_id
    return HandChanged(updated, raised, now, lowered_by)


def hand_queue(participants: list[Participant]) -> list[Participant]:
    """The raised hands in the order they went up."""
    raised = [p for p in participants if p.hand_raised_at is not None]
    return sorted(raised, key=lambda p: p.hand_raised_at or 0.0)


def ask_to_mute(actor: Participant, target: Participant, now: float) -> MuteRequested | None:
    """A mentor asks ``target`` to mute (``None``: already muted).

    Raises:
        DomainError: ``not_allowed`` unless ``actor`` is a mentor and ``target``
            publishes audio.
    """
    require_mentor(actor, "ask someone to mute")
    if not target.role.publishes:
        raise DomainError(ErrorCode.NOT_ALLOWED, "observers send no audio")
    if target.audio_muted:
        return None
    return MuteRequested(target, actor, now)


def check_removal(actor: Participant, target: Participant) -> None:
    """Raises unless a mentor ``actor`` may remove ``target``.

    Raises:
        DomainError: ``not_allowed`` for a non-mentor, for removing oneself (leave
            instead) and for removing another mentor (an administrator can).
    """
    require_mentor(actor, "remove a participant")
    if target.participant_id == actor.participant_id:
        raise DomainError(ErrorCode.NOT_ALLOWED, "leave the session instead of removing yourself")
    if target.role is Role.MENTOR:
        raise DomainError(ErrorCode.NOT_ALLOWED,
                          "a mentor cannot remove another mentor (an administrator can)")
