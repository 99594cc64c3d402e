"""Checks of the descriptions a client sends, before they touch a peer connection,
and the codecs every transceiver is pinned to."""

from __future__ import annotations

from aiortc import RTCRtpSender, RTCRtpTransceiver
from aiortc import sdp as aiortc_sdp

from media.events import MediaError

PINNED_CODECS = {"audio": ("audio/opus",), "video": ("video/vp8", "video/rtx")}
"""Codecs (lower-case MIME types) allowed on every transceiver of a session."""
REQUIRED_CODEC = {"audio": "opus", "video": "vp8"}


def pin_codecs(transceiver: RTCRtpTransceiver) -> None:
    """Restricts a transceiver to the session's codec for its kind."""
    kind = transceiver.kind
    codecs = [
        c
        for c in RTCRtpSender.getCapabilities(kind).codecs
        if c.mimeType.lower() in PINNED_CODECS[kind]
    ]
    transceiver.setCodecPreferences(codecs)


def check_transport_parameters(description: aiortc_sdp.SessionDescription) -> None:
    """Every media section carries ICE credentials and a DTLS fingerprint (aiortc
    would accept the description and fail later, in a task nobody awaits).

    Raises:
        MediaError: ``invalid_sdp`` if one does not.
    """
    for media in description.media:
        ice, dtls = media.ice, media.dtls
        if (ice is None or not ice.usernameFragment or not ice.password
                or dtls is None or not dtls.fingerprints):
            raise MediaError("invalid_sdp", "every media section needs ICE credentials and "
                                            "a DTLS fingerprint")


def check_publish_offer(sdp: str) -> list[str]:
    """Validates a client's publish offer before it touches a peer connection.

    Returns:
        The kinds of the offer's media sections, in order.

    Raises:
        MediaError: ``invalid_sdp`` if it does not parse or has more than one audio
            or video section; ``codec_unsupported`` if it lacks VP8 or Opus.
    """
    try:  # aiortc's parser also raises AssertionError, AttributeError, StopIteration...
        description = aiortc_sdp.SessionDescription.parse(sdp)
    except Exception as exc:
        raise MediaError("invalid_sdp", "the offer is not valid SDP") from exc
    kinds = [m.kind for m in description.media if m.kind in ("audio", "video")]
    if not kinds:
        raise MediaError("invalid_sdp", "the offer has no audio or video section")
    if kinds.count("audio") > 1 or kinds.count("video") > 1:
        raise MediaError("invalid_sdp", "publish at most one audio and one video track")
    for media in description.media:
        if media.kind not in REQUIRED_CODEC:
            continue
        names = {c.name.lower() for c in media.rtp.codecs}
        if REQUIRED_CODEC[media.kind] not in names:
            raise MediaError(
                "codec_unsupported",
                f"this session sends {media.kind} as {REQUIRED_CODEC[media.kind].upper()}"
                f"; your browser offered only {sorted(names) or 'nothing'}",
            )
    check_transport_parameters(description)
    return kinds
