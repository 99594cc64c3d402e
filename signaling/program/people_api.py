"""REST: the program's people and their personal sign-in links, and ``/signin/{code}``.

An admin adds anyone (one by one, or a CSV upload); a mentor adds their own mentees. A
sign-in link is shown once, in the answer that issued it."""

from __future__ import annotations

import csv
import io
import time
from zoneinfo import available_timezones

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import FileResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, ValidationError

from session_room.program.people import Person, ProgramRole, new_person_id
from signaling.program.gate import Actor, Gate
from signaling.program.signin import CSRF_COOKIE, SESSION_COOKIE, SESSION_DAYS, SignIns
from signaling.protocol import MAX_NAME_CHARS

MAX_CSV_ROWS = 500
ZONES = frozenset(available_timezones())


class AddPerson(BaseModel):
    """Someone to add to the program."""

    name: str = Field(min_length=1, max_length=MAX_NAME_CHARS)
    role: ProgramRole
    email: str = Field(default="", max_length=254)
    time_zone: str = Field(default="UTC", max_length=64)


class PersonOut(BaseModel):
    """A person as the caller may see them."""

    person_id: str
    name: str
    role: ProgramRole
    email: str
    time_zone: str
    has_signin_link: bool


class PersonAdded(BaseModel):
    """A new person and their sign-in link (shown this once)."""

    person: PersonOut
    signin_url: str


def person_out(person: Person, has_link: bool) -> PersonOut:
    """The REST view of a person."""
    return PersonOut(person_id=person.person_id, name=person.name, role=person.role,
                     email=person.email, time_zone=person.time_zone, has_signin_link=has_link)


def base_url(request: Request, public_url: str | None) -> str:
    """The server's public base URL (no trailing slash)."""
    return (public_url or str(request.base_url)).rstrip("/")


def build_people_router(gate: Gate, signins: SignIns, public_url: str | None,
                        web_client: str) -> APIRouter:
    """Returns the people routes and the sign-in page route."""
    router = APIRouter(tags=["people"])
    directory = gate.directory

    def check(actor: Actor, body: AddPerson) -> None:
        if not actor.is_admin and body.role is not ProgramRole.MENTEE:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "a mentor can add mentees only")
        if body.time_zone not in ZONES:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                                f"unknown time zone {body.time_zone!r}")

    async def add(request: Request, actor: Actor, body: AddPerson) -> PersonAdded:
        now = time.time()
        person = Person(new_person_id(), body.name.strip(), body.role, now, body.email.strip(),
                        actor.person_id, body.time_zone)
        await directory.save_person(person)
        code = await signins.issue(person.person_id, now)
        return PersonAdded(person=person_out(person, True),
                           signin_url=f"{base_url(request, public_url)}/signin/{code}")

    @router.post("/api/people", status_code=status.HTTP_201_CREATED)
    async def add_person(body: AddPerson, request: Request,
                         actor: Actor = Depends(gate.mentor_or_admin)) -> PersonAdded:  # noqa: B008
        """Adds a person and returns their personal sign-in link (shown once). Admins add
        anyone; a signed-in mentor adds mentees (who are then theirs)."""
        check(actor, body)
        return await add(request, actor, body)

    @router.post("/api/people/import", status_code=status.HTTP_201_CREATED,
                 openapi_extra={"requestBody": {"content": {"text/csv": {}}}})
    async def import_people(request: Request,
                            actor: Actor = Depends(gate.mentor_or_admin),  # noqa: B008
                            ) -> list[PersonAdded]:
        """Adds everyone of a CSV upload (``text/csv``, a header row with ``name``,
        ``role`` and optionally ``email`` and ``time_zone``). Every row is checked first:
        one bad row adds nobody (422 names the rows)."""
        text = (await request.body()).decode("utf-8-sig", errors="replace")
        rows = list(csv.DictReader(io.StringIO(text)))
        if not rows or len(rows) > MAX_CSV_ROWS:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                                f"the CSV needs a header row and 1..{MAX_CSV_ROWS} people")
        bodies: list[AddPerson] = []
        problems: list[str] = []
        for n, row in enumerate(rows, start=2):
            try:
                body = AddPerson.model_validate({
                    "name": (row.get("name") or "").strip(),
                    "role": (row.get("role") or "mentee").strip().lower(),
                    "email": (row.get("email") or "").strip(),
                    "time_zone": (row.get("time_zone") or "UTC").strip()})
                check(actor, body)
                bodies.append(body)
            except ValidationError as exc:
                problems.append(f"line {n}: " + ", ".join(
                    f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))
            except HTTPException as exc:
                problems.append(f"line {n}: {exc.detail}")
        if problems:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "; ".join(problems[:20]))
        return [await add(request, actor, body) for body in bodies]

    @router.get("/api/people")
    async def list_people(actor: Actor = Depends(gate.actor)) -> list[PersonOut]:  # noqa: B008
        """The people the caller may see: everyone for an admin, a mentor's mentees and
        themselves for a mentor, oneself for a mentee."""
        out = []
        manages = await gate.manages(actor)
        for person in await directory.people():
            if manages(person):
                out.append(person_out(person, await signins.has_link(person.person_id)))
        return out

    @router.get("/api/me/person")
    async def whoami(actor: Actor = Depends(gate.actor)) -> PersonOut:  # noqa: B008
        """The signed-in person (404 for an admin credential, which is nobody's)."""
        if actor.person is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "an admin credential is not a person")
        return person_out(actor.person, True)

    @router.post("/api/people/{person_id}/signin-link", status_code=status.HTTP_201_CREATED)
    async def new_link(person_id: str, request: Request,
                       actor: Actor = Depends(gate.mentor_or_admin)) -> PersonAdded:  # noqa: B008
        """Issues a new sign-in link (the previous one stops working), shown once."""
        person = await gate.person_for(actor, person_id)
        code = await signins.issue(person.person_id, time.time())
        return PersonAdded(person=person_out(person, True),
                           signin_url=f"{base_url(request, public_url)}/signin/{code}")

    @router.delete("/api/people/{person_id}/signin-link",
                   status_code=status.HTTP_204_NO_CONTENT)
    async def revoke_link(person_id: str,
                          actor: Actor = Depends(gate.mentor_or_admin)) -> Response:  # noqa: B008
        """Revokes a person's sign-in link; browsers it signed in are signed out."""
        person = await gate.person_for(actor, person_id)
        await signins.revoke(person.person_id, time.time())
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @router.get("/signin/{code}", include_in_schema=False, response_model=None)
    async def sign_in(code: str, request: Request) -> Response:
        """Opens a personal sign-in link: sets the session cookie and goes home."""
        opened = await signins.open(code, time.time())
        if opened is None:
            return FileResponse(f"{web_client}/invalid_signin.html", status_code=404)
        _, token, csrf = opened
        secure = request.url.scheme == "https"
        answer = RedirectResponse("/me", status_code=status.HTTP_303_SEE_OTHER)
        age = SESSION_DAYS * 86400
        answer.set_cookie(SESSION_COOKIE, token, max_age=age, httponly=True, secure=secure,
                          samesite="lax", path="/")
        answer.set_cookie(CSRF_COOKIE, csrf, max_age=age, httponly=False, secure=secure,
                          samesite="lax", path="/")
        return answer

    @router.post("/api/signout", status_code=status.HTTP_204_NO_CONTENT)
    async def sign_out(request: Request,
                       actor: Actor = Depends(gate.actor)) -> Response:  # noqa: B008
        """Signs this browser out."""
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            await signins.close(token)
        answer = Response(status_code=status.HTTP_204_NO_CONTENT)
        answer.delete_cookie(SESSION_COOKIE, path="/")
        answer.delete_cookie(CSRF_COOKIE, path="/")
        return answer

    return router
