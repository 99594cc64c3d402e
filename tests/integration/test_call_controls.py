"""Hands and a mentor's call controls over the wire: the queue, ask to mute, remove
and end for everyone, and the audit log of a mentor's actions."""

from __future__ import annotations

import json
from typing import Any

from starlette.testclient import TestClient, WebSocketTestSession

from tests.integration.test_admin import BEARER, client  # noqa: F401  (fixture)
from tests.integration.test_reconnect import next_update
from tests.integration.test_signaling import create, invite, send_join


def send(ws: WebSocketTestSession, **message: Any) -> None:
    ws.send_text(json.dumps(message))


def updated(ws: WebSocketTestSession, pid: str) -> dict[str, Any]:
    while True:
        message = next_update(ws, "participant_updated")
        if message["participant"]["participant_id"] == pid:
            return dict(message["participant"])


def test_hands_go_up_in_order_and_a_mentor_lowers_one(client: TestClient) -> None:  # noqa: F811
    sid, mentor = create(client, "circle")
    with (client.websocket_connect(f"/ws/sessions/{sid}") as m,
          client.websocket_connect(f"/ws/sessions/{sid}") as a,
          client.websocket_connect(f"/ws/sessions/{sid}") as b):
        send_join(m, mentor, "Maya")
        ana = send_join(a, invite(client, sid, mentor, "mentee"), "Ana")["you"]["participant_id"]
        ben = send_join(b, invite(client, sid, mentor, "mentee"), "Ben")["you"]["participant_id"]
        send(b, type="raise_hand", raised=True)
        first = updated(m, ben)["hand_raised_at"]
        send(a, type="raise_hand", raised=True)
        second = updated(m, ana)["hand_raised_at"]
        assert first is not None and second is not None and first <= second
        send(a, type="lower_hand", id="x", participant_id=ben)
        refused = next_update(a, "error")
        assert (refused["re"], refused["code"]) == ("x", "not_allowed")
        send(m, type="lower_hand", participant_id=ben)
        assert updated(a, ben)["hand_raised_at"] is None


def test_a_mentor_asks_a_mentee_to_mute_and_only_the_mentee_is_told(
    client: TestClient,  # noqa: F811
) -> None:
    sid, mentor = create(client)
    with (client.websocket_connect(f"/ws/sessions/{sid}") as m,
          client.websocket_connect(f"/ws/sessions/{sid}") as a):
        maya = send_join(m, mentor, "Maya")["you"]["participant_id"]
        ana = send_join(a, invite(client, sid, mentor, "mentee"), "Ana")["you"]["participant_id"]
        send(a, type="ask_to_mute", id="no", participant_id=maya)
        assert next_update(a, "error")["code"] == "not_allowed"
        send(m, type="ask_to_mute", participant_id=ana)
        asked = next_update(a, "mute_requested")
        assert (asked["by_participant_id"], asked["by_name"]) == (maya, "Maya")
    [entry] = client.get("/api/admin/actions", headers=BEARER).json()
    assert (entry["action"], entry["display_name"]) == ("ask_to_mute", "Ana")


def test_a_mentor_removes_a_mentee_with_a_reason_then_ends_the_session_and_both_are_audited(
    client: TestClient,  # noqa: F811
) -> None:
    sid, mentor = create(client, "circle")
    with client.websocket_connect(f"/ws/sessions/{sid}") as m:
        send_join(m, mentor, "Maya")
        mentee = invite(client, sid, mentor, "mentee")
        with client.websocket_connect(f"/ws/sessions/{sid}") as a:
            ana = send_join(a, mentee, "Ana")["you"]["participant_id"]
            send(m, type="remove_participant", participant_id=ana, reason="Wrong group")
            bye = next_update(a, "bye")
            assert bye["reason"] == "removed"
            assert bye["message"] == (
                "Maya (mentor) removed you from the session. Reason: Wrong group")
        assert next_update(m, "participant_left")["reason"] == "removed"
        with client.websocket_connect(f"/ws/sessions/{sid}") as again:
            assert send_join(again, mentee, "Ana")["code"] == "removed"
        send(m, type="end_session")
        ended = next_update(m, "bye")
        assert ended["reason"] == "session_ended"
        assert ended["message"] == "Maya (mentor) ended the session for everyone."
    actions = client.get("/api/admin/actions", headers=BEARER).json()
    assert sorted((e["action"], e["display_name"], e["reason"]) for e in actions) == [
        ("end_session", None, ""), ("remove_participant", "Ana", "Wrong group")]
    assert all(e["admin"].startswith("Maya (mentor") for e in actions)
