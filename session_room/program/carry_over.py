"""From one session to the next: which agenda items of a finished session become
suggestions on the pair's next session, and how they join that agenda.

Pure functions of values: no I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from session_room.agenda import MAX_ITEMS, Agenda, AgendaItem, ItemStatus


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An item suggested for the next session.

    Attributes:
        title: The item's title.
        details: Its details.
        goal_id: The goal it points at, or ``None``.
        next_step: It was marked as a next step (else: it was not finished).
        outcome: What came out of it last time (``""``: nothing written).
    """

    title: str
    details: str = ""
    goal_id: str | None = None
    next_step: bool = False
    outcome: str = ""


def carry_over(agenda: Agenda) -> tuple[Suggestion, ...]:
    """The suggestions a finished session's agenda leaves for the next session.

    The rule: every item marked as a next step (done or not) and every item not done,
    each once (an item that is both counts once; two items with the same title and goal
    count once), in agenda order, with its goal link.

    Args:
        agenda: The agenda of the finished session.

    Returns:
        The suggestions, in order (empty if there is nothing to carry).
    """
    found: list[Suggestion] = []
    seen: set[tuple[str, str | None]] = set()
    for item in agenda.items:
        if not (item.next_step or item.status is not ItemStatus.DONE):
            continue
        key = (item.title.casefold(), item.goal_id)
        if key in seen:
            continue
        seen.add(key)
        found.append(_suggestion(item))
    return tuple(found)


def _suggestion(item: AgendaItem) -> Suggestion:
    return Suggestion(
        title=item.title,
        details=item.details,
        goal_id=item.goal_id,
        next_step=item.next_step,
        outcome=item.outcome,
    )


def carried_already(agenda: Agenda, from_session: str) -> bool:
    """True if ``agenda`` already holds items carried from ``from_session``."""
    return any(item.carried_from == from_session for item in agenda.items)


def carry_into(
    agenda: Agenda, suggestions: tuple[Suggestion, ...], from_session: str
) -> Agenda:
    """Appends the suggestions to the next session's agenda, marked as carried from
    ``from_session``.

    Idempotent: an agenda that already holds items carried from ``from_session`` is
    returned unchanged. A suggestion whose title is already on the agenda (typed again
    by someone) is skipped; when the agenda is full (``MAX_ITEMS``) the rest is dropped.

    Args:
        agenda: The next session's agenda (as stored).
        suggestions: From :func:`carry_over`.
        from_session: The id of the finished session.

    Returns:
        The new agenda (the same value if nothing was added).
    """
    if carried_already(agenda, from_session):
        return agenda
    present = {item.title.casefold() for item in agenda.items}
    for suggestion in suggestions:
        if len(agenda.items) >= MAX_ITEMS:
            break
        if suggestion.title.casefold() in present:
            continue
        present.add(suggestion.title.casefold())
        agenda = agenda.add(
            suggestion.title,
            suggestion.details,
            goal_id=suggestion.goal_id,
            carried_from=from_session,
        )
    return agenda


def next_steps(agenda: Agenda) -> tuple[str, ...]:
    """The titles of the items marked as next steps, in order."""
    return tuple(item.title for item in agenda.items if item.next_step)
