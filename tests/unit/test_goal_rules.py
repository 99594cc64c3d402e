"""The pure rules of goals at the edge: who may change a goal, whose a new goal is, what
a target date must be, when a change is a webhook, and how refusals map to HTTP."""

from __future__ import annotations

import pytest

from session_room.errors import DomainError, ErrorCode
from session_room.program.goals import GoalStatus, create_goal, update_goal
from session_room.program.pairs import Pair, PairKind
from signaling.program.goals_api import check_date, http_error, mentee_for
from signaling.worker.goals_wire import may_change_goal, status_change

PAIR = Pair("PR_1", PairKind.PAIR, "Maya & Ana", "ID_maya", ("ID_ana",), 0.0)
CIRCLE = Pair("PR_2", PairKind.CIRCLE, "Maya's circle", "ID_maya", ("ID_ana", "ID_leo"), 0.0)
GOAL, _ = create_goal("GO_1", "PR_2", "ID_ana", "Give a talk", "At a meetup", "2027-01-31",
                      10.0, "ID_maya")


def test_the_mentor_and_the_goals_own_mentee_may_change_it_and_nobody_else() -> None:
    assert may_change_goal("ID_maya", False, CIRCLE, GOAL)
    assert may_change_goal("ID_ana", False, CIRCLE, GOAL)
    assert not may_change_goal("ID_leo", False, CIRCLE, GOAL)
    assert not may_change_goal("ID_stranger", False, CIRCLE, GOAL)
    assert not may_change_goal("", False, CIRCLE, GOAL)
    assert may_change_goal("", True, CIRCLE, GOAL)


def test_a_pairs_goal_is_its_one_mentees_unless_named() -> None:
    assert mentee_for(PAIR, "ID_maya", None) == "ID_ana"
    assert mentee_for(PAIR, "ID_maya", "ID_ana") == "ID_ana"
    with pytest.raises(DomainError) as refused:
        mentee_for(PAIR, "ID_maya", "ID_leo")
    assert refused.value.code is ErrorCode.INVALID_VALUE


def test_a_circles_goal_names_one_of_its_mentees_or_is_the_asking_mentees_own() -> None:
    assert mentee_for(CIRCLE, "ID_maya", "ID_leo") == "ID_leo"
    assert mentee_for(CIRCLE, "ID_leo", None) == "ID_leo"
    with pytest.raises(DomainError, match="mentee_id"):
        mentee_for(CIRCLE, "ID_maya", None)
    with pytest.raises(DomainError, match="not a mentee"):
        mentee_for(CIRCLE, "ID_maya", "ID_maya")


@pytest.mark.parametrize("text", ["2027-02-30", "2027-2-3", "20270203", "next week", ""])
def test_a_target_date_must_be_a_real_calendar_date(text: str) -> None:
    with pytest.raises(DomainError):
        check_date(text)


def test_a_real_target_date_passes() -> None:
    check_date("2028-02-29")


def test_only_a_change_of_status_is_a_webhook_event() -> None:
    progressed, change = update_goal(GOAL, 20.0, "ID_ana", progress=40)
    assert status_change(progressed, change, "Ana") is None
    achieved, change = update_goal(progressed, 30.0, "ID_ana", status=GoalStatus.ACHIEVED,
                                   session_id="SE_1")
    data = status_change(achieved, change, "Ana")
    assert data is not None
    assert (data["previous_status"], data["status"], data["progress"]) == (
        "not_started", "achieved", 100)
    assert data["by"] == "ID_ana" and data["session_id"] == "SE_1"
    assert data["at"] == "1970-01-01T00:00:30+00:00"


def test_a_stale_version_is_a_conflict_and_other_refusals_are_unprocessable() -> None:
    assert http_error(DomainError(ErrorCode.STALE_VERSION, "x")).status_code == 409
    refused = http_error(DomainError(ErrorCode.INVALID_VALUE, "progress is a percentage"))
    assert refused.status_code == 422 and refused.detail == "progress is a percentage"
