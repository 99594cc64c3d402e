"""Load tester and benchmarks. Bots speak ``signaling.protocol`` and never import
server internals (``session_room``, ``media``, the rest of ``signaling``)."""

__all__: list[str] = []
