"""Webhook signatures (the Standard Webhooks scheme): a signed delivery verifies; a
tampered body, a wrong secret, an old or future timestamp, or missing headers do not."""

from __future__ import annotations

import base64
import hashlib
import hmac

from signaling.program.webhook_signing import (
    new_secret,
    sign,
    signed_headers,
    verify,
)

BODY = b'{"id":"evt_1","event":"session.started","data":{}}'
NOW = 1_800_000_000


def test_a_fresh_secret_is_whsec_and_32_random_bytes() -> None:
    first, second = new_secret(), new_secret()
    assert first.startswith("whsec_") and first != second
    assert len(base64.b64decode(first.removeprefix("whsec_"))) == 32


def test_the_signature_is_hmac_sha256_of_id_timestamp_and_body_keyed_by_the_secret_bytes(
) -> None:
    secret = new_secret()
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = base64.b64encode(
        hmac.new(key, b"evt_1.%d." % NOW + BODY, hashlib.sha256).digest()).decode()
    assert sign(secret, "evt_1", NOW, BODY) == f"v1,{expected}"


def test_a_signed_delivery_verifies_with_headers_in_any_case() -> None:
    secret = new_secret()
    headers = signed_headers(secret, "evt_1", NOW, BODY)
    assert headers["Content-Type"] == "application/json"
    assert verify(secret, headers, BODY, NOW + 10)
    assert verify(secret, {k.lower(): v for k, v in headers.items()}, BODY, NOW - 10)


def test_a_tampered_body_or_id_or_another_secret_does_not_verify() -> None:
    secret = new_secret()
    headers = signed_headers(secret, "evt_1", NOW, BODY)
    assert not verify(secret, headers, BODY.replace(b"started", b"ended"), NOW)
    assert not verify(secret, {**headers, "Webhook-Id": "evt_2"}, BODY, NOW)
    assert not verify(new_secret(), headers, BODY, NOW)


def test_a_timestamp_outside_the_tolerance_is_refused_either_way() -> None:
    secret = new_secret()
    headers = signed_headers(secret, "evt_1", NOW, BODY)
    assert verify(secret, headers, BODY, NOW + 300)
    assert not verify(secret, headers, BODY, NOW + 301)  # a replayed old capture
    assert not verify(secret, headers, BODY, NOW - 301)  # from the future
    assert verify(secret, headers, BODY, NOW + 1000, tolerance=1000)


def test_one_matching_signature_among_several_is_enough() -> None:
    old, new = new_secret(), new_secret()
    headers = signed_headers(new, "evt_1", NOW, BODY)
    rotated = {**headers, "Webhook-Signature":
               f"{sign(old, 'evt_1', NOW, BODY)} {headers['Webhook-Signature']}"}
    assert verify(new, rotated, BODY, NOW) and verify(old, rotated, BODY, NOW)


def test_missing_or_malformed_headers_and_secrets_never_raise() -> None:
    secret = new_secret()
    headers = signed_headers(secret, "evt_1", NOW, BODY)
    assert not verify(secret, {}, BODY, NOW)
    assert not verify(secret, {**headers, "Webhook-Timestamp": "soon"}, BODY, NOW)
    assert not verify(secret, {**headers, "Webhook-Signature": "v2,abc"}, BODY, NOW)
    assert not verify("whsec_not base64!", headers, BODY, NOW)
