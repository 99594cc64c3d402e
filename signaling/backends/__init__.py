"""Storage backends, chosen by URL (:func:`open_store`)."""

from signaling.backends.base import MentorCredential, SessionStore, open_store

__all__ = ["MentorCredential", "SessionStore", "open_store"]
