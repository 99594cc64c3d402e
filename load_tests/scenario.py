"""What a load test runs: its settings, the scenarios, and the plan of every room."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit


class Scenario(StrEnum):
    """The shapes of load the tester can put on a server."""

    ONE_ON_ONE = "one_on_one"
    """Rooms of a mentor and a mentee."""
    CIRCLE = "circle"
    """Rooms of ``--participants`` people (a mentor and mentees)."""
    CHURN = "churn"
    """Circles where mentees keep leaving and new ones join in their place."""
    SIGNALING = "signaling"
    """Circles with no media: agenda, timer, notes and chat traffic only."""
    MIX = "mix"
    """A third each of one-on-one (media as asked), churning circles (audio) and
    signaling-only circles."""


class Media(StrEnum):
    """What each participant publishes."""

    NONE = "none"
    AUDIO = "audio"
    VIDEO = "video"
    """Audio and video."""


@dataclass(frozen=True, slots=True)
class LoadConfig:
    """One load test's settings (from the command line)."""

    url: str
    scenario: Scenario
    rooms: int
    participants: int
    media: Media
    width: int
    height: int
    bitrate: int
    ramp: float
    """Joins per second, over all workers."""
    duration: float
    """Seconds from the first join to the end."""
    workers: int
    chat_every: float
    """Seconds between one participant's chat messages (0: none)."""
    action_every: float
    """Seconds between one participant's board actions in signaling rooms."""
    churn_stay: tuple[float, float]
    """How long a churning mentee stays (uniform range, seconds)."""
    warmup: float = 5.0
    """Seconds after the last join before per-subscription figures start counting."""
    quality_reports: bool = True
    """Bots report their downlink every second, as browsers do (the server adapts)."""
    packet_bots: bool = True
    """Bots send pre-packetized RTP and count what arrives from RTP headers
    (:mod:`load_tests.bot_packets`); false: aiortc's own send and receive path."""
    credential: str = field(default="", repr=False)
    """Admin or mentor credential that creates the sessions (empty: none sent, for a
    server with open creation); never written to a report."""

    @property
    def ws_base(self) -> str:
        """The WebSocket base URL of the target."""
        return self.url.replace("https://", "wss://").replace("http://", "ws://").rstrip("/")


@dataclass(frozen=True, slots=True)
class RoomPlan:
    """What one room does."""

    index: int
    kind: str
    """``one_on_one`` or ``circle`` (the session kind)."""
    participants: int
    media: Media
    board_traffic: bool
    """Participants act on the agenda, timer and notes, not only chat."""
    churn: bool


def plan_rooms(config: LoadConfig) -> list[RoomPlan]:
    """Every room of a run, in join order."""
    plans = []
    for index in range(config.rooms):
        scenario = config.scenario
        if scenario is Scenario.MIX:
            scenario = (Scenario.ONE_ON_ONE, Scenario.CHURN, Scenario.SIGNALING)[index % 3]
        if scenario is Scenario.ONE_ON_ONE:
            plans.append(RoomPlan(index, "one_on_one", 2, config.media, False, False))
            continue
        people = max(2, min(12, config.participants))
        media = config.media
        if config.scenario is Scenario.MIX and scenario is Scenario.CHURN:
            media = Media.AUDIO if config.media is not Media.NONE else Media.NONE
        if scenario is Scenario.SIGNALING:
            media = Media.NONE
        plans.append(
            RoomPlan(
                index,
                "circle",
                people,
                media,
                scenario is Scenario.SIGNALING,
                scenario is Scenario.CHURN,
            )
        )
    return plans


class TargetRefused(ValueError):
    """The target address is not allowed without the owner's say-so."""


def check_target(url: str, own_server: bool) -> None:
    """Allows loopback targets; anything else only with ``own_server``.

    Raises:
        TargetRefused: For a non-loopback (or unresolvable) host without ``own_server``,
            or a URL that is not http(s).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused(f"{url!r} is not an http(s) URL of a Mentor Rooms server")
    if own_server:
        return
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(parts.hostname, None)}
    except OSError as exc:
        raise TargetRefused(f"cannot resolve {parts.hostname!r}") from exc
    if not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        raise TargetRefused(
            f"{parts.hostname} is not a loopback address: load only your own server, and "
            "say so with --i-own-this-server"
        )
