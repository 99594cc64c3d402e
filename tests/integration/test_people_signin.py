"""People and personal sign-in links, on SQLite and Redis: added by an admin (one by one
or by CSV) or by a mentor (mentees only); a link signs a browser in with a cookie;
state-changing requests need the CSRF token; revoking a link signs its browsers out."""

from __future__ import annotations

from tests.integration.conftest import ProgramClient


def test_an_admin_adds_a_mentor_whose_link_signs_them_in_with_safe_cookies(
        program: ProgramClient) -> None:
    maya, link = program.add_person("Maya Ortiz", "mentor", email="maya@example.org")
    r = program.client.get(link.split("127.0.0.1")[-1], follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/me"
    cookies = r.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("mr_session="))
    assert "HttpOnly" in session and "SameSite=lax" in session and "Secure" not in session
    csrf = next(c for c in cookies if c.startswith("mr_csrf="))
    assert "HttpOnly" not in csrf
    me = program.client.get("/api/me/person").json()
    assert me["person_id"] == maya and me["role"] == "mentor" and me["name"] == "Maya Ortiz"


def test_a_mentor_adds_mentees_only_and_sees_only_their_own(program: ProgramClient) -> None:
    _, maya_link = program.add_person("Maya", "mentor")
    program.add_person("Someone else's mentee", "mentee")
    program.sign_in(maya_link)
    r = program.client.post("/api/people", json={"name": "Ana", "role": "mentee"},
                            headers=program.me)
    assert r.status_code == 201 and r.json()["signin_url"].startswith("http://127.0.0.1/signin/")
    refused = program.client.post("/api/people", json={"name": "Leo", "role": "mentor"},
                                  headers=program.me)
    assert refused.status_code == 403
    names = {p["name"] for p in program.client.get("/api/people").json()}
    assert names == {"Maya", "Ana"}


def test_a_state_changing_request_without_the_csrf_token_is_refused(
        program: ProgramClient) -> None:
    _, link = program.add_person("Maya", "mentor")
    program.sign_in(link)
    assert program.client.post("/api/people", json={"name": "Ana", "role": "mentee"}
                               ).status_code == 403
    assert program.client.post("/api/people", json={"name": "Ana", "role": "mentee"},
                               headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert program.client.get("/api/people").status_code == 200


def test_a_csv_upload_adds_everyone_or_nobody(program: ProgramClient) -> None:
    bad = "name,role,email\nAna,mentee,ana@example.org\n,mentee,\nLeo,wizard,\n"
    r = program.client.post("/api/people/import", content=bad, headers={
        **program.admin, "Content-Type": "text/csv"})
    assert r.status_code == 422 and "line 3" in r.text and "line 4" in r.text
    assert program.client.get("/api/people", headers=program.admin).json() == []
    good = "name,role,email,time_zone\nAna,mentee,ana@example.org,Europe/Madrid\nLeo,mentor,,\n"
    r = program.client.post("/api/people/import", content=good, headers={
        **program.admin, "Content-Type": "text/csv"})
    assert r.status_code == 201, r.text
    added = r.json()
    assert [a["person"]["name"] for a in added] == ["Ana", "Leo"]
    assert added[0]["person"]["time_zone"] == "Europe/Madrid"
    assert len({a["signin_url"] for a in added}) == 2


def test_a_new_link_replaces_the_old_and_revoking_signs_the_browser_out(
        program: ProgramClient) -> None:
    ana, first = program.add_person("Ana", "mentee")
    program.sign_in(first)
    assert program.client.get("/api/me/person").status_code == 200
    r = program.client.post(f"/api/people/{ana}/signin-link", headers=program.admin)
    second = r.json()["signin_url"]
    assert program.client.get("/api/me/person").status_code == 401  # the old link's browser
    program.client.cookies.clear()
    assert program.client.get(first.split("127.0.0.1")[-1]).status_code == 404
    program.sign_in(second)
    assert program.client.delete(f"/api/people/{ana}/signin-link",
                                 headers=program.admin).status_code == 204
    assert program.client.get("/api/me/person").status_code == 401


def test_a_bearer_token_that_is_not_an_admin_credential_is_refused(
        program: ProgramClient) -> None:
    r = program.client.get("/api/people", headers={"Authorization": "Bearer nope-nope-nope"})
    assert r.status_code == 403
    assert program.client.get("/api/people").status_code == 401


def test_a_signed_in_mentor_creates_a_session_as_themselves_and_a_mentee_cannot(
        program: ProgramClient) -> None:
    maya, maya_link = program.add_person("Maya", "mentor")
    _, ana_link = program.add_person("Ana", "mentee")
    program.sign_in(maya_link)
    body = {"kind": "one_on_one", "title": "Check-in"}
    assert program.client.post("/api/sessions", json=body).status_code == 403  # no CSRF
    r = program.client.post("/api/sessions", json=body, headers=program.me)
    assert r.status_code == 201, r.text
    invite = r.json()["mentor_invite"]
    assert invite["identity"] == maya and invite["display_name"] == "Maya"
    program.sign_in(ana_link)
    assert program.client.post("/api/sessions", json=body, headers=program.me).status_code == 401
