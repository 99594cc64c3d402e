"""What every part of the program layer is built from (one object, passed to each
router builder)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from signaling.backends.base import SessionStore
from signaling.program.directory import Directory
from signaling.program.gate import Gate
from signaling.program.notify import Notifier
from signaling.program.signin import SignIns
from signaling.rest.auth import RestAuth
from signaling.rest.sessions import Invites
from signaling.settings import Settings
from signaling.worker.registry import SessionRegistry


@dataclass(slots=True)
class ProgramContext:
    """The program layer's shared parts.

    Attributes:
        store: The storage backend.
        directory: People, pairs, occurrences, goals, threads.
        signins: Sign-in links and browser sessions.
        gate: Who is calling (FastAPI dependencies).
        auth: Invite tokens and admin credentials (session routes).
        invites: Issues session invites (pass ``identity`` for a known person).
        settings: The server settings (``public_url``...).
        registry: The live session workers on this node.
        notifier: Where webhook events go (the webhooks service once started).
        web_client: The folder of the browser client's files.
    """

    store: SessionStore
    directory: Directory
    signins: SignIns
    gate: Gate
    auth: RestAuth
    invites: Invites
    settings: Settings
    registry: SessionRegistry
    notifier: Notifier
    web_client: Path
