"""Signing and verifying webhook deliveries (the Standard Webhooks scheme).

Every delivery carries three headers:

* ``Webhook-Id``: the event id (``evt_...``), the same on every retry of that event (a
  receiver dedupes on it);
* ``Webhook-Timestamp``: the attempt's time in Unix seconds;
* ``Webhook-Signature``: ``v1,<base64 HMAC-SHA256>`` over ``f"{id}.{timestamp}.{body}"``
  with the raw body bytes, keyed by the secret's bytes (the base64 text after
  ``whsec_``). Several space-separated signatures may appear (a key rotation).

A receiver recomputes the signature over the raw body and compares it in constant time,
refuses a timestamp more than five minutes away from its clock (an old capture cannot be
replayed later), and remembers the ids it has handled within that window (a capture
replayed within it is a duplicate). Libraries for the Standard Webhooks scheme (e.g. the
``standardwebhooks`` packages) verify these headers as they are.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Mapping

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
SIGNATURE_VERSION = "v1"
DEFAULT_TOLERANCE_SECONDS = 300

ID_HEADER = "Webhook-Id"
TIMESTAMP_HEADER = "Webhook-Timestamp"
SIGNATURE_HEADER = "Webhook-Signature"


def new_secret() -> str:
    """A fresh signing secret: ``whsec_`` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _key(secret: str) -> bytes:
    """The HMAC key of a secret (its base64 part decoded).

    Raises:
        ValueError: The secret is not ``whsec_`` followed by base64.
    """
    try:
        return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except binascii.Error as exc:
        raise ValueError("a webhook secret is 'whsec_' followed by base64") from exc


def _digest(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{event_id}.{timestamp}.".encode() + body
    mac = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def sign(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    """The ``Webhook-Signature`` header value for one attempt.

    Args:
        secret: The webhook's secret (``whsec_...``).
        event_id: The event id (``Webhook-Id``).
        timestamp: The attempt's Unix seconds (``Webhook-Timestamp``).
        body: The exact bytes sent.

    Returns:
        ``v1,<base64 signature>``.

    Raises:
        ValueError: The secret is malformed.
    """
    return f"{SIGNATURE_VERSION},{_digest(secret, event_id, timestamp, body)}"


def signed_headers(secret: str, event_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The headers of one delivery attempt (JSON content type, id, timestamp, signature)."""
    return {
        "Content-Type": "application/json",
        ID_HEADER: event_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, event_id, timestamp, body),
    }


def verify(secret: str, headers: Mapping[str, str], body: bytes, now: float,
           tolerance: float = DEFAULT_TOLERANCE_SECONDS) -> bool:
    """Whether a delivery is authentic and fresh. Never raises.

    Args:
        secret: The webhook's secret (``whsec_...``).
        headers: The request's headers (names matched case-insensitively).
        body: The raw request body.
        now: The receiver's Unix time.
        tolerance: How far (seconds) the timestamp may be from ``now``, either way.

    Returns:
        ``True`` if the three headers are present, the timestamp is within ``tolerance``
        of ``now`` and one ``v1`` signature matches ``body``; else ``False``. The caller
        still dedupes on ``Webhook-Id`` to refuse a replay inside the window.
    """
    lower = {name.lower(): value for name, value in headers.items()}
    event_id = lower.get(ID_HEADER.lower(), "")
    stamp = lower.get(TIMESTAMP_HEADER.lower(), "")
    signatures = lower.get(SIGNATURE_HEADER.lower(), "")
    if not event_id or not stamp.isascii() or not stamp.isdigit():
        return False
    timestamp = int(stamp)
    if abs(now - timestamp) > tolerance:
        return False
    try:
        expected = _digest(secret, event_id, timestamp, body)
    except ValueError:
        return False
    for candidate in signatures.split():
        version, _, value = candidate.partition(",")
        if version == SIGNATURE_VERSION and hmac.compare_digest(value.encode(),
                                                                 expected.encode()):
            return True
    return False
