"""The admin's program metrics over REST (JSON and CSV), on SQLite and Redis."""

from __future__ import annotations

import csv
import io

from tests.integration.conftest import ProgramClient
from tests.integration.test_home_api import seed


def test_an_admin_gets_the_program_metrics_as_of_now(program: ProgramClient) -> None:
    s = seed(program)
    r = program.client.get("/api/admin/program-metrics", headers=program.admin)
    assert r.status_code == 200, r.text
    metrics = r.json()
    rows = {row["pair_id"]: row for row in metrics["pairs"]}
    home = rows[s.pair_id]
    assert home["title"] == "Maya & Ana"
    assert home["minutes"] == 50.0  # the held session, as lived (the longest presence)
    assert home["sessions_held"] == 1 and home["sessions_planned"] == 3
    assert home["series_over"] is False and home["completed"] is None  # two still to come
    assert home["average_feedback"] == 4.0
    assert home["goals_due"] == 1 and home["goals_achieved"] == 0  # target date passed
    assert metrics["goal_achievement"] == 0.0
    assert metrics["no_shows_total"] == 1
    [absent] = metrics["no_shows_by_person"]
    assert absent == {"person_id": s.mentee, "name": "Ana", "no_shows": 1}
    assert metrics["retention"][-1]["pairs_started"] == 2
    assert metrics["retention"][0]["share"] == 1.0
    assert metrics["as_of"].endswith("Z")


def test_people_other_than_admins_are_refused_the_metrics(program: ProgramClient) -> None:
    s = seed(program)
    program.client.cookies.clear()
    assert program.client.get("/api/admin/program-metrics").status_code == 401
    program.sign_in(s.mentor_link)
    assert program.client.get("/api/admin/program-metrics").status_code == 403
    assert program.client.get("/api/admin/program-metrics.csv").status_code == 403


def test_the_metrics_csv_has_a_row_per_pair_and_the_program(program: ProgramClient) -> None:
    s = seed(program)
    r = program.client.get("/api/admin/program-metrics.csv", headers=program.admin)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert 'filename="program-metrics.csv"' in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert list(rows[0]) == ["scope", "pair_id", "title", "mentor", "mentees", "goals_due",
                             "goals_achieved", "goal_achievement", "minutes",
                             "average_feedback", "sessions_planned", "sessions_held",
                             "completed", "no_shows"]
    assert [row["scope"] for row in rows] == ["pair", "pair", "program"]
    mine = next(row for row in rows if row["pair_id"] == s.pair_id)
    assert (mine["mentor"], mine["mentees"], mine["minutes"]) == ("Maya", "Ana", "50.0")
    assert rows[-1]["no_shows"] == "1" and rows[-1]["minutes"] == "50.0"
