"""Media modes over the wire: a chosen mode is announced and recorded in attendance;
bad quality reports get typed errors and change nothing."""

from __future__ import annotations

import json

from starlette.testclient import TestClient

from tests.integration.test_reconnect import held, next_update
from tests.integration.test_signaling import create, invite, send_join

__all__ = ["held"]


def test_a_chosen_mode_is_announced_to_everyone_and_kept_in_attendance(held: TestClient) -> None:
    sid, mentor = create(held)
    mentee = invite(held, sid, mentor, "mentee")
    with held.websocket_connect(f"/ws/sessions/{sid}") as a:
        send_join(a, mentor, "Maya")
        with held.websocket_connect(f"/ws/sessions/{sid}") as b:
            send_join(b, mentee, "Ana")
            next_update(a, "participant_joined")
            b.send_text(json.dumps({"type": "choose_media_mode", "mode": "audio_only"}))
            mine = next_update(b)["participant"]
            theirs = next_update(a)["participant"]
            assert mine == theirs
            assert (theirs["media_mode"], theirs["mode_reason"]) == ("audio_only", "chosen")
            assert not theirs["sends_video"] and not theirs["receives_video"]
            b.send_text(json.dumps({"type": "choose_media_mode", "mode": None}))
            assert next_update(a)["participant"]["media_mode"] == "video"
    auth = {"Authorization": f"Bearer {mentor}"}
    report = held.get(f"/api/sessions/{sid}/attendance", headers=auth).json()
    ana = next(p for p in report["people"] if p["display_name"] == "Ana")
    assert [(c["mode"], c["reason"]) for c in ana["mode_changes"]] == [
        ("audio_only", "chosen"), ("video", "good_link")]
    assert set(ana["seconds_by_mode"]) == {"video", "audio_only", "chat_only"}
    csv = held.get(f"/api/sessions/{sid}/attendance.csv", headers=auth).text
    assert "seconds_audio_only" in csv.splitlines()[0] and "audio_only (chosen)" in csv


def test_bad_quality_reports_get_typed_errors_and_the_session_carries_on(
    held: TestClient,
) -> None:
    sid, mentor = create(held)
    with held.websocket_connect(f"/ws/sessions/{sid}") as a:
        send_join(a, mentor, "Maya")
        for bad in ({"window_ms": 5, "packets_received": 1, "packets_lost": 0,
                     "bytes_received": 1, "jitter_ms": 1},
                    {"window_ms": 1000, "packets_received": -1, "packets_lost": 0,
                     "bytes_received": 1, "jitter_ms": 1},
                    {"window_ms": 1000}):
            a.send_text(json.dumps({"type": "quality_report", "id": "q", **bad}))
            error = a.receive_json()
            assert (error["type"], error["code"], error["re"]) == (
                "error", "malformed_message", "q")
        a.send_text(json.dumps({"type": "choose_media_mode", "id": "m", "mode": "louder"}))
        assert a.receive_json()["code"] == "malformed_message"
        a.send_text(json.dumps({"type": "ping", "id": "p"}))
        assert a.receive_json()["type"] == "pong"
