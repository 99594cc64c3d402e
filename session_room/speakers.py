"""Who is speaking: a pure policy over the count of loud audio packets per window.

Browsers send each Opus packet's level in the ``ssrc-audio-level`` RTP header
extension (RFC 6464); the relay counts the packets louder than a speaking level per
publisher and decodes nothing. Every :data:`WINDOW_SECONDS` the edge feeds the counts
of the window here, with its time.

- Someone is *speaking* while a window has at least :data:`SPEAKING_MIN_LOUD` loud
  packets, and for :data:`HOLD_SECONDS` after (the gaps between words do not flicker).
- The *active speaker* is the one speaking loudest; another speaker takes over only
  after being the loudest for :data:`TAKEOVER_SECONDS` (a cough or a "yes" does not
  move the layout), or at once when the active speaker stopped. The active speaker
  stays while nobody speaks, as in Meet: the last one to speak.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

WINDOW_SECONDS = 0.4
"""How often the edge reads the counts (20 packets of 20 ms audio per window)."""
SPEAKING_MIN_LOUD = 6
"""Loud packets in a window that mean someone speaks (120 ms of voice in 400 ms)."""
HOLD_SECONDS = 1.0
"""How long someone counts as speaking after their last loud window."""
TAKEOVER_SECONDS = 1.2
"""How long another speaker must be the loudest to take over the active speaker."""


@dataclass(frozen=True, slots=True)
class SpeakerView:
    """Who speaks now.

    Attributes:
        active: The active speaker, or ``None`` until someone spoke.
        speaking: Everyone speaking now (sorted, for a stable comparison).
    """

    active: str | None = None
    speaking: tuple[str, ...] = ()


class SpeakerTracker:
    """The session's speakers, from one window's loud-packet counts at a time."""

    def __init__(self) -> None:
        self.view = SpeakerView()
        self._last_loud: dict[str, float] = {}
        self._challenger: tuple[str, float] | None = None

    def forget(self, participant_id: str) -> None:
        """Drops someone who left (the active speaker too)."""
        self._last_loud.pop(participant_id, None)
        if self._challenger is not None and self._challenger[0] == participant_id:
            self._challenger = None
        if self.view.active == participant_id or participant_id in self.view.speaking:
            self.view = SpeakerView(
                None if self.view.active == participant_id else self.view.active,
                tuple(p for p in self.view.speaking if p != participant_id))

    def add(self, at: float, loud: Mapping[str, int]) -> SpeakerView | None:
        """Feeds one window's counts (per participant: loud packets in the window).

        Returns:
            The new view if it changed, else ``None``.
        """
        for participant_id, count in loud.items():
            if count >= SPEAKING_MIN_LOUD:
                self._last_loud[participant_id] = at
        speaking = tuple(sorted(p for p, last in self._last_loud.items()
                                if at - last <= HOLD_SECONDS))
        active = self._choose(at, loud, speaking)
        view = SpeakerView(active, speaking)
        if view == self.view:
            return None
        self.view = view
        return view

    def _choose(self, at: float, loud: Mapping[str, int], speaking: tuple[str, ...]) -> str | None:
        active = self.view.active
        loudest = max((p for p in speaking if loud.get(p, 0) >= SPEAKING_MIN_LOUD),
                      key=lambda p: loud[p], default=None)
        if loudest is None or loudest == active:
            self._challenger = None
            return active
        if active is None or active not in speaking:
            self._challenger = None
            return loudest
        if self._challenger is None or self._challenger[0] != loudest:
            self._challenger = (loudest, at)
        if at - self._challenger[1] >= TAKEOVER_SECONDS:
            self._challenger = None
            return loudest
        return active
