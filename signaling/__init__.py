"""The edge: FastAPI REST + WebSocket signaling.

Dependency rule: may import ``session_room`` and ``media``; nothing imports it except
tests and (``signaling.protocol`` only) the load bots.
"""

__all__: list[str] = []
