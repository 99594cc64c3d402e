"""Webhooks on SQLite and Redis, delivered to a real receiver on loopback: signed and
verifiable, retried with backoff (same event id) until delivered or failed, kept in the
durable queue across a restart, filtered by subscription, and managed by admins only; and,
with a real server process, a session's start, end and attendance reach the receiver."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from signaling.program.notify import WebhookEvent
from signaling.program.webhook_signing import verify
from tests.conftest import start_server
from tests.integration.conftest import PROGRAM_ADMIN, ProgramClient
from tests.integration.test_attendance import join

FAST = {"webhook_retry_base_seconds": 0.2, "webhook_retry_max_seconds": 5.0,
        "webhook_max_attempts": 4, "webhook_poll_seconds": 0.05,
        "webhook_timeout_seconds": 2.0}


@dataclass(frozen=True)
class Received:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        """The parsed body."""
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


class Receiver:
    """An HTTP server on loopback that records POSTs and answers a scripted sequence of
    statuses (then 200)."""

    def __init__(self, statuses: list[int] | None = None, delay: float = 0.0) -> None:
        self.statuses = list(statuses or [])
        self.delay = delay
        self.requests: list[Received] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with owner.lock:
                    owner.requests.append(Received(self.path, dict(self.headers), body))
                    code = owner.statuses.pop(0) if owner.statuses else 200
                time.sleep(owner.delay)
                try:
                    self.send_response(code)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:  # the sender gave up waiting
                    pass

            def log_message(self, *args: Any) -> None:
                """Quiet."""

        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, count: int, timeout: float = 10.0,
             where: Callable[[Received], bool] = lambda _: True) -> list[Received]:
        """Waits until ``count`` requests matching ``where`` arrived; returns them."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                found = [r for r in self.requests if where(r)]
            if len(found) >= count or time.monotonic() > deadline:
                assert len(found) >= count, f"got {len(found)} of {count}: {found}"
                return found
            time.sleep(0.02)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@contextmanager
def running(url: str, **overrides: Any) -> Iterator[ProgramClient]:
    """The whole app in-process on ``url`` with fast webhook retries."""
    from fastapi.testclient import TestClient

    from signaling.app import create_app
    from signaling.settings import Settings

    settings = Settings(storage_url=url, admin_token=PROGRAM_ADMIN,
                        media_host_addresses=["127.0.0.1"], **{**FAST, **overrides})
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        yield ProgramClient(client)


@pytest.fixture
def app(shared_url: str) -> Iterator[ProgramClient]:
    with running(shared_url) as client:
        yield client


def register(app: ProgramClient, url: str, events: list[str] | None = None) -> dict[str, Any]:
    r = app.client.post("/api/admin/webhooks", json={"url": url, "events": events or []},
                        headers=app.admin)
    assert r.status_code == 201, r.text
    created: dict[str, Any] = r.json()
    return created


def submit_feedback(app: ProgramClient, rating: int = 4) -> tuple[str, str]:
    """Creates a session and rates it as its mentor; returns (session id, token)."""
    r = app.client.post("/api/sessions", json={"kind": "one_on_one", "title": "Check-in"},
                        headers=app.admin)
    assert r.status_code == 201, r.text
    sid, token = r.json()["session"]["session_id"], r.json()["mentor_invite"]["token"]
    r = app.client.post(f"/api/sessions/{sid}/feedback", json={"rating": rating},
                        headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 204, r.text
    return sid, token


def log_of(app: ProgramClient, event_id: str, count: int,
           timeout: float = 10.0) -> list[dict[str, Any]]:
    """Waits until the delivery log holds ``count`` attempts of ``event_id``."""
    deadline = time.monotonic() + timeout
    while True:
        r = app.client.get("/api/admin/webhooks/deliveries?limit=1000", headers=app.admin)
        assert r.status_code == 200, r.text
        found = [e for e in r.json() if e["event_id"] == event_id]
        if len(found) >= count or time.monotonic() > deadline:
            assert len(found) >= count, found
            return found
        time.sleep(0.05)


def at(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def test_feedback_is_delivered_as_a_signed_event_the_receiver_can_verify(
        app: ProgramClient, receiver: Receiver) -> None:
    hook = register(app, receiver.url + "/hooks")
    assert hook["secret"].startswith("whsec_") and hook["events"] == []
    sid, _ = submit_feedback(app, rating=4)
    [got] = receiver.wait(1)
    assert got.path == "/hooks" and got.headers["Content-Type"] == "application/json"
    assert verify(hook["secret"], got.headers, got.body, time.time())
    assert not verify(hook["secret"], got.headers, got.body.replace(b"4", b"5"), time.time())
    body = got.json
    assert body["id"] == got.headers["Webhook-Id"] and body["event"] == "feedback.submitted"
    assert body["data"]["session_id"] == sid and body["data"]["score"] == 4
    assert body["data"]["identity"] and body["created_at"]
    [entry] = log_of(app, body["id"], 1)
    assert entry["outcome"] == "delivered" and entry["status"] == 200
    assert entry["attempt"] == 1 and entry["webhook_id"] == hook["webhook_id"]


def test_a_receiver_answering_500_then_200_gets_the_same_event_twice(
        app: ProgramClient, receiver: Receiver) -> None:
    receiver.statuses = [500]
    hook = register(app, receiver.url)
    r = app.client.post(f"/api/admin/webhooks/{hook['webhook_id']}/test", headers=app.admin)
    assert r.status_code == 202, r.text
    event_id = r.json()["event_id"]
    first, second = receiver.wait(2)
    assert first.headers["Webhook-Id"] == second.headers["Webhook-Id"] == event_id
    assert first.body == second.body and first.json["event"] == "ping"
    assert verify(hook["secret"], second.headers, second.body, time.time())
    entries = log_of(app, event_id, 2)
    assert [(e["attempt"], e["status"], e["outcome"]) for e in entries] == [
        (1, 500, "retrying"), (2, 200, "delivered")]
    assert entries[0]["next_at"] is not None and entries[1]["next_at"] is None


def test_an_unreachable_url_is_retried_with_growing_delays_then_fails(
        app: ProgramClient) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    hook = register(app, f"http://127.0.0.1:{port}/gone")
    event_id = app.client.post(f"/api/admin/webhooks/{hook['webhook_id']}/test",
                               headers=app.admin).json()["event_id"]
    entries = log_of(app, event_id, 4)
    assert [e["outcome"] for e in entries] == ["retrying"] * 3 + ["failed"]
    assert [e["attempt"] for e in entries] == [1, 2, 3, 4]
    assert all(e["status"] is None and "Connect" in e["error"] for e in entries)
    delays = [at(e["next_at"]) - at(e["at"]) for e in entries[:3]]
    assert delays[0] < delays[1] < delays[2]
    assert 0.15 < delays[0] < 0.25 and 0.6 < delays[2] < 1.0
    for before, after in zip(entries, entries[1:], strict=False):
        assert at(after["at"]) >= at(before["next_at"]) - 0.01  # not retried early
    time.sleep(0.5)
    assert len(log_of(app, event_id, 4)) == 4  # given up: no fifth attempt
    store = app.client.app.state.mentor_rooms["program"].ctx.store
    assert app.client.portal.call(store.count_jobs, "webhooks") == 0


def test_a_receiver_that_hangs_times_out_without_holding_up_the_others(
        shared_url: str, receiver: Receiver) -> None:
    slow = Receiver(delay=3.0)
    try:
        with running(shared_url, webhook_timeout_seconds=1.0, webhook_concurrency=2,
                     webhook_retry_base_seconds=30.0) as app:
            hung = register(app, slow.url)
            fast = register(app, receiver.url)
            app.client.post(f"/api/admin/webhooks/{hung['webhook_id']}/test", headers=app.admin)
            time.sleep(0.2)  # the slow attempt is in flight
            started = time.monotonic()
            event_id = app.client.post(f"/api/admin/webhooks/{fast['webhook_id']}/test",
                                       headers=app.admin).json()["event_id"]
            receiver.wait(1)
            assert time.monotonic() - started < 0.7  # not queued behind the hung receiver
            assert log_of(app, event_id, 1)[0]["outcome"] == "delivered"
            slow.wait(1)
            r = app.client.get("/api/admin/webhooks/deliveries", headers=app.admin).json()
            deadline = time.monotonic() + 5
            while not any(e["webhook_id"] == hung["webhook_id"] for e in r):
                assert time.monotonic() < deadline
                time.sleep(0.05)
                r = app.client.get("/api/admin/webhooks/deliveries", headers=app.admin).json()
            [timed_out] = [e for e in r if e["webhook_id"] == hung["webhook_id"]]
            assert timed_out["outcome"] == "retrying" and timed_out["status"] is None
            assert timed_out["error"] == "no answer within 1 s"
    finally:
        slow.close()


def test_a_delivery_queued_before_a_restart_is_delivered_by_the_restarted_app(
        shared_url: str, receiver: Receiver) -> None:
    receiver.statuses = [503]
    with running(shared_url, webhook_retry_base_seconds=1.5) as first:
        hook = register(first, receiver.url)
        submit_feedback(first)
        receiver.wait(1)
        event_id = receiver.requests[0].headers["Webhook-Id"]
        [entry] = log_of(first, event_id, 1)
        assert entry["outcome"] == "retrying"
    assert len(receiver.requests) == 1  # the app stopped before the retry was due
    with running(shared_url) as second:
        _, retried = receiver.wait(2)
        assert retried.headers["Webhook-Id"] == event_id
        assert verify(hook["secret"], retried.headers, retried.body, time.time())
        assert log_of(second, event_id, 2)[-1]["outcome"] == "delivered"


def test_only_subscribed_events_are_sent(app: ProgramClient, receiver: Receiver) -> None:
    register(app, receiver.url + "/goals", [WebhookEvent.GOAL_STATUS_CHANGED.value])
    register(app, receiver.url + "/feedback", [WebhookEvent.FEEDBACK_SUBMITTED.value])
    register(app, receiver.url + "/all")
    submit_feedback(app)
    notifier = app.client.app.state.mentor_rooms["program"].ctx.notifier
    app.client.portal.call(notifier.notify, WebhookEvent.GOAL_STATUS_CHANGED,
                           {"goal_id": "GO_1", "status": "achieved"})
    receiver.wait(4)
    time.sleep(0.3)  # nothing else arrives
    seen = sorted((r.path, r.json["event"]) for r in receiver.requests)
    assert seen == [("/all", "feedback.submitted"), ("/all", "goal.status_changed"),
                    ("/feedback", "feedback.submitted"), ("/goals", "goal.status_changed")]


def test_only_an_admin_manages_webhooks_and_secrets_are_shown_once(
        app: ProgramClient) -> None:
    assert app.client.get("/api/admin/webhooks").status_code == 401
    assert app.client.post("/api/admin/webhooks", json={"url": "http://127.0.0.1:9/"}
                           ).status_code == 401
    _, link = app.add_person("Maya", "mentor")
    app.sign_in(link)
    assert app.client.get("/api/admin/webhooks").status_code == 403
    assert app.client.post("/api/admin/webhooks", json={"url": "http://127.0.0.1:9/"},
                           headers=app.me).status_code == 403
    assert app.client.get("/api/admin/webhooks/deliveries").status_code == 403
    app.client.cookies.clear()
    for bad in ({"url": "ftp://example.org/x"}, {"url": "not a url"},
                {"url": "https://example.org/x", "events": ["session.exploded"]}):
        r = app.client.post("/api/admin/webhooks", json=bad, headers=app.admin)
        assert r.status_code == 422, (bad, r.text)
    hook = register(app, "https://hr.example.org/mentoring",
                    ["session.started", "session.started", "attendance.finalised"])
    assert hook["events"] == ["session.started", "attendance.finalised"]
    listed = app.client.get("/api/admin/webhooks", headers=app.admin).json()
    assert listed == [{k: v for k, v in hook.items() if k != "secret"}]
    wid = hook["webhook_id"]
    assert app.client.delete(f"/api/admin/webhooks/{wid}", headers=app.admin
                             ).status_code == 204
    assert app.client.delete(f"/api/admin/webhooks/{wid}", headers=app.admin
                             ).status_code == 404
    assert app.client.post(f"/api/admin/webhooks/{wid}/test", headers=app.admin
                           ).status_code == 404
    assert app.client.get("/api/admin/webhooks", headers=app.admin).json() == []
    page = app.client.get("/admin/webhooks")
    assert page.status_code == 200 and "webhooks.js" in page.text


def test_a_real_session_reports_its_start_end_and_attendance(
        tmp_path: Path, receiver: Receiver) -> None:
    env = {"MENTOR_ROOMS_STORAGE_URL": f"sqlite:///{tmp_path / 'rooms.db'}",
           "MENTOR_ROOMS_IDLE_SESSION_SECONDS": "0.5",
           "MENTOR_ROOMS_WEBHOOK_POLL_SECONDS": "0.1"}
    server = start_server(env)
    try:
        base, admin = server.base_url, server.admin_headers
        r = httpx.post(f"{base}/api/admin/webhooks", json={"url": receiver.url},
                       headers=admin)
        assert r.status_code == 201, r.text
        secret = r.json()["secret"]
        created = httpx.post(f"{base}/api/sessions", json={"kind": "one_on_one",
                                                           "title": "Week 1"},
                             headers=admin).json()
        sid, mentor = created["session"]["session_id"], created["mentor_invite"]["token"]
        mentee = httpx.post(f"{base}/api/sessions/{sid}/invites", json={"role": "mentee"},
                            headers={"Authorization": f"Bearer {mentor}"}).json()["token"]
        url = f"{server.ws_base}/ws/sessions/{sid}"
        sockets = [join(url, mentor, "Maya"), join(url, mentee, "Ana")]
        for ws in reversed(sockets):
            ws.send(json.dumps({"type": "leave", "id": "bye"}))
            while json.loads(ws.recv())["type"] != "bye":
                pass
            ws.close()
        got = receiver.wait(3, timeout=20)
        assert all(verify(secret, r.headers, r.body, time.time()) for r in got)
        by_event = {r.json["event"]: r.json["data"] for r in got}
        assert set(by_event) == {"session.started", "session.ended", "attendance.finalised"}
        started, ended = by_event["session.started"], by_event["session.ended"]
        assert started["session_id"] == sid and started["title"] == "Week 1"
        assert started["pair_id"] is None
        assert at(ended["ended_at"]) >= at(ended["started_at"]) == at(started["started_at"])
        people = {p["display_name"]: p for p in by_event["attendance.finalised"]["attendance"]}
        assert set(people) == {"Maya", "Ana"}
        assert people["Maya"]["role"] == "mentor" and people["Ana"]["role"] == "mentee"
        for p in people.values():
            assert p["joins"] == 1 and p["left_reason"] == "left" and p["minutes"] >= 0
    finally:
        server.process.kill()
        server.process.wait(10)
