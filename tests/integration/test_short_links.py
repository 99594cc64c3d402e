"""Short invite links: ``/j/{code}`` leads to the join page with the invite's token; an
unknown, malformed, expired or revoked code shows the "not valid" page; only the session's
mentor or an admin may revoke a link."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from signaling.app import create_app
from signaling.rest.short_links import CODE_BYTES, CODE_PATTERN, new_code
from signaling.settings import Settings
from tests.integration.test_signaling import CREATOR, SECRET, create, refused_with, send_join

INVALID = "This invite link is not valid"


def settings(storage_url: str = "memory://") -> Settings:
    return Settings(storage_url=storage_url, secret_key=SECRET,
                    media_host_addresses=["127.0.0.1"], admin_token=CREATOR)


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(settings())) as c:
        yield c


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def invite(client: TestClient, sid: str, mentor: str, role: str = "mentee",
           name: str = "Ana") -> dict[str, Any]:
    r = client.post(f"/api/sessions/{sid}/invites", json={"role": role, "display_name": name},
                    headers=bearer(mentor))
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def revoke(client: TestClient, sid: str, code: str, token: str) -> Any:
    return client.delete(f"/api/sessions/{sid}/short-links/{code}", headers=bearer(token))


def assert_invalid_page(response: Any, status: int) -> None:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert INVALID in response.text and "Ask your mentor for a new one" in response.text
    assert "Ready to join?" not in response.text
    assert "<script" not in response.text  # nothing inline under the strict CSP
    assert response.headers["cache-control"] == "no-store"


def test_an_invite_comes_with_a_short_link_of_at_least_64_random_bits(
    client: TestClient,
) -> None:
    sid, mentor = create(client)
    body = invite(client, sid, mentor)
    code = body["short_code"]
    assert body["short_url"] == f"http://testserver/j/{code}"
    assert CODE_PATTERN.fullmatch(code) and len(code) == 16
    assert CODE_BYTES * 8 >= 64
    assert body["url"] == f"http://testserver/s/{sid}#token={body['token']}"  # kept as before
    assert len(body["short_url"]) < 50 < len(body["url"])
    codes = {new_code() for _ in range(2000)} | {invite(client, sid, mentor)["short_code"]}
    assert len(codes) == 2001  # no repeats
    assert all(CODE_PATTERN.fullmatch(c) for c in codes)
    assert len(set("".join(codes))) == 64  # the whole URL-safe alphabet is used


def test_the_mentor_invite_of_a_new_session_has_a_short_link_too(client: TestClient) -> None:
    r = client.post("/api/sessions", json={"kind": "one_on_one", "title": "Check-in"},
                    headers=bearer(CREATOR))
    mentor = r.json()["mentor_invite"]
    opened = client.get(f"/j/{mentor['short_code']}", follow_redirects=False)
    assert opened.headers["location"].endswith(f"#token={mentor['token']}")


def test_a_short_link_redirects_to_the_join_url_with_the_token(client: TestClient) -> None:
    sid, mentor = create(client)
    body = invite(client, sid, mentor)
    r = client.get(f"/j/{body['short_code']}", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/s/{sid}#token={body['token']}"
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["referrer-policy"] == "no-referrer"
    followed = client.get(f"/j/{body['short_code']}")
    assert followed.status_code == 200 and 'id="prejoin"' in followed.text  # the join page
    assert client.get(f"/j/{body['short_code']}", follow_redirects=False).status_code == 303


def test_a_revoked_short_link_shows_the_invalid_invite_page(client: TestClient) -> None:
    sid, mentor = create(client)
    revoked, kept = invite(client, sid, mentor), invite(client, sid, mentor, "observer", "Obi")
    r = revoke(client, sid, revoked["short_code"], mentor)
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "revoked" and r.json()["revoked_at"] is not None
    assert r.json()["role"] == "mentee" and r.json()["display_name"] == "Ana"
    assert "token" not in r.json()
    assert_invalid_page(client.get(f"/j/{revoked['short_code']}", follow_redirects=False), 410)
    again = revoke(client, sid, revoked["short_code"], mentor)
    assert again.status_code == 200 and again.json()["revoked_at"] == r.json()["revoked_at"]
    assert_invalid_page(client.get(f"/j/{revoked['short_code']}", follow_redirects=False), 410)
    assert client.get(f"/j/{kept['short_code']}", follow_redirects=False).status_code == 303


def test_a_revoked_links_token_can_no_longer_join_but_the_others_can(client: TestClient) -> None:
    sid, mentor = create(client)
    revoked, kept = invite(client, sid, mentor), invite(client, sid, mentor, "observer", "Obi")
    assert revoke(client, sid, revoked["short_code"], mentor).status_code == 200
    code, reason = refused_with(client, sid, revoked["token"])
    assert code == 4401 and "revoked" in reason
    with client.websocket_connect(f"/ws/sessions/{sid}") as ws:
        assert send_join(ws, kept["token"], "Obi")["type"] == "joined"


def test_an_expired_short_link_shows_the_invalid_invite_page(tmp_path: Path) -> None:
    db = tmp_path / "links.db"
    with TestClient(create_app(settings(f"sqlite:///{db}"))) as client:
        sid, mentor = create(client)
        body = invite(client, sid, mentor)
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE short_links SET expires_at = 1 WHERE code = ?",
                         (body["short_code"],))
        assert_invalid_page(client.get(f"/j/{body['short_code']}", follow_redirects=False), 410)
        revoked = revoke(client, sid, body["short_code"], mentor)  # still revocable
        assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"


@pytest.mark.parametrize("code", [
    "garbage", "A" * 16, "A" * 15, "A" * 17, "x" * 500, "abc%00def", "....", "%2e%2e",
    "Ab3dE.f_9hIjKlMn", "Ab3dE f_9hIjKlMn",
])
def test_an_unknown_or_malformed_code_shows_the_invalid_invite_page_with_404(
    client: TestClient, code: str,
) -> None:
    assert_invalid_page(client.get(f"/j/{code}", follow_redirects=False), 404)


def test_a_revoked_short_link_stays_revoked_on_another_node(tmp_path: Path) -> None:
    shared = f"sqlite:///{tmp_path}/shared.db"
    with TestClient(create_app(settings(shared))) as a, \
            TestClient(create_app(settings(shared))) as b:
        sid, mentor = create(a)
        body = invite(a, sid, mentor)
        assert b.get(f"/j/{body['short_code']}", follow_redirects=False).status_code == 303
        assert revoke(a, sid, body["short_code"], mentor).status_code == 200
        assert_invalid_page(b.get(f"/j/{body['short_code']}", follow_redirects=False), 410)


def test_only_the_sessions_mentor_or_an_admin_may_revoke_a_short_link(
    client: TestClient,
) -> None:
    sid, mentor = create(client)
    other_sid, other_mentor = create(client)
    body = invite(client, sid, mentor)
    mentee = body["token"]
    observer = invite(client, sid, mentor, "observer", "Obi")["token"]
    code = body["short_code"]
    url = f"/api/sessions/{sid}/short-links/{code}"
    assert client.delete(url).status_code == 401
    assert client.delete(url, headers={"Authorization": "Basic eDp5"}).status_code == 401
    for token, status in ((mentee, 403), (observer, 403), (other_mentor, 403),
                          ("not-a-token", 403), (CREATOR + "x", 403)):
        assert revoke(client, sid, code, token).status_code == status, token
    # another session's mentor cannot reach it through their own session either
    assert revoke(client, other_sid, code, other_mentor).status_code == 404
    assert client.get(f"/j/{code}", follow_redirects=False).status_code == 303  # still works
    assert revoke(client, sid, "NoSuchCode000000", mentor).status_code == 404
    assert revoke(client, sid, "garbage", mentor).status_code == 404
    assert revoke(client, sid, code, CREATOR).status_code == 200  # an admin may
    assert client.get(f"/j/{code}", follow_redirects=False).status_code == 410
    co_mentor = invite(client, sid, mentor, "mentor", "Co")
    assert revoke(client, sid, co_mentor["short_code"], co_mentor["token"]).status_code == 200


def test_the_revoke_route_is_documented_and_the_short_link_page_is_not(
    client: TestClient,
) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "delete" in paths["/api/sessions/{session_id}/short-links/{code}"]
    assert not any(p.startswith("/j/") for p in paths)
