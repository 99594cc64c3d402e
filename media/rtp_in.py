"""One received RTP packet as the packet path hands it to subscribers, and the
clock its forwarding time is read from."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RtpIn:
    """One packet as the relay received it (after SRTP and RTX unwrapping): what a
    subscriber needs to forward it. Read once per packet, shared by every subscriber:
    ``keyframe_start``, and the time it is forwarded (``ntp``, 64-bit NTP, for sender
    reports; ``abs_send_time``, the 3-byte header extension value)."""

    sequence_number: int
    timestamp: int
    marker: bool
    payload: bytes
    audio_level: tuple[bool, int] | None
    keyframe_start: bool
    ntp: int
    abs_send_time: bytes


PacketSend = Callable[[int, int, RtpIn], None]
"""Sends one packet to one subscriber with the given (sequence number, timestamp)."""
NTP_UNIX_OFFSET = 2_208_988_800
"""Seconds from the NTP epoch (1900) to the Unix epoch."""


def ntp_now() -> int:
    """The wall clock as a 64-bit NTP timestamp (32.32 fixed point)."""
    return int((time.time() + NTP_UNIX_OFFSET) * 4_294_967_296)
