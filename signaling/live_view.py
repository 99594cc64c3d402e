"""The admin's view of a live session: built from the worker's room (the state the
event stream produced) and the relay's byte counters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from media.router import SessionRouter
from session_room.agenda import ItemStatus
from session_room.room import SessionRoom
from signaling import protocol
from signaling.board_wire import timer_info


@dataclass(frozen=True, slots=True)
class Bitrate:
    """The last measured bitrates of one participant, bits per second."""

    bits_in: int = 0
    bits_out: int = 0


class BitrateMeter:
    """Turns the relay's cumulative byte counters into bitrates between two samples.

    Owned and called by one session worker (on its link ticks); it holds no task.
    """

    def __init__(self) -> None:
        self._last: dict[str, tuple[float, int, int]] = {}
        self.rates: dict[str, Bitrate] = {}

    def sample(self, router: SessionRouter, participant_ids: Iterable[str], now: float) -> None:
        """Reads every participant's counters and updates their bitrates."""
        for participant_id in participant_ids:
            counters = router.link_counters(participant_id)
            if counters is None:
                continue
            before = self._last.get(participant_id)
            self._last[participant_id] = (now, counters.up_bytes, counters.down_bytes)
            if before is None or now <= before[0]:
                continue
            seconds = now - before[0]
            self.rates[participant_id] = Bitrate(
                bits_in=max(0, int((counters.up_bytes - before[1]) * 8 / seconds)),
                bits_out=max(0, int((counters.down_bytes - before[2]) * 8 / seconds)),
            )

    def forget(self, participant_id: str) -> None:
        """Drops a participant who left."""
        self._last.pop(participant_id, None)
        self.rates.pop(participant_id, None)

    def totals(self) -> Bitrate:
        """The session's total bitrate in and out."""
        return Bitrate(sum(r.bits_in for r in self.rates.values()),
                       sum(r.bits_out for r in self.rates.values()))


def live_session(room: SessionRoom, started_at: float | None,
                 meter: BitrateMeter) -> protocol.LiveSession:
    """The dashboard row of a live session.

    Args:
        room: The session's room, read (never written) by the caller on the event loop.
        started_at: When the first participant joined this live session.
        meter: The session's bitrates.
    """
    spec = room.spec
    agenda = room.board.agenda
    current = agenda.current
    return protocol.LiveSession(
        session_id=spec.session_id,
        kind=spec.kind,
        title=spec.title,
        capacity=spec.capacity,
        scheduled_start=spec.scheduled_start,
        planned_minutes=spec.planned_minutes,
        started_at=started_at,
        ended_at=room.ended_at,
        current_item=None if current is None else protocol.AgendaItemInfo(
            item_id=current.item_id, title=current.title, details="",
            planned_minutes=current.planned_minutes, status=current.status,
            started_at=current.started_at, finished_at=current.finished_at,
            outcome="", version=current.version),
        agenda_done=sum(1 for i in agenda.items if i.status is ItemStatus.DONE),
        agenda_total=len(agenda.items),
        timer=timer_info(room.board.timer),
        participants=[
            protocol.LiveParticipant(
                participant_id=p.participant_id,
                identity=p.identity,
                display_name=p.display_name,
                role=p.role,
                joined_at=p.joined_at,
                connected=p.connected,
                audio_muted=p.audio_muted,
                video_muted=p.video_muted,
                media_flowing=p.active_at is not None,
                media_mode=p.link.mode,
                mode_reason=p.link.reason,
                quality=p.link.quality,
                bitrate_in=meter.rates.get(p.participant_id, Bitrate()).bits_in,
                bitrate_out=meter.rates.get(p.participant_id, Bitrate()).bits_out,
            )
            for p in room.participants
        ],
    )
