"""Fixtures shared by the integration tests: every storage backend, by URL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

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
