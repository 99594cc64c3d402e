"""Session workers: the one writer per live session. A worker's inbox receives client
requests, disconnects, media events and goal notices; the worker applies them in order to
the :class:`SessionRoom` and the media router, and fans the resulting events out to the
connections' bounded outboxes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from media.events import (
    MediaError,
    MediaEvent,
    MediaFlowing,
    SubscribeOfferReady,
    TransportConnected,
    TransportFailed,
)
from media.relay import MediaRelay
from media.router import SessionRouter
from session_room import commands as cmd
from session_room.chat import HISTORY
from session_room.commands import BoardCommand
from session_room.errors import DomainError, ErrorCode
from session_room.events import (
    AgendaChanged,
    BoardEvent,
    ChatPosted,
    Event,
    LinkChanged,
    MuteRequested,
    NotesEdited,
    ParticipantDropped,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantResumed,
    RoomEvent,
    ScreenShareChanged,
    SessionEnded,
    TimerChanged,
)
from session_room.ids import ParticipantId, SessionId, new_participant_id
from session_room.roles import LeaveReason
from session_room.room import SessionRoom, SessionSpec
from signaling import protocol
from signaling.backends.base import SessionStore
from signaling.cluster.turn import IceProvider
from signaling.edge.connection import Connection
from signaling.program.notify import Notifier
from signaling.worker.attendance_log import HEARTBEAT_SECONDS, heartbeat, log_events
from signaling.worker.board_wire import (
    board_document,
    board_info,
    chat_record,
    command_for,
    message_for,
    restore_board,
)
from signaling.worker.call_controls import CALL_MESSAGES, Moderation, SpeakerWatch
from signaling.worker.fanout import (
    LEAVE_CLOSE_CODES,
    LEAVE_MESSAGES,
    broadcast_message,
    participant_info,
    session_info,
    subscribe_offer,
)
from signaling.worker.goals_wire import GoalNotice, GoalsWire
from signaling.worker.inbox import (
    AdminRequest,
    ClientRequest,
    Disconnected,
    Inbox,
    InboxItem,
    JoinRequest,
    LinkTick,
    SeatExpired,
    SpeakerTick,
)
from signaling.worker.link_sampler import LinkMonitor
from signaling.worker.log_lines import log_room_event
from signaling.worker.media_requests import MEDIA_MESSAGES, MediaSide, media_request

logger = logging.getLogger(__name__)

NOTES_COMPACT_EVERY = 500
"""Stored notes updates are merged into one after this many."""


class SessionWorker:
    """Runs one session. Only the worker's task touches the room and the router."""

    def __init__(self, spec: SessionSpec, relay: MediaRelay, ice: IceProvider,
                 idle_seconds: float, store: SessionStore, hold_seconds: float = 30.0,
                 notify: Callable[[SessionId], None] | None = None,
                 notifier: Notifier | None = None) -> None:
        self.spec = spec
        self._notify = notify or (lambda _: None)
        self.started_at: float | None = None
        """When the first participant joined this live session."""
        self._bye_text: dict[ParticipantId, str] = {}
        self._hold_seconds = hold_seconds
        self._holds: dict[ParticipantId, asyncio.TimerHandle] = {}
        self.room = SessionRoom(spec)
        self.store = store
        self._notes_appended = 0
        self._last_alive = 0.0
        self.inbox = Inbox()
        self.router: SessionRouter = relay.create_router(self._on_media_event)
        self.links = LinkMonitor(self.router)
        self.media_side = MediaSide(self.router, self.links, self._apply)
        self.speakers = SpeakerWatch(self.router)
        self.moderation = Moderation(lambda: self.room, self._publish_events, self._bye_text,
                                     store, spec.session_id)
        self._tickers: list[asyncio.Task[None]] = []
        self.connections: dict[ParticipantId, Connection] = {}
        self.goals = GoalsWire(store, spec.session_id, lambda: self.room, self.connections,
                               notifier)
        self._ice = ice
        self._idle_seconds = idle_seconds
        self.task: asyncio.Task[None] | None = None
        self.accepting = True

    def _on_media_event(self, event: MediaEvent) -> None:
        if not self.inbox.put(event):
            logger.error("session %s inbox full; media event dropped", self.spec.session_id)

    def _waker(self, item: InboxItem) -> Callable[[], object]:
        return lambda: bool(self.connections) and self.submit(item)

    def submit(self, item: InboxItem) -> bool:
        """Queues an item; False if it was refused (the caller reports it): the worker
        stopped, or the :class:`Inbox` refused it."""
        return self.accepting and self.inbox.put(item)

    async def run(self) -> None:
        """Loads the board, then processes the inbox until the session has been
        empty for a while."""
        try:
            sid = self.spec.session_id
            self.spec = await self.store.load_session(sid) or self.spec  # ended meanwhile?
            board = restore_board(
                self.spec.kind,
                await self.store.load_board(sid),
                await self.store.load_chat(sid, HISTORY),
                await self.store.load_notes(sid),
            )
            self.room = SessionRoom(self.spec, board)
            self._tickers = [asyncio.create_task(self.links.tick(self._waker(LinkTick()))),
                             asyncio.create_task(self.speakers.tick(self._waker(SpeakerTick())))]
            while True:
                timeout = (HEARTBEAT_SECONDS if self.connections else
                           0.5 if self.room.ended_at is not None else self._idle_seconds)
                try:  # not wait_for: on 3.11 it can swallow a cancel racing an item
                    async with asyncio.timeout(timeout):
                        item = await self.inbox.get()
                except TimeoutError:
                    if self.connections:
                        await self._heartbeat()
                        continue
                    self.accepting = False
                    return
                await self._heartbeat()
                try:
                    await self._handle(item)
                except BaseException as exc:  # incl. a Rust panic in a library: not a stop
                    if isinstance(exc, asyncio.CancelledError | KeyboardInterrupt | SystemExit):
                        raise
                    logger.exception("session %s failed on %r", self.spec.session_id, item)
        except Exception:
            logger.exception("session %s worker stopped", self.spec.session_id)
            raise
        finally:
            await self._shutdown()

    async def _shutdown(self) -> None:
        self.accepting = False
        self.inbox.refuse_pending()  # requests that raced the stop get a typed refusal
        for ticker in self._tickers:
            ticker.cancel()
        for hold in self._holds.values():
            hold.cancel()
        now = time.time()
        with contextlib.suppress(Exception):
            await log_events(self.store, self.spec.session_id, [
                ParticipantLeft(p, LeaveReason.SERVER_SHUTDOWN, now)
                for p in self.room.participants])
        self._notify(self.spec.session_id)
        for connection in self.connections.values():
            connection.send(protocol.Bye(reason=LeaveReason.SERVER_SHUTDOWN,
                                         message=LEAVE_MESSAGES[LeaveReason.SERVER_SHUTDOWN]))
            connection.close(protocol.CloseCode.GOING_AWAY, "server shutting down")
        with contextlib.suppress(Exception):
            await self.router.close()

    async def _handle(self, item: InboxItem) -> None:
        if isinstance(item, JoinRequest | AdminRequest):
            try:
                await (self._join(item) if isinstance(item, JoinRequest)
                       else self.moderation.admin(item))
            finally:  # never leave the asker waiting
                if not item.result.done():
                    item.result.set_exception(DomainError(ErrorCode.INTERNAL, "please retry"))
        elif isinstance(item, ClientRequest):
            if self.connections.get(item.participant_id) is item.connection:
                await self._request(item)
        elif isinstance(item, Disconnected):
            if self.connections.get(item.participant_id) is item.connection:
                await self._apply(cmd.Disconnect(item.participant_id))
        elif isinstance(item, SeatExpired):
            self._holds.pop(item.participant_id, None)
            await self._apply(cmd.ExpireSeat(item.participant_id))
        elif isinstance(item, SubscribeOfferReady):
            if (connection := self.connections.get(ParticipantId(item.participant_id))):
                connection.send(subscribe_offer(item))
        elif isinstance(item, MediaFlowing):
            await self._apply(cmd.MarkActive(ParticipantId(item.participant_id)))
        elif isinstance(item, LinkTick):
            for report in self.links.on_tick(self.connections, time.time()):
                await self._apply(report)
            self._notify(self.spec.session_id)
        elif isinstance(item, GoalNotice):
            self.goals.relay(item)
        elif isinstance(item, SpeakerTick):
            self._broadcast(self.speakers.on_tick(time.monotonic()))
        elif isinstance(item, (TransportFailed, TransportConnected)):
            connected = isinstance(item, TransportConnected)
            await self._apply(cmd.SetMediaConnected(ParticipantId(item.participant_id),
                                                    connected))
        else:
            logger.warning("session %s: %s", self.spec.session_id, item)

    async def _join(self, request: JoinRequest) -> None:
        participant_id = new_participant_id()
        claims = request.claims
        try:
            events = self.room.handle(cmd.Join(
                participant_id, claims.identity, request.display_name, claims.role), time.time())
        except DomainError as exc:
            request.result.set_exception(exc)
            return
        for event in events:
            if isinstance(event, ParticipantResumed):  # their held seat, same id
                participant_id = event.participant.participant_id
                if (hold := self._holds.pop(participant_id, None)) is not None:
                    hold.cancel()
        try:
            # durable before anyone hears of the join
            await log_events(self.store, self.spec.session_id, events)
        except Exception as exc:
            self.room.handle(cmd.Leave(participant_id, LeaveReason.SERVER_LOST), time.time())
            request.result.set_exception(exc)
            return
        self.connections[participant_id] = request.connection
        self.router.add_participant(participant_id, claims.role.publishes)
        me = self.room.get(participant_id)
        assert me is not None
        request.connection.send(protocol.Joined(
            re=request.request_id,
            session=session_info(self.spec),
            you=participant_info(me),
            participants=[participant_info(p) for p in self.room.participants
                          if p.participant_id != participant_id],
            ice_servers=self._ice.for_person(claims.identity),
            board=board_info(self.room.board),
            server_time=time.time(),
        ))
        request.result.set_result(participant_id)
        await self.goals.joined(request.connection)  # never raises
        if self.speakers.message().active is not None:
            request.connection.send(self.speakers.message())
        await self._publish_events(events, logged=True)

    def _broadcast(self, message: protocol.AnyServerMessage | None) -> None:
        if message is not None:
            text = protocol.encode(message)
            for connection in self.connections.values():
                connection.send_encoded(text)

    async def _apply(self, command: cmd.Command) -> None:
        await self._publish_events(self.room.handle(command, time.time()))

    async def _board(self, command: BoardCommand, connection: Connection) -> None:
        """Applies a board command, persists its events, then fans them out."""
        now = time.time()
        events = [e for e in self.room.handle(command, now) if isinstance(e, BoardEvent)]
        await self._persist(events)
        for event in events:
            text = protocol.encode(message_for(event, now))
            if isinstance(event, ChatPosted) and event.duplicate:
                connection.send_encoded(text)  # resent after a reconnect: only an ack
                continue
            for other in self.connections.values():
                if other is not connection or not isinstance(event, NotesEdited):
                    other.send_encoded(text)
            if isinstance(event, (AgendaChanged, TimerChanged)):
                self._notify(self.spec.session_id)

    async def _persist(self, events: list[BoardEvent]) -> None:
        sid = self.spec.session_id
        if any(isinstance(e, (AgendaChanged, TimerChanged)) for e in events):
            await self.store.save_board(sid, board_document(self.room.board))
        for event in events:
            if isinstance(event, ChatPosted) and not event.duplicate:
                await self.store.append_chat(sid, chat_record(event.message))
            elif isinstance(event, NotesEdited):
                await self.store.append_notes(sid, event.update)
                self._notes_appended += 1
                if self._notes_appended >= NOTES_COMPACT_EVERY:
                    await self.store.compact_notes(sid, self.room.board.notes.state())
                    self._notes_appended = 0

    async def _heartbeat(self) -> None:
        now = time.time()
        if self.connections and now - self._last_alive >= HEARTBEAT_SECONDS:
            self._last_alive = now
            await self.store.append_attendance(self.spec.session_id, heartbeat(now))

    async def _publish_events(self, events: list[Event], logged: bool = False) -> None:
        """Logs ``events`` to attendance (unless ``logged``: already written), applies
        them to connections and the router, and fans them out."""
        if not logged:
            await log_events(self.store, self.spec.session_id, events)
        if events:
            self._notify(self.spec.session_id)
        follow_up: list[cmd.Command] = []  # applied once these events are out
        for event in events:
            if isinstance(event, SessionEnded):
                await self.store.mark_ended(self.spec.session_id, event.at)
            if isinstance(event, MuteRequested) and (connection := self.connections.get(
                    event.participant.participant_id)):
                connection.send(protocol.MuteRequested(
                    by_participant_id=event.by.participant_id, by_name=event.by.display_name))
            if not isinstance(event, RoomEvent):
                continue
            if self.started_at is None:
                self.started_at = event.at
            subject = event.participant.participant_id
            log_room_event(self.spec.session_id, event)
            if isinstance(event, ParticipantLeft):
                await self._detach(subject, event.reason)
            elif isinstance(event, ParticipantDropped):
                await self._detach(subject, LeaveReason.DROPPED)
                self._holds[subject] = asyncio.get_running_loop().call_later(
                    self._hold_seconds, self.submit, SeatExpired(subject))
            elif isinstance(event, LinkChanged):
                follow_up += self.links.on_link(subject, event.participant.link)
            elif isinstance(event, ScreenShareChanged) and not event.sharing:
                await self.router.stop_screen(subject)
            text = protocol.encode(broadcast_message(event))
            for participant_id, connection in self.connections.items():
                if participant_id != subject or not isinstance(event, ParticipantJoined):
                    connection.send_encoded(text)
        for command in follow_up:
            await self._apply(command)

    async def _detach(self, participant_id: ParticipantId, reason: LeaveReason) -> None:
        connection = self.connections.pop(participant_id, None)
        text = self._bye_text.pop(participant_id, None) or LEAVE_MESSAGES.get(
            reason, f"You were disconnected ({reason.value}).")
        if connection is not None and reason is not LeaveReason.DROPPED:
            connection.send(protocol.Bye(reason=reason, message=text))
            connection.close(LEAVE_CLOSE_CODES.get(reason, protocol.CloseCode.NORMAL), text)
        self.links.forget(participant_id)
        self._broadcast(self.speakers.forget(participant_id))
        await self.router.remove_participant(participant_id)

    async def _request(self, request: ClientRequest) -> None:
        message = request.message
        connection = request.connection
        pid = request.participant_id
        try:
            if isinstance(message, MEDIA_MESSAGES):
                await media_request(self.media_side, message, pid, connection)
            elif isinstance(message, protocol.Ping):
                connection.send(protocol.Pong(re=message.id, server_time=time.time()))
            elif isinstance(message, protocol.GoalUpdate):
                await self.goals.update(message, pid, connection)
            elif isinstance(message, CALL_MESSAGES):
                await self.moderation.call(message, pid)
            elif isinstance(message, protocol.Leave):
                await self._apply(cmd.Leave(pid, LeaveReason.LEFT))
            elif isinstance(message, protocol.Join):
                raise DomainError(ErrorCode.ALREADY_JOINED, "this socket has already joined")
            elif (board := command_for(message, pid)) is not None:
                await self._board(board, connection)
        except DomainError as exc:
            connection.send(protocol.Error(re=message.id, code=exc.code, message=exc.message))
        except MediaError as exc:
            connection.send(protocol.Error(re=message.id, code=ErrorCode(exc.code),
                                           message=exc.message))
        except Exception:  # a bug of ours: logged; the client still gets a typed answer
            logger.exception("session %s: %s from %s failed", self.spec.session_id,
                             message.type, pid)
            connection.send(protocol.Error(re=message.id, code=ErrorCode.INTERNAL,
                                           message="the server failed on this request"))

