"""The same test bodies against every storage backend: memory, the embedded SQLite
default and Redis (a real redis-server with the append-only file on)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from session_room.ids import SessionId
from session_room.roles import SessionKind
from session_room.room import SessionSpec
from signaling.backends.base import MentorCredential, SessionStore, ShortLink, open_store
from tests.redis_server import RedisProcess

SID = SessionId("SE_store")
SPEC = SessionSpec(SID, SessionKind.CIRCLE, "Career circle", 6, 1_800_000_000.25,
                   scheduled_start=1_800_000_600.0, planned_minutes=45)
MAYA = MentorCredential("MC_maya", "Maya Ortiz", 1_800_000_000.5, "a" * 64)
LEO = MentorCredential("MC_leo", "Léo", 1_800_000_100.0, "b" * 64)
LINK = ShortLink("Ab3dE-f_9hIjKlMn", SID, "header.payload.signature", "mentee", "Ana Lía",
                 "ID_ana", 1_800_000_000.5, 1_800_604_800.5)
OTHER_LINK = ShortLink("zZ9_-yXwVuTsRqPo", SessionId("SE_other"), "h.p.s", "observer", "",
                       "ID_obi", 1_800_000_001.0, 1_800_000_601.0)


async def test_a_session_is_stored_whole_and_listed(store: SessionStore) -> None:
    assert await store.load_session(SID) is None
    await store.save_session(SPEC)
    assert await store.load_session(SID) == SPEC
    assert await store.list_sessions() == [SPEC]


async def test_a_session_saved_again_is_rescheduled_and_keeps_its_end(
        store: SessionStore) -> None:
    await store.save_session(SPEC)
    await store.mark_ended(SID, 1_800_001_000.0)
    moved = dataclasses.replace(SPEC, scheduled_start=1_800_090_000.0, planned_minutes=None)
    await store.save_session(moved)
    assert await store.load_session(SID) == dataclasses.replace(moved, ended_at=1_800_001_000.0)
    assert len(await store.list_sessions()) == 1


async def test_an_ended_session_keeps_its_first_end_time(store: SessionStore) -> None:
    await store.save_session(SPEC)
    await store.mark_ended(SID, 1_800_000_100.0)
    await store.mark_ended(SID, 1_800_000_200.0)
    loaded = await store.load_session(SID)
    assert loaded is not None and loaded.ended_at == 1_800_000_100.0
    assert [s.ended_at for s in await store.list_sessions()] == [1_800_000_100.0]
    await store.mark_ended(SessionId("SE_none"), 1.0)  # no such session: nothing appears
    assert await store.load_session(SessionId("SE_none")) is None


async def test_a_secret_is_set_once(store: SessionStore) -> None:
    assert await store.secret("key", "first") == "first"
    assert await store.secret("key", "second") == "first"


async def test_the_board_document_is_replaced(store: SessionStore) -> None:
    assert await store.load_board(SID) is None
    await store.save_board(SID, '{"v": 1}')
    await store.save_board(SID, '{"v": 2}')
    assert await store.load_board(SID) == '{"v": 2}'


async def test_chat_keeps_order_and_returns_the_tail(store: SessionStore) -> None:
    for n in range(5):
        await store.append_chat(SID, f"m{n}")
    assert await store.load_chat(SID, 3) == ["m2", "m3", "m4"]
    assert await store.load_chat(SID, 100) == [f"m{n}" for n in range(5)]


async def test_notes_updates_append_and_compact_into_one(store: SessionStore) -> None:
    await store.append_notes(SID, b"\x01\x02")
    await store.append_notes(SID, b"\x00\xff")
    assert await store.load_notes(SID) == [b"\x01\x02", b"\x00\xff"]
    await store.compact_notes(SID, b"merged")
    assert await store.load_notes(SID) == [b"merged"]


async def test_attendance_is_an_ordered_log_per_session(store: SessionStore) -> None:
    await store.append_attendance(SID, "a")
    await store.append_attendance(SID, "b")
    await store.append_attendance(SessionId("SE_other"), "c")
    assert await store.load_attendance(SID) == ["a", "b"]
    assert sorted(await store.attendance_sessions()) == ["SE_other", "SE_store"]


async def test_invites_and_feedback_are_kept_per_person(store: SessionStore) -> None:
    await store.save_invite(SID, "ID_ana", "mentee", "Ana")
    await store.save_invite(SID, "ID_ana", "observer", "Ana")  # re-invited: replaced
    await store.save_invite(SID, "ID_maya", "mentor", "Maya")
    assert sorted(await store.list_invites()) == [(SID, "ID_ana", "observer"),
                                                  (SID, "ID_maya", "mentor")]
    await store.save_feedback(SID, "ID_ana", '{"rating": 3}')
    await store.save_feedback(SID, "ID_ana", '{"rating": 5}')
    assert await store.load_feedback(SID) == ['{"rating": 5}']


async def test_the_admin_audit_log_keeps_order_and_returns_the_last_entries(
    store: SessionStore,
) -> None:
    for n in range(5):
        await store.append_admin_action(f'{{"n": {n}}}')
    assert await store.list_admin_actions(2) == ['{"n": 3}', '{"n": 4}']
    assert len(await store.list_admin_actions(100)) == 5


async def test_a_mentor_credential_is_found_by_its_hash_and_listed_oldest_first(
    store: SessionStore,
) -> None:
    assert await store.mentor_credential_by_hash(MAYA.secret_hash) is None
    assert await store.list_mentor_credentials() == []
    await store.save_mentor_credential(LEO)
    await store.save_mentor_credential(MAYA)
    assert await store.mentor_credential_by_hash(MAYA.secret_hash) == MAYA
    assert await store.mentor_credential_by_hash(LEO.secret_hash) == LEO
    assert await store.mentor_credential_by_hash("c" * 64) is None
    assert await store.list_mentor_credentials() == [MAYA, LEO]


async def test_a_revoked_mentor_credential_keeps_its_first_revocation_time(
    store: SessionStore,
) -> None:
    await store.save_mentor_credential(MAYA)
    await store.save_mentor_credential(LEO)
    revoked = await store.revoke_mentor_credential("MC_maya", 1_800_000_200.0)
    assert revoked is not None and revoked.revoked_at == 1_800_000_200.0
    again = await store.revoke_mentor_credential("MC_maya", 1_800_000_300.0)
    assert again is not None and again.revoked_at == 1_800_000_200.0
    found = await store.mentor_credential_by_hash(MAYA.secret_hash)
    assert found is not None and found.revoked_at == 1_800_000_200.0
    assert [c.revoked_at for c in await store.list_mentor_credentials()] == [
        1_800_000_200.0, None]
    assert await store.revoke_mentor_credential("MC_nobody", 1.0) is None
    assert len(await store.list_mentor_credentials()) == 2  # no record appeared


async def test_a_short_link_is_stored_whole_and_found_by_its_code(store: SessionStore) -> None:
    assert await store.load_short_link(LINK.code) is None
    await store.save_short_link(LINK)
    await store.save_short_link(OTHER_LINK)
    assert await store.load_short_link(LINK.code) == LINK
    assert await store.load_short_link(OTHER_LINK.code) == OTHER_LINK
    assert await store.load_short_link(LINK.code.lower()) is None  # codes are case-sensitive
    assert await store.load_short_link("") is None


async def test_a_revoked_short_link_keeps_its_first_revocation_time(store: SessionStore) -> None:
    await store.save_short_link(LINK)
    await store.save_short_link(OTHER_LINK)
    revoked = await store.revoke_short_link(LINK.code, 1_800_000_200.0)
    assert revoked == dataclasses.replace(LINK, revoked_at=1_800_000_200.0)
    again = await store.revoke_short_link(LINK.code, 1_800_000_300.0)
    assert again is not None and again.revoked_at == 1_800_000_200.0
    loaded = await store.load_short_link(LINK.code)
    assert loaded is not None and loaded.revoked_at == 1_800_000_200.0
    assert await store.load_short_link(OTHER_LINK.code) == OTHER_LINK  # the others still work
    assert await store.revoke_short_link("NoSuchCode000000", 1.0) is None
    assert await store.load_short_link("NoSuchCode000000") is None  # no record appeared


async def test_a_revoked_invite_is_refused_from_then_on(store: SessionStore) -> None:
    assert not await store.invite_revoked("ab" * 32)
    await store.revoke_invite("ab" * 32, 1_900_000_000.0)
    await store.revoke_invite("ab" * 32, 1_900_000_000.0)  # twice is harmless
    assert await store.invite_revoked("ab" * 32)
    assert not await store.invite_revoked("cd" * 32)


async def test_a_revocation_is_seen_through_another_connection(shared_url: str) -> None:
    """What one node stores, another node (its own connection) reads at once."""
    first, second = open_store(shared_url), open_store(shared_url)
    try:
        await first.save_mentor_credential(MAYA)
        assert await second.mentor_credential_by_hash(MAYA.secret_hash) == MAYA
        await first.revoke_mentor_credential("MC_maya", 1_800_000_200.0)
        seen = await second.mentor_credential_by_hash(MAYA.secret_hash)
        assert seen is not None and seen.revoked_at == 1_800_000_200.0
        await first.save_short_link(LINK)
        assert await second.load_short_link(LINK.code) == LINK
        await first.revoke_short_link(LINK.code, 1_800_000_200.0)
        link = await second.load_short_link(LINK.code)
        assert link is not None and link.revoked_at == 1_800_000_200.0
    finally:
        await first.close()
        await second.close()


async def test_acknowledged_attendance_survives_a_killed_redis(
    redis_process: RedisProcess,
) -> None:
    store = open_store(redis_process.url)
    for n in range(50):
        await store.append_attendance(SID, f"entry {n}")
    await store.save_mentor_credential(MAYA)
    await store.revoke_mentor_credential("MC_maya", 1_800_000_200.0)
    await store.save_short_link(LINK)
    await store.revoke_short_link(LINK.code, 1_800_000_200.0)
    await store.close()
    redis_process.kill()  # SIGKILL right after the last acknowledged write
    redis_process.start()
    reopened = open_store(redis_process.url)
    assert await reopened.load_attendance(SID) == [f"entry {n}" for n in range(50)]
    revoked = await reopened.mentor_credential_by_hash(MAYA.secret_hash)
    assert revoked is not None and revoked.revoked_at == 1_800_000_200.0
    link = await reopened.load_short_link(LINK.code)
    assert link is not None and link.revoked_at == 1_800_000_200.0
    await reopened.close()


async def test_sqlite_keeps_everything_across_reopening(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/store.db"
    first = open_store(url)
    await first.save_session(SPEC)
    await first.append_admin_action("x")
    await first.save_mentor_credential(MAYA)
    await first.revoke_mentor_credential("MC_maya", 1_800_000_200.0)
    await first.save_short_link(LINK)
    await first.revoke_short_link(LINK.code, 1_800_000_200.0)
    await first.close()
    again = open_store(url)
    assert await again.load_session(SID) == SPEC
    assert await again.list_admin_actions(10) == ["x"]
    kept = await again.mentor_credential_by_hash(MAYA.secret_hash)
    assert kept is not None and kept.revoked_at == 1_800_000_200.0
    link = await again.load_short_link(LINK.code)
    assert link is not None and link.revoked_at == 1_800_000_200.0
    await again.close()
