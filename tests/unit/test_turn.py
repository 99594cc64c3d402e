"""TURN credentials in coturn's shared-secret REST scheme."""

from __future__ import annotations

import base64
import hashlib
import hmac

from signaling import protocol
from signaling.cluster.turn import IceProvider, turn_credentials

STUN = protocol.IceServerInfo(urls=["stun:stun.example.org:3478"])


def test_a_credential_is_the_expiry_and_identity_signed_with_the_shared_secret() -> None:
    username, password = turn_credentials("s3cret-s3cret-s3cret", "ID_ana", 1_800_000_000)
    assert username == "1800000000:ID_ana"
    expected = hmac.new(b"s3cret-s3cret-s3cret", b"1800000000:ID_ana", hashlib.sha1).digest()
    assert base64.b64decode(password) == expected


def test_each_participant_gets_turn_with_a_fresh_short_lived_credential() -> None:
    ice = IceProvider([STUN], ["turn:turn.example.org:3478?transport=udp"],
                      "s3cret-s3cret-s3cret", 600)
    stun, turn = ice.for_person("ID_ana", now=1_800_000_000.5)
    assert stun == STUN
    assert turn.urls == ["turn:turn.example.org:3478?transport=udp"]
    assert turn.username == "1800000600:ID_ana"
    assert ice.for_person("ID_maya", now=1_800_000_000)[1].credential != turn.credential


def test_without_a_secret_only_the_configured_servers_are_given() -> None:
    assert IceProvider([STUN], ["turn:x:3478"], None, 600).for_person("ID_ana") == [STUN]
    assert IceProvider([], [], "s3cret-s3cret-s3cret", 600).for_person("ID_ana") == []
