"""The shared agenda: ordered items with timeboxes, a current item, outcomes.

Pure values: every operation returns a new :class:`Agenda` or raises
:class:`DomainError` (the old value is untouched). Item ids are numbered by the
agenda itself (``AI_1``, ``AI_2``, ...) so the domain stays deterministic.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum

from session_room.errors import DomainError, ErrorCode

MAX_ITEMS = 50
MAX_TITLE_CHARS = 200
MAX_DETAILS_CHARS = 2000
MAX_OUTCOME_CHARS = 2000
MAX_PLANNED_MINUTES = 240
MAX_GOAL_ID_CHARS = 64


class ItemStatus(StrEnum):
    """Where an agenda item is in the session."""

    PENDING = "pending"
    CURRENT = "current"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One agenda item.

    Attributes:
        item_id: Stable id within the session.
        title: Short title (1..200 characters).
        details: Optional longer text.
        planned_minutes: The timebox, or ``None``.
        status: Pending, current or done.
        started_at: When it became current (epoch seconds), or ``None``.
        finished_at: When it was done, or ``None``.
        outcome: What came out of it (written when marking it done).
        version: Bumped on every change; an edit must name the version it saw.
        next_step: Marked as a next step: something to do before the next session.
        goal_id: The goal of the pair this item works on, or ``None``.
        carried_from: The session this item was carried over from (a suggestion from
            the pair's previous session), or ``None``.
    """

    item_id: str
    title: str
    details: str = ""
    planned_minutes: int | None = None
    status: ItemStatus = ItemStatus.PENDING
    started_at: float | None = None
    finished_at: float | None = None
    outcome: str = ""
    version: int = 1
    next_step: bool = False
    goal_id: str | None = None
    carried_from: str | None = None


def _text(value: str, limit: int, what: str, *, required: bool = False) -> str:
    text = value.strip()
    if required and not text:
        raise DomainError(ErrorCode.INVALID_VALUE, f"the {what} cannot be empty")
    if len(text) > limit:
        raise DomainError(
            ErrorCode.TEXT_TOO_LONG, f"the {what} is at most {limit} characters ({len(text)} given)"
        )
    return text


def _minutes(value: int | None) -> int | None:
    if value is not None and not 1 <= value <= MAX_PLANNED_MINUTES:
        raise DomainError(
            ErrorCode.INVALID_VALUE, f"planned minutes must be 1 to {MAX_PLANNED_MINUTES}"
        )
    return value


def _goal(value: str) -> str:
    goal_id = value.strip()
    if not goal_id or len(goal_id) > MAX_GOAL_ID_CHARS:
        raise DomainError(
            ErrorCode.INVALID_VALUE, f"a goal id is 1 to {MAX_GOAL_ID_CHARS} characters"
        )
    return goal_id


@dataclass(frozen=True, slots=True)
class Agenda:
    """The agenda of one session.

    Attributes:
        items: The items in order.
        mentee_can_edit: In a one-on-one, whether the mentee may add and edit items.
        next_number: The number of the next item id.
    """

    items: tuple[AgendaItem, ...] = ()
    mentee_can_edit: bool = True
    next_number: int = 1

    @property
    def current(self) -> AgendaItem | None:
        """The item in progress, if any."""
        return next((i for i in self.items if i.status is ItemStatus.CURRENT), None)

    def get(self, item_id: str) -> AgendaItem:
        """Returns an item.

        Raises:
            DomainError: ``unknown_item`` if there is no such item.
        """
        for item in self.items:
            if item.item_id == item_id:
                return item
        raise DomainError(ErrorCode.UNKNOWN_ITEM, f"there is no agenda item {item_id!r}")

    def _index(self, item_id: str) -> int:
        return self.items.index(self.get(item_id))

    def _replace(self, item: AgendaItem) -> Agenda:
        items = tuple(item if i.item_id == item.item_id else i for i in self.items)
        return dataclasses.replace(self, items=items)

    def add(
        self,
        title: str,
        details: str = "",
        planned_minutes: int | None = None,
        *,
        goal_id: str | None = None,
        carried_from: str | None = None,
    ) -> Agenda:
        """Appends a pending item (``carried_from``: suggested by that earlier session).

        Raises:
            DomainError: ``limit_reached`` when the agenda is full; validation errors.
        """
        if len(self.items) >= MAX_ITEMS:
            raise DomainError(ErrorCode.LIMIT_REACHED, f"an agenda has at most {MAX_ITEMS} items")
        item = AgendaItem(
            item_id=f"AI_{self.next_number}",
            title=_text(title, MAX_TITLE_CHARS, "title", required=True),
            details=_text(details, MAX_DETAILS_CHARS, "details"),
            planned_minutes=_minutes(planned_minutes),
            goal_id=None if goal_id is None else _goal(goal_id),
            carried_from=carried_from,
        )
        return dataclasses.replace(
            self, items=(*self.items, item), next_number=self.next_number + 1
        )

    def edit(
        self,
        item_id: str,
        expected_version: int,
        *,
        title: str | None = None,
        details: str | None = None,
        planned_minutes: int | None = None,
        clear_minutes: bool = False,
        outcome: str | None = None,
        next_step: bool | None = None,
        goal_id: str | None = None,
        clear_goal: bool = False,
    ) -> Agenda:
        """Changes the given fields of an item (``None``: unchanged; ``clear_goal``
        unlinks the item from its goal).

        Raises:
            DomainError: ``stale_version`` if the item changed since the caller saw
                ``expected_version``; ``unknown_item``; validation errors.
        """
        item = self.get(item_id)
        if item.version != expected_version:
            raise DomainError(
                ErrorCode.STALE_VERSION,
                f"this item was changed by someone else (version {item.version}); "
                "reload it and try again",
            )
        changed = dataclasses.replace(
            item,
            title=item.title
            if title is None
            else _text(title, MAX_TITLE_CHARS, "title", required=True),
            details=item.details
            if details is None
            else _text(details, MAX_DETAILS_CHARS, "details"),
            planned_minutes=None
            if clear_minutes
            else (item.planned_minutes if planned_minutes is None else _minutes(planned_minutes)),
            outcome=item.outcome
            if outcome is None
            else _text(outcome, MAX_OUTCOME_CHARS, "outcome"),
            next_step=item.next_step if next_step is None else next_step,
            goal_id=None
            if clear_goal
            else (item.goal_id if goal_id is None else _goal(goal_id)),
            version=item.version + 1,
        )
        return self._replace(changed)

    def move(self, item_id: str, to_index: int) -> Agenda:
        """Moves an item to ``to_index`` (clamped to the list)."""
        item = self.get(item_id)
        rest = [i for i in self.items if i.item_id != item_id]
        index = max(0, min(to_index, len(rest)))
        rest.insert(index, dataclasses.replace(item, version=item.version + 1))
        return dataclasses.replace(self, items=tuple(rest))

    def remove(self, item_id: str) -> Agenda:
        """Removes an item."""
        self.get(item_id)
        return dataclasses.replace(self, items=tuple(i for i in self.items if i.item_id != item_id))

    def start(self, item_id: str | None, now: float) -> Agenda:
        """Finishes the current item and starts ``item_id`` (``None``: the next pending).

        Raises:
            DomainError: ``invalid_state`` if there is nothing to start or the item is
                already current; ``unknown_item``.
        """
        target = (
            self.get(item_id)
            if item_id is not None
            else next((i for i in self.items if i.status is ItemStatus.PENDING), None)
        )
        if target is None:
            if self.current is None:
                raise DomainError(ErrorCode.INVALID_STATE, "there is no pending agenda item")
            return self.finish(self.current.item_id, None, now)
        if target.status is ItemStatus.CURRENT:
            raise DomainError(ErrorCode.INVALID_STATE, "this item is already in progress")
        agenda = self
        if self.current is not None:
            agenda = agenda.finish(self.current.item_id, None, now)
        started = dataclasses.replace(
            target,
            status=ItemStatus.CURRENT,
            started_at=now,
            finished_at=None,
            version=target.version + 1,
        )
        return agenda._replace(started)

    def finish(self, item_id: str, outcome: str | None, now: float) -> Agenda:
        """Marks an item done, with an optional outcome."""
        item = self.get(item_id)
        done = dataclasses.replace(
            item,
            status=ItemStatus.DONE,
            finished_at=now if item.status is not ItemStatus.DONE else item.finished_at,
            outcome=item.outcome
            if outcome is None
            else _text(outcome, MAX_OUTCOME_CHARS, "outcome"),
            version=item.version + 1,
        )
        return self._replace(done)

    def with_mentee_editing(self, allowed: bool) -> Agenda:
        """Turns the mentee's add/edit permission (one-on-one) on or off."""
        return dataclasses.replace(self, mentee_can_edit=allowed)
