"""A dropped connection holds the seat: the others see "reconnecting", a rejoin in
time resumes the same participant, and an expired hold is a dropped leave."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient, WebSocketTestSession

from signaling.app import create_app
from signaling.settings import Settings
from tests.integration.test_signaling import CREATOR, SECRET, create, invite, send_join


def app(grace: float) -> TestClient:
    return TestClient(create_app(Settings(
        storage_url="memory://", secret_key=SECRET, media_host_addresses=["127.0.0.1"],
        reconnect_grace_seconds=grace, admin_token=CREATOR)))


@pytest.fixture
def held() -> Iterator[TestClient]:
    with app(30) as c:
        yield c


def next_update(ws: WebSocketTestSession, kind: str = "participant_updated") -> dict[str, Any]:
    while True:
        message: dict[str, Any] = ws.receive_json()
        if message["type"] == kind:
            return message


def test_a_rejoin_within_the_grace_resumes_the_same_seat(held: TestClient) -> None:
    sid, mentor = create(held)
    mentee = invite(held, sid, mentor, "mentee")
    with held.websocket_connect(f"/ws/sessions/{sid}") as a:
        send_join(a, mentor, "Maya")
        with held.websocket_connect(f"/ws/sessions/{sid}") as b:
            first = send_join(b, mentee, "Ana")["you"]["participant_id"]
            next_update(a, "participant_joined")
        dropped = next_update(a)["participant"]  # b's socket closed without a leave
        assert (dropped["participant_id"], dropped["connected"]) == (first, False)
        with held.websocket_connect(f"/ws/sessions/{sid}") as c:
            again = send_join(c, mentee, "Ana")
            assert again["you"]["participant_id"] == first
            back = next_update(a)["participant"]
            assert (back["participant_id"], back["connected"]) == (first, True)
        report = held.get(f"/api/sessions/{sid}/attendance",
                          headers={"Authorization": f"Bearer {mentor}"}).json()
        ana = next(p for p in report["people"] if p["display_name"] == "Ana")
        assert ana["reconnects"] == 1 and len(ana["intervals"]) == 1


def test_a_held_seat_that_expires_is_a_dropped_leave() -> None:
    with app(0.3) as short:
        sid, mentor = create(short)
        mentee = invite(short, sid, mentor, "mentee")
        with short.websocket_connect(f"/ws/sessions/{sid}") as a:
            send_join(a, mentor, "Maya")
            with short.websocket_connect(f"/ws/sessions/{sid}") as b:
                pid = send_join(b, mentee, "Ana")["you"]["participant_id"]
            assert next_update(a)["participant"]["connected"] is False
            left = next_update(a, "participant_left")
            assert left == {"type": "participant_left", "participant_id": pid,
                            "reason": "dropped"}
