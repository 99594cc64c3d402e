"""HTTP checks for ``.ci/fresh_start.sh``; standard library only, because it runs in the
fresh venv, which has the base dependencies and nothing else.

    python fresh_start_probe.py health BASE_URL   exit 0 once GET /healthz answers 200
    python fresh_start_probe.py check BASE_URL    the start page, create a session, read it back

``check`` sends the admin credential from ``FRESH_START_ADMIN_TOKEN`` as a bearer token.
"""

from __future__ import annotations

import http.client
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from email.message import Message
from typing import Any

TIMEOUT_SECONDS = 10.0
TITLE = "Fresh machine check"

# The server is on loopback: never send these requests through a proxy from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class CheckFailed(Exception):
    """A check did not hold; the message says which and what came back."""


def call(method: str, url: str, body: object = None,
         token: str | None = None) -> tuple[int, Message, bytes]:
    """One request; returns status, headers and body (error statuses included)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def expect_status(what: str, status: int, want: int, body: bytes) -> None:
    if status != want:
        raise CheckFailed(f"{what}: HTTP {status}, expected {want}; body: {body[:800]!r}")


def json_body(what: str, body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError as exc:
        raise CheckFailed(f"{what}: the body is not JSON: {body[:800]!r}") from exc


def expect_html(what: str, url: str) -> None:
    status, headers, body = call("GET", url)
    expect_status(what, status, 200, body)
    content_type = headers.get("Content-Type", "")
    text = body.decode("utf-8", "replace").lower()
    if not content_type.startswith("text/html") or (
            "<html" not in text and "<title>mentor rooms" not in text):
        raise CheckFailed(f"{what}: not the HTML page (Content-Type {content_type!r}); "
                          f"body: {body[:300]!r}")


def health(base: str) -> bool:
    try:
        status, _, body = call("GET", f"{base}/healthz")
        return status == 200 and json_body("GET /healthz", body) == {"status": "ok"}
    except (OSError, http.client.HTTPException, CheckFailed):  # not (fully) up yet
        return False


def check(base: str, token: str) -> None:
    expect_html("GET /", f"{base}/")

    what = "POST /api/sessions"
    status, _, body = call("POST", f"{base}/api/sessions",
                           {"kind": "one_on_one", "title": TITLE}, token)
    expect_status(what, status, 201, body)
    created = json_body(what, body)
    try:
        session_id = created["session"]["session_id"]
        invite_url = created["mentor_invite"]["url"]
    except (KeyError, TypeError) as exc:
        raise CheckFailed(f"{what}: no session.session_id or mentor_invite.url in "
                          f"{created!r}") from exc
    if not isinstance(session_id, str) or not session_id:
        raise CheckFailed(f"{what}: session.session_id is {session_id!r}")
    if not isinstance(invite_url, str) or f"/s/{session_id}" not in invite_url:
        raise CheckFailed(f"{what}: mentor_invite.url {invite_url!r} is not a link to "
                          f"session {session_id}")

    what = f"GET /api/sessions/{session_id}"
    status, _, body = call("GET", f"{base}/api/sessions/{urllib.parse.quote(session_id)}")
    expect_status(what, status, 200, body)
    stored = json_body(what, body)
    if not isinstance(stored, dict) or stored.get("session_id") != session_id \
            or stored.get("title") != TITLE:
        raise CheckFailed(f"{what}: unexpected body {stored!r}")

    # the mentor's invite link opens the room page (the token is in the fragment)
    expect_html("GET the mentor's invite link", urllib.parse.urldefrag(invite_url).url)


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in ("health", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    base = argv[2].rstrip("/")
    if argv[1] == "health":
        return 0 if health(base) else 1
    token = os.environ.get("FRESH_START_ADMIN_TOKEN", "")
    try:
        check(base, token)
    except (CheckFailed, OSError, http.client.HTTPException) as exc:
        print(f"fresh machine: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
