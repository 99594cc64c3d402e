"""A session worker's media requests: publish offers (camera or screen), subscribe
answers, mute states, quality reports, chosen modes, restarts and screen shares.

Run by the worker's task only (it is the one writer of the room and the router).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from media.events import MediaError
from media.router import SessionRouter
from session_room import commands as cmd
from session_room.ids import ParticipantId
from signaling import protocol
from signaling.edge.connection import Connection
from signaling.worker.link_sampler import LinkMonitor

MediaMessage = (
    protocol.PublishOffer | protocol.SubscribeAnswer | protocol.SetMediaState
    | protocol.QualityReport | protocol.ChooseMediaMode | protocol.MediaRestart
    | protocol.StopScreenShare
)
MEDIA_MESSAGES = (
    protocol.PublishOffer, protocol.SubscribeAnswer, protocol.SetMediaState,
    protocol.QualityReport, protocol.ChooseMediaMode, protocol.MediaRestart,
    protocol.StopScreenShare,
)


@dataclass(frozen=True, slots=True)
class MediaSide:
    """What media requests touch: the router, the link monitor, and the worker's way
    of applying a room command (events logged and fanned out)."""

    router: SessionRouter
    links: LinkMonitor
    apply: Callable[[cmd.Command], Awaitable[None]]


async def media_request(side: MediaSide, message: MediaMessage, pid: ParticipantId,
                        connection: Connection) -> None:
    """Handles one media request.

    Raises:
        DomainError: A room rule refused it (nothing changed).
        MediaError: The relay refused it (a screen share it started is stopped again).
    """
    if isinstance(message, protocol.PublishOffer):
        if message.source == "screen":
            await side.apply(cmd.StartScreenShare(pid))
            try:
                sdp = await side.router.publish_screen(pid, message.sdp)
            except MediaError:
                await side.apply(cmd.StopScreenShare(pid))
                raise
        else:
            sdp = await side.router.publish(pid, message.sdp)
        connection.send(protocol.PublishAnswer(re=message.id, sdp=sdp))
    elif isinstance(message, protocol.SubscribeAnswer):
        await side.router.accept_subscribe_answer(pid, message.revision, message.sdp)
    elif isinstance(message, protocol.SetMediaState):
        await side.apply(cmd.SetMediaState(pid, message.audio_muted, message.video_muted))
    elif isinstance(message, protocol.QualityReport):
        for report in side.links.on_report(pid, message, time.time()):
            await side.apply(report)
    elif isinstance(message, protocol.ChooseMediaMode):
        await side.apply(cmd.ChooseMediaMode(pid, message.mode))
    elif isinstance(message, protocol.MediaRestart):
        await side.router.restart_subscribe(pid)
    else:
        await side.apply(cmd.StopScreenShare(pid))
