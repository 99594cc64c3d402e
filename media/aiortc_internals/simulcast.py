"""Receiving browser simulcast (RFC 8853 ``a=simulcast`` with ``a=rid``), which
aiortc does not negotiate (part of :mod:`media.aiortc_internals`: every aiortc
internal it touches is listed there and guarded by
``tests/unit/test_aiortc_internals.py``).

The publish offer's video section lists the layers it would send (``a=rid:f send``,
``a=simulcast:send f;h;q``, from the highest to the lowest, as the browser's
``sendEncodings``: a peer that refuses simulcast gets the first); the answer aiortc
builds is given back the matching ``recv`` lines and the RID header extensions, so
the browser sends one RTP stream (SSRC) per layer, each first marked with its RID.
On the receiver:

* the DTLS transport's header-extension map is told the RID extensions' ids, so a
  parsed packet carries ``extensions.rtp_stream_id`` / ``repaired_rtp_stream_id``;
* retransmission streams are paired with their layer's stream from the repaired
  RID (the offer lists no SSRCs to pair them by), in the receiver's ``__rtx_ssrc``;
* the NACK generator keeps one sequence space per SSRC (aiortc's one generator
  would mix three streams' numbers and ask for packets that never existed).

The layers then reach :class:`media.aiortc_internals.PassthroughBuffer`, which maps
each SSRC to its layer index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from aiortc import RTCRtpReceiver
from aiortc.rtcdtlstransport import RTCDtlsTransport
from aiortc.rtcrtpreceiver import NackGenerator

RID_URI = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"
REPAIRED_RID_URI = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"
MAX_LAYERS = 3
"""Layers received per video track (more in an offer are not answered, so not sent)."""
_IDS = "_HeaderExtensionsMap__ids"
_RTX_SSRC = "_RTCRtpReceiver__rtx_ssrc"
_NACKS = "_RTCRtpReceiver__nack_generator"
_RID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


@dataclass(frozen=True, slots=True)
class SimulcastOffer:
    """What a publish offer's video section says about its layers.

    Attributes:
        rids: The layers' RIDs, from the lowest to the highest (the offer's order
            reversed): a layer's index is its place here.
        rid_ext: The RID header extension's id.
        repaired_ext: The repaired-RID header extension's id, if offered.
    """

    rids: tuple[str, ...]
    rid_ext: int
    repaired_ext: int | None


def _video_section(sdp: str) -> list[str] | None:
    lines = sdp.replace("\r\n", "\n").split("\n")
    starts = [i for i, line in enumerate(lines) if line.startswith("m=")]
    for n, start in enumerate(starts):
        if lines[start].startswith("m=video"):
            end = starts[n + 1] if n + 1 < len(starts) else len(lines)
            return lines[start:end]
    return None


def read_simulcast_offer(sdp: str) -> SimulcastOffer | None:
    """The layers an offer's video section would send, or ``None`` if it offers no
    usable simulcast (no ``a=simulcast:send``, no RID extension, or fewer than two
    layers). Alternatives (``a,b``) take the first; paused layers (``~a``) are left
    out; the first :data:`MAX_LAYERS` offered are taken (the highest).
    """
    section = _video_section(sdp)
    if section is None:
        return None
    send_rids: set[str] = set()
    order: list[str] = []
    exts: dict[str, int] = {}
    for line in section:
        if line.startswith("a=rid:"):
            parts = line[6:].split()
            if len(parts) >= 2 and parts[1] == "send":
                send_rids.add(parts[0])
        elif line.startswith("a=simulcast:"):
            parts = line[12:].split()
            if len(parts) >= 2 and parts[0] == "send":
                order = [alt.split(",")[0] for alt in parts[1].split(";")]
        elif line.startswith("a=extmap:"):
            parts = line[9:].split()
            if len(parts) >= 2 and parts[0].split("/")[0].isdigit():
                exts[parts[1]] = int(parts[0].split("/")[0])
    rids = tuple(reversed([r for r in order if r in send_rids and _RID.match(r)][:MAX_LAYERS]))
    if len(rids) < 2 or RID_URI not in exts:
        return None
    return SimulcastOffer(rids, exts[RID_URI], exts.get(REPAIRED_RID_URI))


def answer_simulcast(answer_sdp: str, offer: SimulcastOffer) -> str:
    """``answer_sdp`` with its video section accepting ``offer``'s layers: the RID
    extensions and one ``a=rid:X recv`` per layer, and ``a=simulcast:recv``."""
    lines = answer_sdp.rstrip("\r\n").split("\r\n")
    try:
        start = next(i for i, line in enumerate(lines) if line.startswith("m=video"))
    except StopIteration:
        return answer_sdp
    mid = next((i for i in range(start, len(lines))
                if lines[i].startswith("a=mid:")), start)
    extra = [f"a=extmap:{offer.rid_ext} {RID_URI}"]
    if offer.repaired_ext is not None:
        extra.append(f"a=extmap:{offer.repaired_ext} {REPAIRED_RID_URI}")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("m=")),
               len(lines))
    offered = offer.rids[::-1]
    tail = [f"a=rid:{rid} recv" for rid in offered]
    tail.append("a=simulcast:recv " + ";".join(offered))
    lines = lines[:mid + 1] + extra + lines[mid + 1:end] + tail + lines[end:]
    return "\r\n".join(lines) + "\r\n"


class PerSsrcNacks:
    """Stands in for aiortc's ``NackGenerator`` on a receiver of several streams:
    one generator per SSRC; ``missing`` is that of the stream last added to (the
    receiver reads it right after ``add`` to build the NACK for that stream)."""

    def __init__(self) -> None:
        self._generators: dict[int, NackGenerator] = {}
        self.missing: set[int] = set()

    def add(self, packet: Any) -> bool:
        """Marks ``packet`` received in its own stream; True if a gap appeared."""
        generator = self._generators.get(packet.ssrc)
        if generator is None:
            generator = self._generators[packet.ssrc] = NackGenerator()
        missed = generator.add(packet)
        self.missing = generator.missing
        return missed


def install_simulcast(dtls: RTCDtlsTransport, receiver: RTCRtpReceiver,
                      offer: SimulcastOffer) -> None:
    """Makes ``receiver`` (the publish connection's video receiver) take ``offer``'s
    layers: RID extensions parsed, retransmissions paired by repaired RID, NACKs per
    stream. Call after the remote description is applied, before media flows."""
    ids = getattr(dtls._rtp_header_extensions_map, _IDS)
    ids.rtp_stream_id = offer.rid_ext
    if offer.repaired_ext is not None:
        ids.repaired_rtp_stream_id = offer.repaired_ext
    if getattr(receiver, _NACKS, None) is not None:
        setattr(receiver, _NACKS, PerSsrcNacks())
    rtx_ssrc: dict[int, int] = getattr(receiver, _RTX_SSRC)
    media_ssrc: dict[str, int] = {}
    handle = receiver._handle_rtp_packet

    async def handle_rtp_packet(packet: Any, arrival_time_ms: int) -> None:
        extensions = packet.extensions
        if extensions.rtp_stream_id is not None:
            media_ssrc.setdefault(extensions.rtp_stream_id, packet.ssrc)
        elif (extensions.repaired_rtp_stream_id is not None
              and packet.ssrc not in rtx_ssrc):
            paired = media_ssrc.get(extensions.repaired_rtp_stream_id)
            if paired is not None:
                rtx_ssrc[packet.ssrc] = paired
        await handle(packet, arrival_time_ms)

    receiver._handle_rtp_packet = handle_rtp_packet  # type: ignore[method-assign]

