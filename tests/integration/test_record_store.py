"""The record vocabulary (records, logs, job queues) with the same test bodies on every
backend; the queue's claims are exclusive across connections (several nodes)."""

from __future__ import annotations

import asyncio

from signaling.backends.base import SessionStore, open_store


async def test_a_record_is_replaced_listed_by_key_and_deleted(store: SessionStore) -> None:
    await store.put_record("person", "PE_b", '{"name": "Bea"}')
    await store.put_record("person", "PE_a", '{"name": "Ana"}')
    await store.put_record("person", "PE_a", '{"name": "Ana Lía"}')
    await store.put_record("pair", "PA_1", "{}")
    assert await store.get_record("person", "PE_a") == '{"name": "Ana Lía"}'
    assert await store.list_records("person") == [("PE_a", '{"name": "Ana Lía"}'),
                                                  ("PE_b", '{"name": "Bea"}')]
    await store.delete_record("person", "PE_b")
    await store.delete_record("person", "PE_missing")
    assert await store.get_record("person", "PE_b") is None
    assert await store.list_records("nothing") == []


async def test_an_insert_keeps_the_first_record(store: SessionStore) -> None:
    assert await store.insert_record("signin", "hash", "PE_a")
    assert not await store.insert_record("signin", "hash", "PE_b")
    assert await store.get_record("signin", "hash") == "PE_a"


async def test_a_log_keeps_order_per_key_and_returns_the_tail(store: SessionStore) -> None:
    for n in range(5):
        await store.append_log("thread", "PA_1", f'{{"n": {n}}}')
    await store.append_log("thread", "PA_2", "other")
    assert await store.read_log("thread", "PA_1", 3) == ['{"n": 2}', '{"n": 3}', '{"n": 4}']
    assert await store.read_log("thread", "PA_1", 0) == []
    assert await store.read_log("thread", "PA_3", 10) == []


async def test_due_jobs_are_claimed_earliest_first_for_a_lease(store: SessionStore) -> None:
    await store.put_job("hooks", "j2", 20.0, "second")
    await store.put_job("hooks", "j1", 10.0, "first")
    await store.put_job("hooks", "j3", 99.0, "later")
    assert await store.claim_jobs("hooks", 50.0, 80.0, 10) == [("j1", "first"), ("j2", "second")]
    assert await store.claim_jobs("hooks", 50.0, 80.0, 10) == []  # leased
    assert await store.count_jobs("hooks") == 3
    await store.finish_job("hooks", "j1")
    await store.put_job("hooks", "j2", 60.0, "second, retry 1")  # rescheduled
    assert await store.claim_jobs("hooks", 85.0, 200.0, 1) == [("j2", "second, retry 1")]
    assert await store.claim_jobs("hooks", 100.0, 200.0, 5) == [("j3", "later")]
    assert await store.count_jobs("hooks") == 2
    assert await store.count_jobs("other") == 0


async def test_two_nodes_never_claim_the_same_job(shared_url: str) -> None:
    a, b = open_store(shared_url), open_store(shared_url)
    try:
        for n in range(40):
            await a.put_job("hooks", f"j{n:02}", float(n), str(n))
        claims = await asyncio.gather(*(s.claim_jobs("hooks", 100.0, 500.0, 3)
                                        for _ in range(10) for s in (a, b)))
        ids = [job_id for claim in claims for job_id, _ in claim]
        assert sorted(ids) == sorted(set(ids)) and len(ids) == 40
    finally:
        await a.close()
        await b.close()
