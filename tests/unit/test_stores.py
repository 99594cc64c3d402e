"""The same test bodies against every embedded backend: ended sessions and the admin
audit log."""

from __future__ import annotations

from pathlib import Path

import pytest

from session_room.ids import SessionId
from session_room.roles import SessionKind
from session_room.room import SessionSpec
from signaling.backends.base import SessionStore, open_store

SPEC = SessionSpec(SessionId("SE_store"), SessionKind.ONE_ON_ONE, "t", 2, 1_800_000_000.0)


@pytest.fixture(params=["memory", "sqlite"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return "memory://" if request.param == "memory" else f"sqlite:///{tmp_path}/s.db"


async def test_an_ended_session_keeps_its_first_end_time(url: str) -> None:
    store: SessionStore = open_store(url)
    await store.save_session(SPEC)
    assert (await store.load_session(SPEC.session_id)).ended_at is None  # type: ignore[union-attr]
    await store.mark_ended(SPEC.session_id, 1_800_000_100.0)
    await store.mark_ended(SPEC.session_id, 1_800_000_200.0)
    loaded = await store.load_session(SPEC.session_id)
    assert loaded is not None and loaded.ended_at == 1_800_000_100.0
    assert [s.ended_at for s in await store.list_sessions()] == [1_800_000_100.0]
    await store.close()


async def test_the_admin_audit_log_keeps_order_and_returns_the_last_entries(url: str) -> None:
    store: SessionStore = open_store(url)
    for n in range(5):
        await store.append_admin_action(f'{{"n": {n}}}')
    assert await store.list_admin_actions(2) == ['{"n": 3}', '{"n": 4}']
    assert len(await store.list_admin_actions(100)) == 5
    await store.close()
    if url.startswith("sqlite"):
        reopened = open_store(url)
        assert len(await reopened.list_admin_actions(100)) == 5  # durable
        await reopened.close()
