"""REST and WebSocket signaling in-process: joins, refusals and malformed input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient, WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from session_room.ids import Identity, SessionId
from session_room.roles import Role
from signaling.app import create_app
from signaling.auth import InviteSigner
from signaling.protocol import PROTOCOL_VERSION, CloseCode
from signaling.settings import Settings

SECRET = "x" * 40
CREATOR = "creator-admin-credential-0001"
"""The admin credential (named "admin") these tests' servers have; it creates sessions."""
CREATOR_BEARER = {"Authorization": f"Bearer {CREATOR}"}


@pytest.fixture
def client() -> Iterator[TestClient]:
    settings = Settings(storage_url="memory://", secret_key=SECRET,
                        media_host_addresses=["127.0.0.1"], admin_token=CREATOR)
    with TestClient(create_app(settings)) as c:
        yield c


def create(client: TestClient, kind: str = "one_on_one", credential: str = CREATOR,
           **extra: Any) -> tuple[str, str]:
    """Creates a session with ``credential`` (default :data:`CREATOR`); returns
    (session id, mentor token)."""
    r = client.post("/api/sessions", json={"kind": kind, "title": "Check-in", **extra},
                    headers={"Authorization": f"Bearer {credential}"})
    assert r.status_code == 201, r.text
    body = r.json()
    return body["session"]["session_id"], body["mentor_invite"]["token"]


def invite(client: TestClient, sid: str, mentor: str, role: str) -> str:
    r = client.post(f"/api/sessions/{sid}/invites", json={"role": role},
                    headers={"Authorization": f"Bearer {mentor}"})
    assert r.status_code == 201, r.text
    token: str = r.json()["token"]
    return token


def send_join(ws: WebSocketTestSession, token: str, name: str = "Ana") -> dict[str, Any]:
    ws.send_text(json.dumps({"type": "join", "id": "j", "protocol_version": PROTOCOL_VERSION,
                             "token": token, "display_name": name}))
    reply: dict[str, Any] = ws.receive_json()
    return reply


def refused_with(client: TestClient, sid: str, token: str) -> tuple[int, str]:
    with client.websocket_connect(f"/ws/sessions/{sid}") as ws:
        ws.send_text(json.dumps({"type": "join", "protocol_version": PROTOCOL_VERSION,
                                 "token": token, "display_name": "Eve"}))
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                ws.receive_json()
    return closed.value.code, closed.value.reason


def test_creating_a_session_returns_a_mentor_invite_link(client: TestClient) -> None:
    r = client.post("/api/sessions", json={"kind": "circle", "title": "Circle", "capacity": 6,
                                           "scheduled_start": "2026-11-23T15:00:00+01:00",
                                           "planned_minutes": 45}, headers=CREATOR_BEARER)
    assert r.status_code == 201
    body = r.json()
    assert body["session"]["capacity"] == 6
    assert body["session"]["scheduled_start"].startswith("2026-11-23T14:00:00")
    assert "/s/" + body["session"]["session_id"] + "#token=" in body["mentor_invite"]["url"]
    assert client.get(f"/api/sessions/{body['session']['session_id']}").status_code == 200


def test_invalid_session_requests_get_clear_errors(client: TestClient) -> None:
    assert client.post("/api/sessions", json={"kind": "circle", "title": "x",
                                              "capacity": 20},
                       headers=CREATOR_BEARER).status_code == 422
    assert client.post("/api/sessions", json={"kind": "one_on_one", "title": "x",
                                              "scheduled_start": "2026-11-23T15:00:00"},
                       headers=CREATOR_BEARER).status_code == 422
    assert client.get("/api/sessions/SE_nope").status_code == 404


def test_only_the_sessions_mentor_can_issue_invites(client: TestClient) -> None:
    sid, mentor = create(client)
    mentee = invite(client, sid, mentor, "mentee")
    url = f"/api/sessions/{sid}/invites"
    assert client.post(url, json={"role": "mentee"}).status_code == 401
    assert client.post(url, json={"role": "mentee"},
                       headers={"Authorization": f"Bearer {mentee}"}).status_code == 403
    other_sid, other_mentor = create(client)
    assert client.post(url, json={"role": "mentee"},
                       headers={"Authorization": f"Bearer {other_mentor}"}).status_code == 403


def test_join_returns_a_snapshot_and_others_see_the_newcomer(client: TestClient) -> None:
    sid, mentor = create(client)
    mentee = invite(client, sid, mentor, "mentee")
    with client.websocket_connect(f"/ws/sessions/{sid}") as a:
        joined = send_join(a, mentor, "Maya")
        assert joined["type"] == "joined" and joined["re"] == "j"
        assert joined["you"]["role"] == "mentor" and joined["participants"] == []
        assert joined["session"]["kind"] == "one_on_one"
        with client.websocket_connect(f"/ws/sessions/{sid}") as b:
            snapshot = send_join(b, mentee, "Ana")
            assert [p["display_name"] for p in snapshot["participants"]] == ["Maya"]
            seen = a.receive_json()
            assert seen["type"] == "participant_joined"
            assert seen["participant"]["display_name"] == "Ana"
            b.send_text(json.dumps({"type": "leave", "id": "l"}))
            assert b.receive_json()["type"] == "bye"
        left = a.receive_json()
        assert left == {"type": "participant_left",
                        "participant_id": snapshot["you"]["participant_id"], "reason": "left"}


def test_a_full_room_is_refused_with_4409_and_a_reason(client: TestClient) -> None:
    sid, mentor = create(client)
    mentee1 = invite(client, sid, mentor, "mentee")
    mentee2 = invite(client, sid, mentor, "mentee")
    with client.websocket_connect(f"/ws/sessions/{sid}") as a, \
            client.websocket_connect(f"/ws/sessions/{sid}") as b:
        send_join(a, mentor)
        send_join(b, mentee1)
        code, reason = refused_with(client, sid, mentee2)
        assert code == CloseCode.ROOM_FULL
        assert "session is full" in reason
        a.send_text(json.dumps({"type": "ping", "id": "p"}))
        assert a.receive_json()["type"] in {"participant_joined", "pong"}


def test_forged_expired_and_foreign_tokens_are_refused(client: TestClient) -> None:
    sid, _ = create(client)
    other_sid, other_mentor = create(client)
    forged = InviteSigner("y" * 40).issue(SessionId(sid), Role.MENTOR, Identity("ID_e"), "",
                                          60)[0]
    expired = InviteSigner(SECRET).issue(SessionId(sid), Role.MENTOR, Identity("ID_e"), "", 60,
                                         now=1_000_000)[0]
    assert refused_with(client, sid, forged)[0] == CloseCode.TOKEN_INVALID
    assert refused_with(client, sid, "garbage")[0] == CloseCode.TOKEN_INVALID
    assert refused_with(client, sid, expired) == (CloseCode.TOKEN_EXPIRED,
                                                  "this invite link has expired")
    assert refused_with(client, sid, other_mentor)[0] == CloseCode.TOKEN_WRONG_SESSION


def test_a_malformed_first_message_closes_with_4400_after_a_typed_error(
        client: TestClient) -> None:
    sid, _ = create(client)
    with client.websocket_connect(f"/ws/sessions/{sid}") as ws:
        ws.send_text("{not json")
        error = ws.receive_json()
        assert error["type"] == "error" and error["code"] == "malformed_message"
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == CloseCode.BAD_JOIN


def test_malformed_messages_after_join_get_errors_and_the_session_carries_on(
        client: TestClient) -> None:
    sid, mentor = create(client)
    observer = invite(client, sid, mentor, "observer")
    with client.websocket_connect(f"/ws/sessions/{sid}") as a, \
            client.websocket_connect(f"/ws/sessions/{sid}") as o:
        send_join(a, mentor, "Maya")
        send_join(o, observer, "Obi")
        a.receive_json()  # participant_joined (observer)
        for bad, request_id in [("[]", None), ('{"type": "warp", "id": "w"}', "w"),
                                ('{"type": "set_media_state", "id": "m"}', "m")]:
            a.send_text(bad)
            error = a.receive_json()
            assert (error["type"], error["code"], error["re"]) == (
                "error", "malformed_message", request_id)
        o.send_text(json.dumps({"type": "publish_offer", "id": "o", "sdp": "v=0"}))
        assert o.receive_json()["code"] == "not_allowed"
        a.send_text(json.dumps({"type": "publish_offer", "id": "s", "sdp": "garbage"}))
        assert a.receive_json()["code"] == "invalid_sdp"
        a.send_text(json.dumps({"type": "set_media_state", "id": "m2", "audio_muted": True,
                                "video_muted": False}))
        update = o.receive_json()
        assert update["type"] == "participant_updated"
        assert update["participant"]["audio_muted"] is True
        a.send_text(json.dumps({"type": "ping", "id": "p"}))
        assert a.receive_json()["type"] in {"participant_updated", "pong"}


def test_an_offer_without_vp8_is_refused_with_codec_unsupported(client: TestClient) -> None:
    sid, mentor = create(client)
    sdp = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
           "m=video 9 UDP/TLS/RTP/SAVPF 102\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n"
           "a=sendonly\r\na=rtpmap:102 H264/90000\r\n")
    with client.websocket_connect(f"/ws/sessions/{sid}") as a:
        send_join(a, mentor)
        a.send_text(json.dumps({"type": "publish_offer", "id": "o", "sdp": sdp}))
        error = a.receive_json()
        assert error["code"] == "codec_unsupported" and "VP8" in error["message"]
