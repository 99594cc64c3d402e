"""ICE servers for each participant: the configured ones, plus TURN with short-lived
credentials in coturn's shared-secret REST scheme (``use-auth-secret``).

The username is ``<expiry epoch seconds>:<identity>`` and the password is
``base64(HMAC-SHA1(secret, username))``; coturn recomputes it from the same secret and
refuses it once the expiry has passed. Nothing long-lived reaches the browser.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from signaling import protocol


def turn_credentials(secret: str, identity: str, expires_at: int) -> tuple[str, str]:
    """The (username, password) coturn accepts for ``identity`` until ``expires_at``."""
    username = f"{expires_at}:{identity}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


class IceProvider:
    """Hands out ICE servers per participant.

    Args:
        static: Servers from the settings, given to everyone as they are.
        turn_urls: ``turn:``/``turns:`` URLs of coturn servers sharing ``turn_secret``.
        turn_secret: coturn's ``static-auth-secret`` (``None``: no TURN credentials).
        ttl_seconds: How long a credential stays valid.
    """

    def __init__(self, static: list[protocol.IceServerInfo], turn_urls: list[str],
                 turn_secret: str | None, ttl_seconds: int) -> None:
        self._static = list(static)
        self._turn_urls = list(turn_urls)
        self._secret = turn_secret
        self._ttl = ttl_seconds

    def for_person(self, identity: str, now: float | None = None) -> list[protocol.IceServerInfo]:
        """The ICE servers for one participant's ``joined`` (fresh TURN credentials)."""
        if not self._turn_urls or not self._secret:
            return list(self._static)
        expires = int(time.time() if now is None else now) + self._ttl
        username, password = turn_credentials(self._secret, identity, expires)
        turn = protocol.IceServerInfo(urls=self._turn_urls, username=username,
                                      credential=password)
        return [*self._static, turn]
