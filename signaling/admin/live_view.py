"""The admin's view of a live session: built from the worker's room (the state the
event stream produced) and the bitrates its link monitor measured."""

from __future__ import annotations

from dataclasses import asdict

from session_room.agenda import ItemStatus
from session_room.room import SessionRoom
from signaling import protocol
from signaling.worker.board_wire import timer_info
from signaling.worker.link_sampler import Bitrate, BitrateMeter


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
        current_item=None if current is None else protocol.AgendaItemInfo.model_validate(
            {**asdict(current), "details": "", "outcome": ""}),  # the row stays small
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
                bitrate_in=rate.bits_in,
                bitrate_out=rate.bits_out,
                video_step=p.link.video_step,
                sharing_since=room.screen.started_at if p.sharing_screen else None,
            )
            for p in room.participants
            for rate in (meter.rates.get(p.participant_id, Bitrate()),)
        ],
    )
