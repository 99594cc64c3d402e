"""The board over real WebSockets with several clients: agenda, timer, chat, notes,
typed errors, persistence across a server restart, and the Markdown summary."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pycrdt import Doc, Text
from starlette.testclient import TestClient, WebSocketTestSession

from signaling.app import create_app
from signaling.settings import Settings
from tests.integration.test_signaling import (
    CREATOR,
    CREATOR_BEARER,
    SECRET,
    create,
    invite,
    send_join,
)


def app_client(storage_url: str) -> TestClient:
    settings = Settings(
        storage_url=storage_url, secret_key=SECRET, media_host_addresses=["127.0.0.1"],
        admin_token=CREATOR,
    )
    return TestClient(create_app(settings))


@pytest.fixture
def client() -> Iterator[TestClient]:
    with app_client("memory://") as c:
        yield c


def send(ws: WebSocketTestSession, **message: Any) -> None:
    ws.send_text(json.dumps(message))


def next_of(ws: WebSocketTestSession, kind: str) -> dict[str, Any]:
    """The next message of type ``kind`` (skipping presence and media messages)."""
    for _ in range(20):
        message: dict[str, Any] = ws.receive_json()
        if message["type"] == kind:
            return message
        assert message["type"] != "error", message
    raise AssertionError(f"no {kind}")


def notes_update(text: str, base: bytes = b"") -> tuple[bytes, str]:
    doc: Doc[Text] = Doc()
    if base:
        doc.apply_update(base)
    before = doc.get_state()
    notes = doc.get("notes", type=Text)
    notes.insert(len(notes), text)
    update = doc.get_update(before)
    return update, base64.b64encode(update).decode()


def test_agenda_timer_and_chat_reach_every_client(client: TestClient) -> None:
    sid, mentor = create(client, "circle", capacity=4)
    mentee, observer = (
        invite(client, sid, mentor, "mentee"),
        invite(client, sid, mentor, "observer"),
    )
    with (
        client.websocket_connect(f"/ws/sessions/{sid}") as m,
        client.websocket_connect(f"/ws/sessions/{sid}") as e,
        client.websocket_connect(f"/ws/sessions/{sid}") as o,
    ):
        send_join(m, mentor, "Maya")
        send_join(e, mentee, "Ana")
        send_join(o, observer, "Obi")
        send(m, type="agenda_add", id="a1", title="Goals", planned_minutes=10)
        for ws in (m, e, o):
            agenda = next_of(ws, "agenda_changed")["agenda"]
            assert [(i["item_id"], i["title"], i["version"]) for i in agenda["items"]] == [
                ("AI_1", "Goals", 1)
            ]
        send(m, type="timer_control", id="t1", action="start", seconds=300)
        for ws in (m, e, o):
            changed = next_of(ws, "timer_changed")
            assert changed["timer"]["status"] == "running"
            assert changed["timer"]["remaining"] == 300
            assert abs(changed["timer"]["since"] - changed["server_time"]) < 1
        send(
            o,
            type="chat_send",
            id="c1",
            client_message_id="o-1",
            text="<img src=x onerror=alert(1)>",
        )
        for ws in (m, e, o):
            message = next_of(ws, "chat_message")["message"]
            assert (message["display_name"], message["role"]) == ("Obi", "observer")
            assert message["text"] == "<img src=x onerror=alert(1)>"


def test_refused_board_requests_get_typed_errors_and_the_session_carries_on(
    client: TestClient,
) -> None:
    sid, mentor = create(client, "circle", capacity=4)
    mentee = invite(client, sid, mentor, "mentee")
    with (
        client.websocket_connect(f"/ws/sessions/{sid}") as m,
        client.websocket_connect(f"/ws/sessions/{sid}") as e,
    ):
        send_join(m, mentor, "Maya")
        send_join(e, mentee, "Ana")
        bad: list[tuple[WebSocketTestSession, dict[str, Any], str]] = [
            (e, {"type": "agenda_add", "id": "x1", "title": "mine"}, "not_allowed"),
            (
                e,
                {"type": "timer_control", "id": "x2", "action": "start", "seconds": 60},
                "not_allowed",
            ),
            (m, {"type": "agenda_remove", "id": "x3", "item_id": "AI_7"}, "unknown_item"),
            (
                m,
                {"type": "chat_send", "id": "x4", "client_message_id": "c", "text": "y" * 2001},
                "text_too_long",
            ),
            (m, {"type": "notes_update", "id": "x5", "update": "not base64!"}, "invalid_update"),
            (m, {"type": "notes_update", "id": "x6", "update": "AAEC"}, "invalid_update"),
            (m, {"type": "timer_control", "id": "x7", "action": "pause"}, "invalid_state"),
        ]
        for ws, message, code in bad:
            ws.send_text(json.dumps(message))
            error = ws.receive_json()
            while error["type"] == "participant_joined":
                error = ws.receive_json()
            assert (error["type"], error["code"], error["re"]) == ("error", code, message["id"])
        send(m, type="agenda_add", id="ok", title="Still works")
        assert next_of(e, "agenda_changed")["agenda"]["items"][0]["title"] == "Still works"


def test_a_resent_chat_message_is_acknowledged_once_and_not_repeated(client: TestClient) -> None:
    sid, mentor = create(client)
    mentee = invite(client, sid, mentor, "mentee")
    with (
        client.websocket_connect(f"/ws/sessions/{sid}") as m,
        client.websocket_connect(f"/ws/sessions/{sid}") as e,
    ):
        send_join(m, mentor, "Maya")
        send_join(e, mentee, "Ana")
        for _ in range(2):
            send(e, type="chat_send", client_message_id="e-1", text="hello")
            assert next_of(e, "chat_message")["message"]["message_id"] == "CM_1"
        send(e, type="chat_send", client_message_id="e-2", text="second")
        assert next_of(m, "chat_message")["message"]["text"] == "hello"
        assert next_of(m, "chat_message")["message"]["text"] == "second"  # no repeat between


def test_concurrent_notes_merge_and_a_joiner_gets_the_merged_document(client: TestClient) -> None:
    sid, mentor = create(client, "circle", capacity=4)
    mentee, late = invite(client, sid, mentor, "mentee"), invite(client, sid, mentor, "mentee")
    with (
        client.websocket_connect(f"/ws/sessions/{sid}") as m,
        client.websocket_connect(f"/ws/sessions/{sid}") as e,
    ):
        send_join(m, mentor, "Maya")
        send_join(e, mentee, "Ana")
        _, first = notes_update("Goals: ")
        send(m, type="notes_update", update=first)
        base = base64.b64decode(next_of(e, "notes_updated")["update"])
        _, mine = notes_update("ship it. ", base)
        _, yours = notes_update("test it. ", base)
        send(m, type="notes_update", update=mine)
        send(e, type="notes_update", update=yours)
        assert next_of(e, "notes_updated")["update"] == mine
        assert next_of(m, "notes_updated")["update"] == yours
        with client.websocket_connect(f"/ws/sessions/{sid}") as j:
            snapshot = send_join(j, late, "Lee")
            doc: Doc[Text] = Doc()
            doc.apply_update(base64.b64decode(snapshot["board"]["notes"]))
            text = str(doc.get("notes", type=Text))
            assert text.startswith("Goals: ") and "ship it. " in text and "test it. " in text


def test_a_server_restart_keeps_agenda_timer_chat_and_notes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rooms.db'}"
    agenda = [{"title": "Check-in", "planned_minutes": 5}, {"title": "Plan"}]
    with app_client(url) as first:
        sid, mentor = create(first, agenda=agenda)
        with first.websocket_connect(f"/ws/sessions/{sid}") as m:
            snapshot = send_join(m, mentor, "Maya")
            assert [i["title"] for i in snapshot["board"]["agenda"]["items"]] == [
                "Check-in",
                "Plan",
            ]
            send(m, type="agenda_start")
            next_of(m, "agenda_changed")
            send(m, type="agenda_finish", item_id="AI_1", outcome="Feeling good")
            next_of(m, "agenda_changed")
            send(m, type="timer_control", action="start", seconds=120)
            next_of(m, "timer_changed")
            send(m, type="chat_send", client_message_id="m-1", text="see you")
            next_of(m, "chat_message")
            _, update = notes_update("Action: write the RFC")
            send(m, type="notes_update", id="n", update=update)
            send(m, type="ping", id="sync")
            next_of(m, "pong")  # the update was applied and stored before the pong
    with app_client(url) as second, second.websocket_connect(f"/ws/sessions/{sid}") as m:
        board = send_join(m, mentor, "Maya")["board"]
        first_item = board["agenda"]["items"][0]
        assert (first_item["status"], first_item["outcome"]) == ("done", "Feeling good")
        assert board["timer"]["status"] == "running" and board["timer"]["duration"] == 120
        assert [c["text"] for c in board["chat"]] == ["see you"]
        doc: Doc[Text] = Doc()
        doc.apply_update(base64.b64decode(board["notes"]))
        assert str(doc.get("notes", type=Text)) == "Action: write the RFC"
        summary = second.get(
            f"/api/sessions/{sid}/summary.md", headers={"Authorization": f"Bearer {mentor}"}
        )
        assert summary.status_code == 200
        assert "- [x] **Check-in** (5 min planned" in summary.text
        assert "Outcome: Feeling good" in summary.text
        assert "Action: write the RFC" in summary.text
        assert second.get(f"/api/sessions/{sid}/summary.md").status_code == 401


def test_a_bad_prepared_agenda_is_refused_when_creating_the_session(client: TestClient) -> None:
    r = client.post(
        "/api/sessions",
        json={"kind": "one_on_one", "title": "x", "agenda": [{"title": "ok"}, {"title": " "}]},
        headers=CREATOR_BEARER,
    )
    assert r.status_code == 422 and "empty" in r.text
