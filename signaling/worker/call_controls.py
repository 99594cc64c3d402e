"""The call's controls at the edge: hands, a mentor's mute / remove / end, and the
speakers the relay hears.

Hand and mentor messages become room commands (the room checks who may); a mentor's
removal and ending are written to the audit log like an administrator's. The
:class:`SpeakerWatch` reads the relay's loud-packet counters every
:data:`~session_room.speakers.WINDOW_SECONDS` and gives the ``speakers`` message to
broadcast when the :class:`~session_room.speakers.SpeakerTracker` changes its view.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from media.router import SessionRouter
from session_room import commands as cmd
from session_room.errors import DomainError
from session_room.events import Event
from session_room.ids import ParticipantId, SessionId
from session_room.participant import Participant
from session_room.roles import LeaveReason
from session_room.room import SessionRoom
from session_room.speakers import WINDOW_SECONDS, SpeakerTracker
from signaling import protocol
from signaling.admin.audit import AdminAction, write_audit
from signaling.backends.base import SessionStore
from signaling.worker.fanout import LEAVE_MESSAGES
from signaling.worker.inbox import AdminRequest
from signaling.worker.log_lines import log_admin_action

CALL_MESSAGES = (protocol.RaiseHand, protocol.LowerHand, protocol.AskToMute,
                 protocol.RemoveParticipant, protocol.EndSession)
"""The client messages :func:`call_command` turns into commands."""


def call_command(message: protocol.CallClientMessage, pid: ParticipantId) -> cmd.Command:
    """The room command for a call message from participant ``pid``."""
    if isinstance(message, protocol.RaiseHand):
        return cmd.RaiseHand(pid, message.raised)
    if isinstance(message, protocol.LowerHand):
        return cmd.LowerHand(pid, ParticipantId(message.participant_id))
    if isinstance(message, protocol.AskToMute):
        return cmd.AskToMute(pid, ParticipantId(message.participant_id))
    if isinstance(message, protocol.RemoveParticipant):
        return cmd.RemoveParticipant(ParticipantId(message.participant_id), by=pid)
    return cmd.EndSession(by=pid)


def removal_text(actor: Participant, reason: str) -> str:
    """What a removed participant is told (their ``bye``)."""
    text = f"{actor.display_name} (mentor) removed you from the session."
    return f"{text} Reason: {reason}" if reason else text


async def audit_mentor_action(
    store: SessionStore, session_id: str, actor: Participant,
    message: protocol.CallClientMessage, target: Participant | None,
) -> None:
    """Writes a mentor's request to mute, removal or ending to the audit log (nothing
    for hands). The actor is named as ``<name> (mentor, <identity>)``."""
    who = f"{actor.display_name} (mentor, {actor.identity})"
    if isinstance(message, protocol.AskToMute):
        await write_audit(store, who, AdminAction.ASK_TO_MUTE, session_id,
                          message.participant_id, target.display_name if target else None)
        return
    if not isinstance(message, (protocol.RemoveParticipant, protocol.EndSession)):
        return
    if isinstance(message, protocol.EndSession):
        await write_audit(store, who, AdminAction.END_SESSION, session_id)
        return
    await write_audit(store, who, AdminAction.REMOVE_PARTICIPANT, session_id,
                      message.participant_id, target.display_name if target else None,
                      message.reason.strip())


class SpeakerWatch:
    """The session's speakers, from the relay's loud-packet counters.

    Args:
        router: The session's media router (read only).
    """

    def __init__(self, router: SessionRouter) -> None:
        self._router = router
        self._tracker = SpeakerTracker()
        self._counts: dict[str, int] = {}

    async def tick(self, wake: Callable[[], object]) -> None:
        """Calls ``wake`` every window until cancelled (by the owner)."""
        while True:
            await asyncio.sleep(WINDOW_SECONDS)
            wake()

    def on_tick(self, now: float) -> protocol.Speakers | None:
        """Feeds the window since the last tick; the message if the view changed."""
        counts = self._router.loud_packets()
        window = {pid: n - self._counts.get(pid, n) for pid, n in counts.items()}
        self._counts = counts
        return None if self._tracker.add(now, window) is None else self.message()

    def message(self) -> protocol.Speakers:
        """The current view as a message (also for someone who just joined)."""
        view = self._tracker.view
        return protocol.Speakers(active=view.active, speaking=list(view.speaking))

    def forget(self, participant_id: str) -> protocol.Speakers | None:
        """Drops someone who left; the message if the view changed."""
        before = self._tracker.view
        self._tracker.forget(participant_id)
        self._counts.pop(participant_id, None)
        return None if self._tracker.view == before else self.message()


class Moderation:
    """Carries out administrators' requests and a mentor's call controls on the room.

    Args:
        room: Gives the worker's current room.
        publish: Logs, applies and fans out events (the worker's).
        bye_text: The worker's table of what a leaving participant is told.
        store: Where the audit log is written.
        session_id: The session's id.
    """

    def __init__(self, room: Callable[[], SessionRoom],
                 publish: Callable[[list[Event]], Awaitable[None]],
                 bye_text: dict[ParticipantId, str], store: SessionStore,
                 session_id: SessionId) -> None:
        self._room, self._publish, self._bye_text = room, publish, bye_text
        self._store, self._session_id = store, session_id

    async def admin(self, request: AdminRequest) -> None:
        """An administrator's end or removal; the request's result is its audit entry
        (or the :class:`DomainError`)."""
        pid = request.participant_id
        room = self._room()
        target = room.get(pid) if pid is not None else None
        command: cmd.Command = cmd.EndSession()
        if request.verb is AdminAction.REMOVE_PARTICIPANT:
            command = cmd.RemoveParticipant(pid or ParticipantId(""))
        try:
            events = room.handle(command, time.time())
        except DomainError as exc:
            return request.result.set_exception(exc) if not request.result.done() else None
        if target is not None and request.reason:
            self._bye_text[target.participant_id] = (
                f"{LEAVE_MESSAGES[LeaveReason.REMOVED]} Reason: {request.reason}")
        await self._publish(events)
        entry = await write_audit(self._store, request.admin, request.verb, self._session_id,
                                  pid, target.display_name if target else None, request.reason)
        log_admin_action(self._session_id, request.admin, request.verb.value, pid)
        if not request.result.done():
            request.result.set_result(entry)

    async def call(self, message: protocol.CallClientMessage, pid: ParticipantId) -> None:
        """A participant's hand or mentor message.

        Raises:
            DomainError: The room refused it (the worker answers with its code).
        """
        room = self._room()
        actor, command = room.get(pid), call_command(message, pid)
        target = (room.get(command.participant_id) if isinstance(command, cmd.RemoveParticipant)
                  else room.get(command.target) if isinstance(command, cmd.AskToMute) else None)
        present = room.participants
        events = room.handle(command, time.time())
        if isinstance(command, cmd.EndSession) and actor is not None:
            for participant in present:
                self._bye_text[participant.participant_id] = (
                    f"{actor.display_name} (mentor) ended the session for everyone.")
        if isinstance(command, cmd.RemoveParticipant) and target is not None and actor is not None:
            reason = message.reason if isinstance(message, protocol.RemoveParticipant) else ""
            self._bye_text[target.participant_id] = removal_text(actor, reason.strip())
        await self._publish(events)
        if actor is not None and (events or not isinstance(command, cmd.AskToMute)):
            await audit_mentor_action(self._store, self._session_id, actor, message, target)
