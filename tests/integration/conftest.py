"""Fixtures shared by the integration tests: every storage backend, by URL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from signaling.backends.base import SessionStore, open_store
from tests.redis_server import RedisProcess


@pytest.fixture
def redis_process(tmp_path: Path) -> Iterator[RedisProcess]:
    (tmp_path / "redis").mkdir()
    server = RedisProcess(tmp_path / "redis")
    yield server
    server.stop()


@pytest.fixture(params=["memory", "sqlite", "redis"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "memory":
        return "memory://"
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/store.db"
    server: RedisProcess = request.getfixturevalue("redis_process")
    return server.url


@pytest.fixture(params=["sqlite", "redis"])
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A backend that several nodes (processes, connections) share."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/store.db"
    server: RedisProcess = request.getfixturevalue("redis_process")
    return server.url


@pytest.fixture
async def store(url: str) -> AsyncIterator[SessionStore]:
    opened = open_store(url)
    yield opened
    await opened.close()


PROGRAM_ADMIN = "program-admin-credential-01"


@pytest.fixture
def program(shared_url: str) -> Iterator[ProgramClient]:
    """The whole app in-process (lifespan run) on SQLite or Redis (the two production
    backends: the program's test bodies run on both), with helpers to act
    as an admin credential or as a signed-in person."""
    from fastapi.testclient import TestClient

    from signaling.app import create_app
    from signaling.settings import Settings

    settings = Settings(storage_url=shared_url, admin_token=PROGRAM_ADMIN,
                        media_host_addresses=["127.0.0.1"])
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        yield ProgramClient(client)


class ProgramClient:
    """Acts on the program's REST routes as an admin or as a person (one at a time: the
    cookie jar is the browser)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.csrf = ""

    @property
    def admin(self) -> dict[str, str]:
        """The admin credential's header."""
        return {"Authorization": f"Bearer {PROGRAM_ADMIN}"}

    def add_person(self, name: str, role: str, **extra: str) -> tuple[str, str]:
        """Adds a person as the admin; returns (person id, sign-in URL)."""
        r = self.client.post("/api/people", json={"name": name, "role": role, **extra},
                             headers=self.admin)
        assert r.status_code == 201, r.text
        return r.json()["person"]["person_id"], r.json()["signin_url"]

    def sign_in(self, signin_url: str) -> None:
        """Becomes the person of a sign-in link (a fresh browser)."""
        self.client.cookies.clear()
        r = self.client.get(signin_url.split("127.0.0.1", 1)[-1], follow_redirects=False)
        assert r.status_code == 303, r.text
        self.csrf = r.cookies["mr_csrf"]

    @property
    def me(self) -> dict[str, str]:
        """The CSRF header of the signed-in person."""
        return {"X-CSRF-Token": self.csrf}
