"""Storage backends, chosen by URL (:func:`open_store`)."""

from signaling.backends.base import SessionStore, open_store

__all__ = ["SessionStore", "open_store"]
