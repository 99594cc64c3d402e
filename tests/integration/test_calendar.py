"""iCalendar downloads of a pair's sessions, on SQLite and Redis: the files parse, carry
the join link, keep each session's UID across a reschedule with a higher SEQUENCE, mark a
cancelled session, and hold 17:00 in the cadence's zone; only members and admins get them."""

from __future__ import annotations

from typing import Any

from icalendar import Calendar

from tests.integration.conftest import ProgramClient

CADENCE = {"every_weeks": 2, "weekday": "tuesday", "time": "17:00", "minutes": 60,
           "count": 3, "time_zone": "Europe/Madrid", "starts_on": "2026-10-13"}


def setup_pair(program: ProgramClient) -> tuple[dict[str, Any], str, str]:
    """A pair with three bi-weekly sessions; returns it, the mentor's and a stranger's
    sign-in links."""
    maya, maya_link = program.add_person("Maya", "mentor")
    ana, _ = program.add_person("Ana", "mentee")
    _, leo_link = program.add_person("Leo", "mentee")
    r = program.client.post("/api/pairs", headers=program.admin, json={
        "kind": "pair", "mentor_id": maya, "mentee_ids": [ana], "cadence": CADENCE})
    assert r.status_code == 201, r.text
    return r.json(), maya_link, leo_link


def parse(response: Any) -> Calendar:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    assert ".ics" in response.headers["content-disposition"]
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> list[Any]:
    return [c for c in calendar.walk("VEVENT")]


def test_a_session_file_parses_and_carries_the_absolute_join_link(
        program: ProgramClient) -> None:
    pair, maya_link, _ = setup_pair(program)
    session = pair["sessions"][0]
    program.sign_in(maya_link)
    calendar = parse(program.client.get(session["ics_url"]))
    assert str(calendar["version"]) == "2.0" and str(calendar["method"]) == "PUBLISH"
    assert "Mentor Rooms" in str(calendar["prodid"])
    [event] = events(calendar)
    link = f"http://127.0.0.1/join/{session['session_id']}"
    assert link in str(event["description"]) and str(event["url"]) == link
    assert str(event["uid"]) == f"{session['session_id']}@mentor-rooms"
    assert str(event["summary"]) == "Maya & Ana" and str(event["status"]) == "CONFIRMED"
    assert int(event["sequence"]) == 0


def test_start_is_five_pm_in_the_cadence_zone_with_its_timezone_definition(
        program: ProgramClient) -> None:
    pair, _, _ = setup_pair(program)
    calendar = parse(program.client.get(f"/api/pairs/{pair['pair_id']}/calendar.ics",
                                        headers=program.admin))
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Madrid"]
    found = events(calendar)
    assert len(found) == 3
    starts = [e.decoded("dtstart") for e in found]
    assert [(s.strftime("%Y-%m-%d %H:%M"), s.tzname()) for s in starts] == [
        ("2026-10-13 17:00", "CEST"), ("2026-10-27 17:00", "CET"),
        ("2026-11-10 17:00", "CET")]
    assert found[0]["dtstart"].params["TZID"] == "Europe/Madrid"
    assert all((e.decoded("dtend") - e.decoded("dtstart")).total_seconds() == 3600
               for e in found)
    assert len({str(e["uid"]) for e in found}) == 3


def test_a_reschedule_keeps_the_uid_with_a_higher_sequence_and_a_cancel_is_marked(
        program: ProgramClient) -> None:
    pair, maya_link, _ = setup_pair(program)
    first, second = pair["sessions"][0], pair["sessions"][1]
    program.sign_in(maya_link)
    before = events(parse(program.client.get(first["ics_url"])))[0]
    base = f"/api/pairs/{pair['pair_id']}/sessions"
    assert program.client.patch(f"{base}/{first['session_id']}", headers=program.me,
                                json={"start": "2026-10-14T18:00:00+02:00"}).status_code == 200
    assert program.client.patch(f"{base}/{second['session_id']}", headers=program.me,
                                json={"status": "cancelled"}).status_code == 200
    series = {str(e["uid"]): e for e in events(parse(
        program.client.get(f"/api/pairs/{pair['pair_id']}/calendar.ics")))}
    moved = series[str(before["uid"])]
    assert int(moved["sequence"]) > int(before["sequence"])
    assert moved.decoded("dtstart").strftime("%Y-%m-%d %H:%M") == "2026-10-14 18:00"
    cancelled = series[f"{second['session_id']}@mentor-rooms"]
    assert str(cancelled["status"]) == "CANCELLED" and int(cancelled["sequence"]) == 1


def test_only_members_and_admins_download_the_files(program: ProgramClient) -> None:
    pair, _, leo_link = setup_pair(program)
    session = pair["sessions"][0]
    program.sign_in(leo_link)
    assert program.client.get(session["ics_url"]).status_code == 404
    assert program.client.get(f"/api/pairs/{pair['pair_id']}/calendar.ics").status_code == 404
    program.client.cookies.clear()
    assert program.client.get(session["ics_url"]).status_code == 401
    assert program.client.get("/api/sessions/SE_unknown/calendar.ics",
                              headers=program.admin).status_code == 404
