"""Who is calling a program route: a signed-in person (cookie, CSRF-checked on every
state-changing request), or an admin credential (``Authorization: Bearer``), and what they
may see and manage."""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import HTTPException, Request, status

from session_room.program.pairs import Pair
from session_room.program.people import Person, ProgramRole, may_manage
from signaling.program.directory import Directory
from signaling.program.signin import CSRF_HEADER, SESSION_COOKIE, SignIns, digest
from signaling.rest.auth import RestAuth

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Actor:
    """The caller of a program route.

    Attributes:
        person: The signed-in person, or ``None`` for an admin credential.
        admin_name: The administrator's name for an admin credential, else ``None``.
    """

    person: Person | None
    admin_name: str | None = None

    @property
    def is_admin(self) -> bool:
        """An admin credential, or a person whose program role is admin."""
        return self.admin_name is not None or (
            self.person is not None and self.person.role is ProgramRole.ADMIN)

    @property
    def person_id(self) -> str:
        """The caller's person id (``""`` for an admin credential)."""
        return "" if self.person is None else self.person.person_id

    @property
    def name(self) -> str:
        """How the caller is named in logs and messages."""
        return self.person.name if self.person is not None else (self.admin_name or "")


class Gate:
    """Resolves callers for the program routes (FastAPI dependencies).

    Args:
        directory: The program's people and pairs.
        signins: Browser sessions.
        auth: Admin credentials (a Bearer header).
    """

    def __init__(self, directory: Directory, signins: SignIns, auth: RestAuth) -> None:
        self.directory = directory
        self.signins = signins
        self.auth = auth

    async def optional_actor(self, request: Request) -> Actor | None:
        """The caller, or ``None`` if nobody is signed in.

        Raises:
            HTTPException: 403 for a state-changing request whose CSRF token is missing
                or wrong (cookie sign-in only), or for a Bearer token that is not an admin
                credential.
        """
        header = request.headers.get("authorization", "")
        if header:
            name = self.auth.admin_name(RestAuth.token(header))
            if name is None:
                raise HTTPException(status.HTTP_403_FORBIDDEN,
                                    "only an admin credential works here; people sign in "
                                    "with their personal link")
            return Actor(None, name)
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            return None
        session = await self.signins.resolve(token, time.time())
        if session is None:
            return None
        if request.method not in SAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER, "")
            if not sent or not hmac.compare_digest(digest(sent), session.csrf_hash):
                raise HTTPException(status.HTTP_403_FORBIDDEN,
                                    "missing or wrong CSRF token: reload the page")
        person = await self.directory.person(session.person_id)
        return None if person is None else Actor(person)

    async def actor(self, request: Request) -> Actor:
        """The caller.

        Raises:
            HTTPException: 401 if nobody is signed in; 403 as :meth:`optional_actor`.
        """
        found = await self.optional_actor(request)
        if found is None:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED,
                                "sign in with your personal link first",
                                headers={"WWW-Authenticate": "Bearer"})
        return found

    async def admin(self, request: Request) -> Actor:
        """An administrator (credential or person).

        Raises:
            HTTPException: 401/403.
        """
        found = await self.actor(request)
        if not found.is_admin:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "only an admin may do this")
        return found

    async def mentor_or_admin(self, request: Request) -> Actor:
        """A mentor or an administrator.

        Raises:
            HTTPException: 401/403.
        """
        found = await self.actor(request)
        if not found.is_admin and (found.person is None
                                   or found.person.role is not ProgramRole.MENTOR):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "only a mentor or an admin may do this")
        return found

    async def mentees_of(self, actor: Actor) -> frozenset[str]:
        """The person ids a mentor manages: mentees they added or are paired with."""
        if actor.person is None or actor.person.role is not ProgramRole.MENTOR:
            return frozenset()
        me = actor.person_id
        added = {p.person_id for p in await self.directory.people() if p.added_by == me}
        paired = {m for pair in await self.directory.pairs(me) if pair.mentor_id == me
                  for m in pair.mentee_ids}
        return frozenset(added | paired)

    async def manages(self, actor: Actor) -> Callable[[Person], bool]:
        """Whether the caller may see and manage a person, as a check: people and pairs
        are read once, so checking every person of a list costs one scan, not one each."""
        mine = await self.mentees_of(actor)
        return lambda target: may_manage(actor.person, actor.admin_name is not None, target,
                                         mine)

    async def may_manage(self, actor: Actor, target: Person) -> bool:
        """Whether the caller may see and manage ``target``."""
        return (await self.manages(actor))(target)

    async def person_for(self, actor: Actor, person_id: str) -> Person:
        """A person the caller may manage.

        Raises:
            HTTPException: 404 if there is none the caller may see.
        """
        target = await self.directory.person(person_id)
        if target is None or not await self.may_manage(actor, target):
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such person")
        return target

    async def pair_for(self, actor: Actor, pair_id: str) -> Pair:
        """A pair the caller belongs to (or administers).

        Raises:
            HTTPException: 404 if there is none the caller may see.
        """
        pair = await self.directory.pair(pair_id)
        if pair is None or not (actor.is_admin or actor.person_id in pair.members()):
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such pair")
        return pair
