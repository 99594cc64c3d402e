"""iCalendar (RFC 5545) downloads of a session and a series, built with ``icalendar``.

One ``VEVENT`` per occurrence: its stable ``UID`` and its ``SEQUENCE`` (bumped by every
reschedule or cancellation) let calendar apps update the event they already have; start
and end are in the cadence's time zone (``TZID`` with a ``VTIMEZONE``); the description
and ``URL`` carry the absolute join link ``{base}/join/{session_id}``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import Response
from icalendar import Calendar, Event

from session_room.errors import DomainError
from session_room.program.cadence import zone_of
from session_room.program.pairs import Occurrence, OccurrenceStatus, Pair
from signaling.program.context import ProgramContext
from signaling.program.gate import Actor

PRODID = "-//Mentor Rooms//Mentoring sessions//EN"
MEDIA_TYPE = "text/calendar; charset=utf-8"
YEAR = timedelta(days=366)


def event_of(pair: Pair, occurrence: Occurrence, zone: ZoneInfo, base: str,
             stamp: datetime) -> Event:
    """The ``VEVENT`` of one occurrence (``base``: the server's public URL)."""
    link = f"{base}/join/{occurrence.session_id}"
    start = datetime.fromtimestamp(occurrence.start, zone)
    cancelled = occurrence.status is OccurrenceStatus.CANCELLED
    event = Event()
    event.add("uid", occurrence.uid or f"{occurrence.session_id}@mentor-rooms")
    event.add("sequence", occurrence.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=occurrence.minutes))
    event.add("summary", pair.title)
    event.add("description", (
        "This session was cancelled.\n" if cancelled else "") + (
        f"Mentoring session: {pair.title}.\nJoin: {link}\n"
        "(open your personal sign-in link on this browser first)"))
    event.add("url", link)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def calendar_of(pair: Pair, occurrences: list[Occurrence], zone: ZoneInfo, base: str,
                now: float, name: str | None = None) -> bytes:
    """The ``.ics`` bytes of ``occurrences`` of ``pair`` (``name``: the calendar's name)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
    stamp = datetime.fromtimestamp(now, UTC)
    for occurrence in occurrences:
        calendar.add_component(event_of(pair, occurrence, zone, base, stamp))
    if occurrences:  # the zone's rules a year around the series: a short, exact VTIMEZONE
        starts = [o.start for o in occurrences]
        calendar.add_missing_timezones(
            first_date=(datetime.fromtimestamp(min(starts), UTC) - YEAR).date(),
            last_date=(datetime.fromtimestamp(max(starts), UTC) + YEAR).date())
    ical: bytes = calendar.to_ical()
    return ical


def build_calendar_router(ctx: ProgramContext) -> APIRouter:
    """Returns the calendar download routes (pair members via their cookie, or an admin)."""
    router = APIRouter(tags=["calendar"])
    directory, gate = ctx.directory, ctx.gate

    async def zone_for(pair: Pair) -> ZoneInfo:
        """The cadence's zone, else the mentor's, else UTC."""
        name = pair.cadence.time_zone if pair.cadence is not None else None
        if name is None:
            mentor = await directory.person(pair.mentor_id)
            name = mentor.time_zone if mentor is not None else "UTC"
        try:
            return zone_of(name)
        except DomainError:
            return ZoneInfo("UTC")

    def answer(body: bytes, filename: str) -> Response:
        return Response(body, media_type=MEDIA_TYPE, headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store"})

    def base_of(request: Request) -> str:
        return (ctx.settings.public_url or str(request.base_url)).rstrip("/")

    @router.get("/api/sessions/{session_id}/calendar.ics",
                response_class=Response, responses={200: {"content": {"text/calendar": {}}}})
    async def session_calendar(session_id: str, request: Request,
                               actor: Actor = Depends(gate.actor)  # noqa: B008
                               ) -> Response:
        """One session of a pair as an iCalendar file (404 unless the caller is a member
        of its pair or an admin)."""
        occurrence = await directory.occurrence(session_id)
        if occurrence is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such session of a pair")
        pair = await gate.pair_for(actor, occurrence.pair_id)
        body = calendar_of(pair, [occurrence], await zone_for(pair), base_of(request),
                           datetime.now(UTC).timestamp())
        return answer(body, f"mentoring-{session_id}.ics")

    @router.get("/api/pairs/{pair_id}/calendar.ics",
                response_class=Response, responses={200: {"content": {"text/calendar": {}}}})
    async def pair_calendar(pair_id: str, request: Request,
                            actor: Actor = Depends(gate.actor)  # noqa: B008
                            ) -> Response:
        """Every session of a pair (cancelled ones as ``STATUS:CANCELLED``) as one
        iCalendar file (404 unless the caller is a member or an admin)."""
        pair = await gate.pair_for(actor, pair_id)
        body = calendar_of(pair, await directory.occurrences(pair.pair_id),
                           await zone_for(pair), base_of(request),
                           datetime.now(UTC).timestamp(), name=pair.title)
        return answer(body, f"mentoring-{pair_id}.ics")

    return router
