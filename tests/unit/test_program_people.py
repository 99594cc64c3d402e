"""Who may see and manage whom in the program."""

from __future__ import annotations

from session_room.ids import Identity
from session_room.program.people import Person, ProgramRole, may_manage

MAYA = Person(Identity("ID_maya"), "Maya", ProgramRole.MENTOR, 1.0)
LEO = Person(Identity("ID_leo"), "Leo", ProgramRole.MENTOR, 1.0)
ANA = Person(Identity("ID_ana"), "Ana", ProgramRole.MENTEE, 2.0, added_by="ID_maya")
BEA = Person(Identity("ID_bea"), "Bea", ProgramRole.MENTEE, 3.0)
ROOT = Person(Identity("ID_root"), "Root", ProgramRole.ADMIN, 0.0)


def test_an_admin_manages_everyone_with_a_credential_or_as_a_person() -> None:
    assert may_manage(None, True, BEA, frozenset())
    assert may_manage(ROOT, False, MAYA, frozenset())


def test_a_mentor_manages_themselves_and_their_mentees_only() -> None:
    mine = frozenset({"ID_ana"})
    assert may_manage(MAYA, False, MAYA, mine)
    assert may_manage(MAYA, False, ANA, mine)
    assert not may_manage(MAYA, False, BEA, mine)
    assert not may_manage(MAYA, False, LEO, mine)


def test_a_mentee_manages_only_themselves_and_nobody_anonymous_manages_anyone() -> None:
    assert may_manage(ANA, False, ANA, frozenset())
    assert not may_manage(ANA, False, BEA, frozenset({"ID_bea"}))
    assert not may_manage(None, False, ANA, frozenset())
