"""The carry-over rule: which items of a finished session are suggested for the pair's
next session, and how they join its agenda (once)."""

from __future__ import annotations

from session_room.agenda import MAX_ITEMS, Agenda, ItemStatus
from session_room.program.carry_over import (
    Suggestion,
    carried_already,
    carry_into,
    carry_over,
    next_steps,
)

NOW = 1_800_000_000.0


def finished_session() -> Agenda:
    """Four items: done, done + next step, current, pending linked to a goal."""
    agenda = (Agenda().add("Check in").add("Mock interview").add("Portfolio review")
              .add("Read the article", "chapter 2", goal_id="GO_read"))
    agenda = agenda.start("AI_1", NOW).finish("AI_1", "fine", NOW + 60)
    agenda = agenda.start("AI_2", NOW + 60).finish("AI_2", "went well", NOW + 600)
    agenda = agenda.edit("AI_2", agenda.get("AI_2").version, next_step=True, goal_id="GO_job")
    return agenda.start("AI_3", NOW + 700)


def test_next_steps_and_unfinished_items_are_suggested_in_order() -> None:
    suggestions = carry_over(finished_session())
    assert [s.title for s in suggestions] == ["Mock interview", "Portfolio review",
                                              "Read the article"]
    assert suggestions[0] == Suggestion("Mock interview", "", "GO_job", True, "went well")
    assert suggestions[2].goal_id == "GO_read" and suggestions[2].details == "chapter 2"


def test_a_finished_item_that_is_not_a_next_step_stays_behind() -> None:
    agenda = Agenda().add("Done").start("AI_1", NOW).finish("AI_1", None, NOW)
    assert carry_over(agenda) == ()
    assert carry_over(Agenda()) == ()


def test_an_item_repeated_on_the_agenda_is_suggested_once() -> None:
    agenda = Agenda().add("Practice").add("practice").add("Practice", goal_id="GO_x")
    assert [(s.title, s.goal_id) for s in carry_over(agenda)] == [("Practice", None),
                                                                  ("Practice", "GO_x")]


def test_suggestions_join_the_next_agenda_as_pending_items_from_last_session() -> None:
    upcoming = Agenda().add("Already planned")
    after = carry_into(upcoming, carry_over(finished_session()), "SE_first")
    assert [i.title for i in after.items] == ["Already planned", "Mock interview",
                                              "Portfolio review", "Read the article"]
    carried = after.items[1:]
    assert all(i.carried_from == "SE_first" and i.status is ItemStatus.PENDING
               and not i.next_step for i in carried)
    assert [i.goal_id for i in carried] == ["GO_job", None, "GO_read"]
    assert [i.item_id for i in carried] == ["AI_2", "AI_3", "AI_4"]
    assert after.items[0].carried_from is None
    assert carried_already(after, "SE_first") and not carried_already(after, "SE_other")


def test_carrying_the_same_session_twice_adds_nothing() -> None:
    suggestions = carry_over(finished_session())
    once = carry_into(Agenda(), suggestions, "SE_first")
    assert carry_into(once, suggestions, "SE_first") is once


def test_a_suggestion_already_typed_on_the_next_agenda_is_not_added_again() -> None:
    upcoming = Agenda().add("mock interview")
    after = carry_into(upcoming, carry_over(finished_session()), "SE_first")
    assert [i.title for i in after.items] == ["mock interview", "Portfolio review",
                                              "Read the article"]


def test_a_full_agenda_takes_no_more_suggestions() -> None:
    upcoming = Agenda()
    for n in range(MAX_ITEMS - 1):
        upcoming = upcoming.add(f"item {n}")
    after = carry_into(upcoming, carry_over(finished_session()), "SE_first")
    assert len(after.items) == MAX_ITEMS and after.items[-1].title == "Mock interview"


def test_the_next_steps_are_the_marked_titles() -> None:
    assert next_steps(finished_session()) == ("Mock interview",)
