"""Who shares a screen in a session: one sharer at a time.

Pure rules: a mentor or mentee may start sharing when nobody is; a mentor may take
over from anyone (the previous sharer is stopped first); a mentee may not take over,
and observers never share. The share ends when its sharer stops, leaves or drops.
"""

from __future__ import annotations

import dataclasses

from session_room.errors import DomainError, ErrorCode
from session_room.events import ScreenShareChanged
from session_room.ids import ParticipantId
from session_room.participant import Participant
from session_room.roles import Role


class ScreenShare:
    """The session's screen share (nobody, or one sharer)."""

    def __init__(self) -> None:
        self.sharer: ParticipantId | None = None
        self.started_at: float | None = None

    def start(self, participant: Participant, current: Participant | None,
              now: float) -> list[ScreenShareChanged]:
        """``participant`` starts sharing; ``current`` is the present sharer, if any.

        Raises:
            DomainError: ``not_allowed`` for observers; ``screen_share_taken`` when a
                mentee asks while someone else shares.
        """
        if not participant.role.publishes:
            raise DomainError(ErrorCode.NOT_ALLOWED, "observers do not share a screen")
        if current is not None and current.participant_id == participant.participant_id:
            return []
        events = []
        if current is not None:
            if participant.role is not Role.MENTOR:
                raise DomainError(ErrorCode.SCREEN_SHARE_TAKEN,
                                  f"{current.display_name} is sharing their screen")
            events.append(ScreenShareChanged(_sharing(current, False), False, now,
                                             taken_over=True))
        self.sharer, self.started_at = participant.participant_id, now
        events.append(ScreenShareChanged(_sharing(participant, True), True, now))
        return events

    def stop(self, participant: Participant, now: float) -> list[ScreenShareChanged]:
        """``participant`` stops sharing, leaves or drops (nothing if not sharing)."""
        if self.sharer != participant.participant_id:
            return []
        self.sharer = self.started_at = None
        return [ScreenShareChanged(_sharing(participant, False), False, now)]


def _sharing(participant: Participant, sharing: bool) -> Participant:
    return dataclasses.replace(participant, sharing_screen=sharing)
