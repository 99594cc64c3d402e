"""Creating a session needs a credential: an admin's, or a mentor credential an admin
issued (and may revoke); ``open_creation`` lifts that for a demo."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from signaling.app import create_app
from signaling.settings import Settings
from tests.integration.test_signaling import SECRET, create, invite

ADMIN = "credentials-admin-0001"
BEARER = {"Authorization": f"Bearer {ADMIN}"}
SESSION = {"kind": "one_on_one", "title": "Weekly check-in"}


def settings(storage_url: str = "memory://", **extra: Any) -> Settings:
    return Settings(storage_url=storage_url, secret_key=SECRET, admins={"ines": ADMIN},
                    media_host_addresses=["127.0.0.1"], **extra)


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(settings())) as c:
        yield c


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def issue(client: TestClient, name: str = "Maya Ortiz") -> dict[str, Any]:
    r = client.post("/api/admin/mentors", json={"name": name}, headers=BEARER)
    assert r.status_code == 201, r.text
    issued: dict[str, Any] = r.json()
    return issued


def create_with(client: TestClient, token: str, **extra: Any) -> Any:
    return client.post("/api/sessions", json={**SESSION, **extra}, headers=bearer(token))


def test_creating_a_session_without_a_credential_is_refused(client: TestClient) -> None:
    r = client.post("/api/sessions", json=SESSION)
    assert r.status_code == 401
    assert "mentor credential" in r.json()["detail"]
    assert r.headers["www-authenticate"] == "Bearer"
    r = client.post("/api/sessions", json=SESSION, headers={"Authorization": "Basic eDp5"})
    assert r.status_code == 401


def test_creating_a_session_with_an_invite_token_is_refused(client: TestClient) -> None:
    sid, mentor = create(client, credential=ADMIN)
    mentee = invite(client, sid, mentor, "mentee")
    for token in (mentor, mentee):
        r = create_with(client, token)
        assert r.status_code == 403
        assert "invite link's token cannot create sessions" in r.json()["detail"]


def test_creating_a_session_with_an_unknown_credential_is_refused(client: TestClient) -> None:
    for token in ("not-a-credential-at-all", "mrc_" + "x" * 43, ADMIN + "x"):
        r = create_with(client, token)
        assert r.status_code == 403 and "not valid" in r.json()["detail"]


def test_a_refusal_comes_before_checking_the_body(client: TestClient) -> None:
    assert client.post("/api/sessions", json={"kind": "nope"}).status_code == 401


def test_creating_a_session_with_the_admin_credential_works(client: TestClient) -> None:
    r = create_with(client, ADMIN)
    assert r.status_code == 201 and r.json()["mentor_invite"]["display_name"] == ""


def test_creating_a_session_with_a_mentor_credential_works(client: TestClient) -> None:
    issued = issue(client, "Maya Ortiz")
    r = create_with(client, issued["credential"])
    assert r.status_code == 201, r.text
    assert r.json()["mentor_invite"]["display_name"] == "Maya Ortiz"  # the default name
    r = create_with(client, issued["credential"], mentor_name="Dr. Maya")
    assert r.status_code == 201 and r.json()["mentor_invite"]["display_name"] == "Dr. Maya"
    sid, mentor = r.json()["session"]["session_id"], r.json()["mentor_invite"]["token"]
    assert invite(client, sid, mentor, "mentee")  # the mentor link works as before


def test_a_revoked_mentor_credential_no_longer_creates_sessions(client: TestClient) -> None:
    kept, revoked = issue(client, "Leo"), issue(client, "Maya Ortiz")
    assert create_with(client, revoked["credential"]).status_code == 201
    r = client.delete(f"/api/admin/mentors/{revoked['credential_id']}", headers=BEARER)
    assert r.status_code == 200 and r.json()["revoked_at"] is not None
    refused = create_with(client, revoked["credential"])
    assert refused.status_code == 403 and "revoked" in refused.json()["detail"]
    assert create_with(client, kept["credential"]).status_code == 201  # the others still work
    again = client.delete(f"/api/admin/mentors/{revoked['credential_id']}", headers=BEARER)
    assert again.json()["revoked_at"] == r.json()["revoked_at"]  # the first time is kept
    listed = {c["name"]: c for c in client.get("/api/admin/mentors", headers=BEARER).json()}
    assert listed["Maya Ortiz"]["revoked_at"] == r.json()["revoked_at"]
    assert listed["Leo"]["revoked_at"] is None
    assert client.delete("/api/admin/mentors/MC_nobody", headers=BEARER).status_code == 404


def test_a_revocation_holds_at_once_on_every_node(tmp_path: Path) -> None:
    shared = f"sqlite:///{tmp_path}/shared.db"
    with TestClient(create_app(settings(shared))) as a, \
            TestClient(create_app(settings(shared))) as b:
        issued = issue(a)
        assert create_with(b, issued["credential"]).status_code == 201
        a.delete(f"/api/admin/mentors/{issued['credential_id']}", headers=BEARER)
        assert create_with(b, issued["credential"]).status_code == 403


def test_open_creation_restores_creation_without_a_credential() -> None:
    with TestClient(create_app(settings(open_creation=True))) as client:
        assert client.post("/api/sessions", json=SESSION).status_code == 201
        assert create_with(client, "anything-at-all-goes").status_code == 201
        issued = issue(client, "Maya Ortiz")  # a mentor credential still names the mentor
        named = create_with(client, issued["credential"])
        assert named.json()["mentor_invite"]["display_name"] == "Maya Ortiz"
        assert client.get("/api/admin/mentors").status_code == 401  # admin stays admin-only


def test_the_mentors_endpoints_are_admin_only(client: TestClient) -> None:
    issued = issue(client)
    sid, mentor = create(client, credential=ADMIN)
    routes = [("POST", "/api/admin/mentors"), ("GET", "/api/admin/mentors"),
              ("DELETE", f"/api/admin/mentors/{issued['credential_id']}")]
    for method, path in routes:
        body = {"name": "Eve"} if method == "POST" else None
        assert client.request(method, path, json=body).status_code == 401, path
        for token in (mentor, issued["credential"], "wrong-credential-0001"):
            r = client.request(method, path, json=body, headers=bearer(token))
            assert r.status_code == 403 and r.json()["detail"] == "only an admin may do this"
    assert client.get("/api/admin/live", headers=bearer(issued["credential"])).status_code == 403
    listed = client.get("/api/admin/mentors", headers=BEARER).json()
    assert [c["name"] for c in listed] == ["Maya Ortiz"] and listed[0]["revoked_at"] is None


def test_a_mentor_credential_needs_a_name(client: TestClient) -> None:
    for name in ("", "   ", "x" * 500):
        r = client.post("/api/admin/mentors", json={"name": name}, headers=BEARER)
        assert r.status_code == 422, name


def test_the_secret_is_shown_once_and_never_listed(client: TestClient) -> None:
    r = client.post("/api/admin/mentors", json={"name": "  Maya Ortiz "}, headers=BEARER)
    issued = r.json()
    assert set(issued) == {"credential_id", "name", "created_at", "credential"}
    assert issued["name"] == "Maya Ortiz" and issued["credential"].startswith("mrc_")
    assert len(issued["credential"]) >= 40 and r.headers["cache-control"] == "no-store"
    second = issue(client, "Maya Ortiz")
    assert second["credential"] != issued["credential"]
    listing = client.get("/api/admin/mentors", headers=BEARER)
    assert issued["credential"] not in listing.text and second["credential"] not in listing.text
    assert all(set(c) == {"credential_id", "name", "created_at", "revoked_at"}
               for c in listing.json())
    actions = client.get("/api/admin/actions", headers=BEARER).text
    assert issued["credential"] not in actions


def test_only_the_hash_of_a_mentor_credential_is_stored(tmp_path: Path) -> None:
    path = tmp_path / "rooms.db"
    with TestClient(create_app(settings(f"sqlite:///{path}"))) as client:
        secret = issue(client)["credential"]
        rows = sqlite3.connect(path).execute("SELECT * FROM mentor_credentials").fetchall()
        assert hashlib.sha256(secret.encode()).hexdigest() in rows[0]
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert secret.encode() not in stored and secret[4:].encode() not in stored


def test_issuing_and_revoking_are_in_the_audit_log(client: TestClient) -> None:
    issued = issue(client, "Maya Ortiz")
    client.delete(f"/api/admin/mentors/{issued['credential_id']}", headers=BEARER)
    client.delete(f"/api/admin/mentors/{issued['credential_id']}", headers=BEARER)  # no-op
    entries = client.get("/api/admin/actions", headers=BEARER).json()
    assert [(e["admin"], e["action"], e["credential_id"], e["display_name"]) for e in entries] == [
        ("ines", "issue_mentor_credential", issued["credential_id"], "Maya Ortiz"),
        ("ines", "revoke_mentor_credential", issued["credential_id"], "Maya Ortiz"),
    ]
