"""Benchmark, not collected by the suite (``python tests/unit/bench_notes_merge.py
[CHECKOUT ...]``): the cost of :meth:`session_room.notes.SharedNotes.apply` per
one-character Yjs update, 800 updates, best and median of 5 rounds, for each checkout
given (default: this one), so a build and the previous one are measured in one run.
"""

from __future__ import annotations

import importlib
import statistics
import sys
import time

from pycrdt import Doc, Text

ROUNDS = 5
UPDATES = 800


def typed_updates() -> list[bytes]:
    """One Yjs update per typed character, as a browser sends them."""
    doc: Doc[Text] = Doc()
    text = doc.get("notes", type=Text)
    out = []
    for _ in range(UPDATES):
        before = doc.get_state()
        text.insert(len(text), "x")
        out.append(doc.get_update(before))
    return out


def measure(checkout: str, updates: list[bytes]) -> list[float]:
    """Microseconds per apply, one figure per round, with ``checkout``'s notes module."""
    sys.path.insert(0, checkout)
    for name in [m for m in sys.modules if m.startswith("session_room")]:
        del sys.modules[name]
    notes = importlib.import_module("session_room.notes")
    sys.path.remove(checkout)
    rounds = []
    for _ in range(ROUNDS):
        shared = notes.SharedNotes()
        started = time.perf_counter()
        for update in updates:
            shared.apply(update)
        rounds.append((time.perf_counter() - started) / len(updates) * 1e6)
    return rounds


def main(checkouts: list[str]) -> None:
    updates = typed_updates()
    for checkout in checkouts or ["."]:
        rounds = measure(checkout, updates)
        print(f"{checkout}: {min(rounds):.1f} us best, {statistics.median(rounds):.1f} us "
              f"median per apply")


if __name__ == "__main__":
    main(sys.argv[1:])
