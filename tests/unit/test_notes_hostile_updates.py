"""Crafted Yjs updates that make Yrs panic (a BaseException from pyo3) are refused like
any invalid update, and the shared notes keep working with what they had."""

from __future__ import annotations

import base64

import pytest
from pycrdt import Doc, Text

from session_room.errors import DomainError, ErrorCode
from session_room.notes import TEXT_NAME, SharedNotes

GOALS = "AQEHAAQBBW5vdGVzEkdvYWxzIGZvciB0aGUgd2VlawA="
"""A real update: client 7 writes "Goals for the week"."""
PANICS = [
    "AQEF/////w8AAAEFAQAA",
    "AQEH/////w/EBwgHCQUgdGhpcwA=",
    "AQT/////////D/////8PAQEFbm90ZXMChA8BB2FscyBmb3KEDwgJIHBoZSB3ZWVrxA8IDwkF"
    "IHRoaXMB/////////w8BAAI=",
]
"""Minimized by the protocol fuzzer (tests/integration/test_protocol_fuzz.py)."""


def typed(text: str, notes: SharedNotes) -> bytes:
    doc: Doc[Text] = Doc()
    doc.apply_update(notes.state())
    shared = doc.get(TEXT_NAME, type=Text)
    before = doc.get_state()
    shared += text
    return doc.get_update(before)


@pytest.mark.parametrize("crafted", PANICS)
def test_an_update_that_makes_yrs_panic_is_refused_and_the_notes_survive(crafted: str) -> None:
    notes = SharedNotes()
    notes.apply(base64.b64decode(GOALS))
    with pytest.raises(DomainError) as refused:
        notes.apply(base64.b64decode(crafted))
    assert refused.value.code is ErrorCode.INVALID_UPDATE
    assert notes.text() == "Goals for the week"
    notes.apply(typed(": a CV draft", notes))
    assert notes.text() == "Goals for the week: a CV draft"
    assert SharedNotes([notes.state()]).text() == notes.text()
