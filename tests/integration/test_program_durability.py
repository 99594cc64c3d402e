"""The program survives a SIGKILL as attendance does: people, sign-in cookies, pairs with
their sessions, goals with their history and the pair's thread are all there after the
server process is killed and restarted on the same store (SQLite and Redis)."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import start_server
from tests.redis_server import RedisProcess

ADMIN = "durable-program-admin-01"


@pytest.fixture(params=["sqlite", "redis"])
def storage_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'program.db'}"
        return
    (tmp_path / "redis").mkdir()
    redis = RedisProcess(tmp_path / "redis")
    try:
        yield redis.url
    finally:
        redis.stop()


def test_everything_acknowledged_is_there_after_a_sigkill(storage_url: str) -> None:
    env = {"MENTOR_ROOMS_STORAGE_URL": storage_url, "MENTOR_ROOMS_ADMIN_TOKEN": ADMIN}
    admin = {"Authorization": f"Bearer {ADMIN}"}
    server = start_server(env)
    try:
        base = server.base_url
        ids = {}
        for name, role in (("Maya", "mentor"), ("Ana", "mentee")):
            r = httpx.post(f"{base}/api/people", json={"name": name, "role": role},
                           headers=admin)
            ids[name] = (r.json()["person"]["person_id"], r.json()["signin_url"])
        pair = httpx.post(f"{base}/api/pairs", headers=admin, json={
            "kind": "pair", "mentor_id": ids["Maya"][0], "mentee_ids": [ids["Ana"][0]],
            "cadence": {"every_weeks": 2, "weekday": "tuesday", "time": "17:00",
                        "minutes": 60, "count": 3, "time_zone": "Europe/Madrid",
                        "starts_on": "2027-01-05"}}).json()
        goal = httpx.post(f"{base}/api/pairs/{pair['pair_id']}/goals", headers=admin, json={
            "title": "Ship a portfolio", "target_date": "2027-03-01"}).json()
        ana = httpx.Client(base_url=base)
        assert ana.get(ids["Ana"][1].removeprefix(base)).status_code == 303
        csrf = {"X-CSRF-Token": ana.cookies["mr_csrf"]}
        assert ana.patch(f"/api/goals/{goal['goal_id']}", json={"progress": 40},
                         headers=csrf).status_code == 200
        assert ana.post(f"/api/pairs/{pair['pair_id']}/thread", json={"text": "Draft sent"},
                        headers=csrf).status_code == 201
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait(10)
        server = start_server(env, port=int(base.rsplit(":", 1)[1]))
        home = ana.get("/api/me/home")  # the cookie still signs Ana in
        assert home.status_code == 200, home.text
        assert [s["session_id"] for s in home.json()["upcoming"]] == [
            s["session_id"] for s in pair["sessions"]]
        assert home.json()["goals"][0]["progress"] == 40
        history = httpx.get(f"{base}/api/goals/{goal['goal_id']}/history", headers=admin)
        assert [h["progress"] for h in history.json()] == [0, 40]
        thread = httpx.get(f"{base}/api/pairs/{pair['pair_id']}/thread", headers=admin)
        assert [m["text"] for m in thread.json()] == ["Draft sent"]
        ana.close()
    finally:
        server.process.kill()
