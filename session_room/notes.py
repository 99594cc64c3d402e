"""Shared notes: one collaborative text (a Yjs document, merged by pycrdt/Yrs).

Clients send Yjs updates; merging is the CRDT's job, so concurrent typing loses
no keystroke. pycrdt is a pure library (no I/O), allowed in the domain.
"""

from __future__ import annotations

from pycrdt import Doc, Text

from session_room.errors import DomainError, ErrorCode

TEXT_NAME = "notes"
"""The name of the shared text in the document (``doc.getText('notes')`` in Yjs)."""
MAX_UPDATE_BYTES = 64_000
MAX_NOTES_CHARS = 100_000


class SharedNotes:
    """The notes document of one session.

    Args:
        updates: Stored updates to start from (any order; CRDT updates commute).

    Raises:
        DomainError: ``invalid_update`` if a stored update cannot be decoded.
    """

    def __init__(self, updates: list[bytes] | None = None) -> None:
        self._doc: Doc[Text] = Doc()
        self._text = self._doc.get(TEXT_NAME, type=Text)
        self._state = self._doc.get_update()
        """The whole document after the last update that merged cleanly."""
        for update in updates or []:
            self.apply(update, check_size=False)

    def apply(self, update: bytes, *, check_size: bool = True) -> None:
        """Merges a client's update.

        Raises:
            DomainError: ``text_too_long`` if the notes could exceed their limit,
                ``invalid_update`` if the bytes are not a Yjs update. The document is
                unchanged in both cases.
        """
        if check_size and len(update) > MAX_UPDATE_BYTES:
            raise DomainError(
                ErrorCode.TEXT_TOO_LONG, f"an update is at most {MAX_UPDATE_BYTES} bytes"
            )
        if check_size and len(self._text) + len(update) > MAX_NOTES_CHARS + 1000:
            raise DomainError(
                ErrorCode.TEXT_TOO_LONG, f"the notes are limited to {MAX_NOTES_CHARS} characters"
            )
        try:
            self._doc.apply_update(update)
            state = self._doc.get_update()  # some crafted updates merge, then break this
            fresh = self._load(state)  # and some leave a state that cannot be loaded again
        except ValueError as error:
            self._doc, self._text = self._load(self._state)
            raise DomainError(
                ErrorCode.INVALID_UPDATE, "this is not a valid notes update"
            ) from error
        except BaseException as error:  # Yrs panics on some crafted updates
            if type(error).__name__ != "PanicException":
                raise
            self._doc, self._text = self._load(self._state)
            raise DomainError(
                ErrorCode.INVALID_UPDATE, "this is not a valid notes update"
            ) from None
        self._doc, self._text = fresh
        self._state = state

    @staticmethod
    def _load(state: bytes) -> tuple[Doc[Text], Text]:
        """A new document from a whole state. Every accepted state has been loaded this
        way once, so restoring the last one after a refused update cannot fail (a Yrs
        panic may leave the document it happened in unusable)."""
        doc: Doc[Text] = Doc()
        text = doc.get(TEXT_NAME, type=Text)
        doc.apply_update(state)
        return doc, text

    def state(self) -> bytes:
        """The whole document as one update (what a joiner receives)."""
        return self._state

    def text(self) -> str:
        """The current text."""
        return str(self._text)
