"""The people a program knows, and who may manage whom."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum

from session_room.ids import Identity


class ProgramRole(StrEnum):
    """A person's role in the program (not in one session: see ``session_room.roles``)."""

    ADMIN = "admin"
    MENTOR = "mentor"
    MENTEE = "mentee"


@dataclass(frozen=True, slots=True)
class Person:
    """Someone in the program.

    Attributes:
        person_id: Their identity (``ID_...``); session invites for them carry it, so
            attendance and progress join up across sessions.
        name: Display name.
        role: Admin, mentor or mentee.
        created_at: Epoch seconds when added.
        email: Optional; only shown to admins and the person's mentor.
        added_by: The person id who added them (``""``: an admin credential).
        time_zone: IANA zone used to show their times (``"UTC"`` if unknown).
    """

    person_id: Identity
    name: str
    role: ProgramRole
    created_at: float
    email: str = ""
    added_by: str = ""
    time_zone: str = "UTC"


def new_person_id() -> Identity:
    """A fresh person id: an identity, as invites use (``ID_`` prefix)."""
    return Identity("ID_" + secrets.token_urlsafe(9))


def may_manage(actor: Person | None, actor_is_admin: bool, target: Person,
               mentees_of_actor: frozenset[str]) -> bool:
    """Whether ``actor`` may see and manage ``target`` (their sign-in link, goals, pairs).

    Admins manage everyone; a person manages themselves; a mentor manages the mentees
    they added or are paired with (``mentees_of_actor``).
    """
    if actor_is_admin or (actor is not None and actor.role is ProgramRole.ADMIN):
        return True
    if actor is None:
        return False
    if actor.person_id == target.person_id:
        return True
    return actor.role is ProgramRole.MENTOR and target.person_id in mentees_of_actor
