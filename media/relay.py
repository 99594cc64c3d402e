"""The media relay: one per process; holds the ICE configuration and makes routers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from aiortc import RTCBundlePolicy, RTCConfiguration, RTCIceServer

from media import aiortc_internals
from media.assembler import DEFAULT_GAP_TIMEOUT
from media.events import MediaEvent
from media.router import SessionRouter


@dataclass(frozen=True, slots=True)
class IceServer:
    """One ICE (STUN/TURN) server."""

    urls: tuple[str, ...]
    username: str | None = None
    credential: str | None = None


@dataclass(frozen=True, slots=True)
class RelayConfig:
    """Relay settings.

    Attributes:
        ice_servers: Used by the relay's own connections and handed to clients.
            Empty means host candidates only: aiortc's public STUN default is never
            used.
        host_addresses: Addresses to gather host candidates on (``None``: every
            interface but loopback, aioice's default).
        gap_timeout: Seconds before an incomplete video frame is given up (frame path).
        packet_forwarding: Forward RTP packets as they arrive, their numbers
            rewritten per subscriber (``False``: assemble frames and let aiortc's
            sender packetize them again, the earlier path).
        simulcast: Accept browsers' simulcast layers (packet path only).
    """

    ice_servers: tuple[IceServer, ...] = ()
    host_addresses: tuple[str, ...] | None = None
    gap_timeout: float = DEFAULT_GAP_TIMEOUT
    packet_forwarding: bool = True
    simulcast: bool = True
    extra: dict[str, str] = field(default_factory=dict)


class MediaRelay:
    """Process-wide media relay.

    Creating it applies the host-address restriction (process-wide in aioice).
    """

    def __init__(self, config: RelayConfig) -> None:
        self.config = config
        aiortc_internals.restrict_host_addresses(
            list(config.host_addresses) if config.host_addresses is not None else None
        )
        self._configuration = RTCConfiguration(
            iceServers=[
                RTCIceServer(urls=list(s.urls), username=s.username, credential=s.credential)
                for s in config.ice_servers
            ],
            # aiortc 1.16's "balanced" policy pre-bundles a second transceiver of a
            # kind onto that kind's transport, which the BUNDLE answer then drops: the
            # 2nd audio of a first offer never connects. "max-compat" creates one
            # transport each and lets the negotiated BUNDLE group merge them.
            bundlePolicy=RTCBundlePolicy.MAX_COMPAT,
        )

    def create_router(self, emit: Callable[[MediaEvent], None]) -> SessionRouter:
        """Returns a new router for one session; events go to ``emit``."""
        return SessionRouter(self._configuration, emit, self.config.gap_timeout,
                             packets=self.config.packet_forwarding,
                             simulcast=self.config.simulcast)
