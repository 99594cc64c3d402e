"""A pair's thread between sessions, on SQLite and Redis: its members (cookie + CSRF)
and admins read and post; anyone else sees no such pair; bad text gets a clear 422."""

from __future__ import annotations

import time
from typing import Any

from session_room.program.pairs import Pair, PairKind
from tests.integration.conftest import ProgramClient


def make_pair(program: ProgramClient) -> tuple[str, str, str, str]:
    """Returns (mentor link, mentee link, outsider link, pair id)."""
    mentor, mentor_link = program.add_person("Maya", "mentor")
    mentee, mentee_link = program.add_person("Ana", "mentee")
    _, outsider_link = program.add_person("Leo", "mentee")
    ctx: Any = program.client.app.state.mentor_rooms["program"].ctx
    pair = Pair("PR_thread", PairKind.PAIR, "Maya & Ana", mentor, (mentee,), time.time())

    async def save() -> None:
        await ctx.directory.save_pair(pair)

    program.client.portal.call(save)
    return mentor_link, mentee_link, outsider_link, pair.pair_id


def test_a_mentee_writes_between_sessions_and_the_mentor_reads_it(
        program: ProgramClient) -> None:
    mentor_link, mentee_link, _, pair = make_pair(program)
    program.sign_in(mentee_link)
    r = program.client.post(f"/api/pairs/{pair}/thread", json={"text": "  I sent the CV  "},
                            headers=program.me)
    assert r.status_code == 201, r.text
    posted = r.json()
    assert posted["text"] == "I sent the CV" and posted["author_name"] == "Ana"
    assert posted["session_id"] == "" and posted["message_id"].startswith("TM_")
    assert posted["at"].endswith("Z")
    program.sign_in(mentor_link)
    program.client.post(f"/api/pairs/{pair}/thread", json={"text": "Thanks!"},
                        headers=program.me)
    thread = program.client.get(f"/api/pairs/{pair}/thread").json()
    assert [(m["author_name"], m["text"]) for m in thread] == [("Ana", "I sent the CV"),
                                                                ("Maya", "Thanks!")]
    assert thread[0] == posted


def test_someone_outside_the_pair_neither_reads_nor_posts(program: ProgramClient) -> None:
    _, _, outsider_link, pair = make_pair(program)
    program.sign_in(outsider_link)
    assert program.client.get(f"/api/pairs/{pair}/thread").status_code == 404
    assert program.client.post(f"/api/pairs/{pair}/thread", json={"text": "hi"},
                               headers=program.me).status_code == 404
    program.client.cookies.clear()
    assert program.client.get(f"/api/pairs/{pair}/thread").status_code == 401
    assert program.client.get(f"/api/pairs/{pair}/thread", headers=program.admin).json() == []


def test_an_admin_posts_and_a_post_without_csrf_is_refused(program: ProgramClient) -> None:
    _, mentee_link, _, pair = make_pair(program)
    r = program.client.post(f"/api/pairs/{pair}/thread", json={"text": "Program news"},
                            headers=program.admin)
    assert r.status_code == 201 and r.json()["author_id"] == ""
    program.sign_in(mentee_link)
    assert program.client.post(f"/api/pairs/{pair}/thread", json={"text": "x"}
                               ).status_code == 403
    texts = [m["text"] for m in program.client.get(f"/api/pairs/{pair}/thread").json()]
    assert texts == ["Program news"]


def test_an_empty_or_too_long_message_gets_a_clear_answer(program: ProgramClient) -> None:
    _, mentee_link, _, pair = make_pair(program)
    program.sign_in(mentee_link)
    for text in ["", "   ", "x" * 2001]:
        r = program.client.post(f"/api/pairs/{pair}/thread", json={"text": text},
                                headers=program.me)
        assert r.status_code == 422, text
    assert program.client.post(f"/api/pairs/{pair}/thread", json={"text": "x" * 2000},
                               headers=program.me).status_code == 201
    assert program.client.get("/api/pairs/PR_missing/thread").status_code == 404
