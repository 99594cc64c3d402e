"""A pair's cadence turned into session start instants (pure: no clock, no I/O).

``17:00`` in ``Europe/Madrid`` stays ``17:00`` local across a daylight-saving change: each
start is computed from the local date and time in the zone, then converted to epoch
seconds (UTC)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from session_room.errors import DomainError, ErrorCode
from session_room.program.pairs import Cadence, Weekday

MIN_EVERY_WEEKS, MAX_EVERY_WEEKS = 1, 8
MIN_MINUTES, MAX_MINUTES = 15, 240
MIN_COUNT, MAX_COUNT = 1, 52
TIME_PATTERN = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
WEEKDAYS: tuple[Weekday, ...] = tuple(Weekday)


def _invalid(message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_VALUE, message)


def zone_of(name: str) -> ZoneInfo:
    """The IANA zone called ``name``.

    Raises:
        DomainError: ``INVALID_VALUE`` if no such zone is known.
    """
    if not name or len(name) > 64:
        raise _invalid(f"unknown time zone {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise _invalid(f"unknown time zone {name!r} (use an IANA name such as "
                       "Europe/Madrid)") from exc


def check_minutes(minutes: int) -> int:
    """``minutes`` if it is a session length the program allows (15..240).

    Raises:
        DomainError: ``INVALID_VALUE`` otherwise.
    """
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise _invalid(f"a session lasts {MIN_MINUTES} to {MAX_MINUTES} minutes, "
                       f"not {minutes}")
    return minutes


def local_time(text: str) -> time:
    """A ``"HH:MM"`` (24 h) local time.

    Raises:
        DomainError: ``INVALID_VALUE`` for anything else.
    """
    found = TIME_PATTERN.fullmatch(text)
    if found is None:
        raise _invalid(f"the time must be HH:MM (24 h), not {text!r}")
    return time(int(found.group(1)), int(found.group(2)))


def first_date(text: str) -> date:
    """A ``"YYYY-MM-DD"`` calendar date.

    Raises:
        DomainError: ``INVALID_VALUE`` for anything else (or an impossible date).
    """
    if DATE_PATTERN.fullmatch(text) is None:
        raise _invalid(f"starts_on must be YYYY-MM-DD, not {text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise _invalid(f"starts_on {text!r} is not a date") from exc


def validate(cadence: Cadence) -> Cadence:
    """``cadence`` if every field is in range.

    Raises:
        DomainError: ``INVALID_VALUE`` with a human message naming the first bad field:
            every_weeks 1..8, minutes 15..240, count 1..52, time ``HH:MM``, a known IANA
            zone, starts_on ``YYYY-MM-DD``.
    """
    if not MIN_EVERY_WEEKS <= cadence.every_weeks <= MAX_EVERY_WEEKS:
        raise _invalid(f"every_weeks is {MIN_EVERY_WEEKS} to {MAX_EVERY_WEEKS}, "
                       f"not {cadence.every_weeks}")
    check_minutes(cadence.minutes)
    if not MIN_COUNT <= cadence.count <= MAX_COUNT:
        raise _invalid(f"a cadence plans {MIN_COUNT} to {MAX_COUNT} sessions, "
                       f"not {cadence.count}")
    if cadence.weekday not in WEEKDAYS:
        raise _invalid(f"unknown weekday {cadence.weekday!r}")
    local_time(cadence.time)
    zone_of(cadence.time_zone)
    first_date(cadence.starts_on)
    return cadence


def session_starts(cadence: Cadence) -> list[float]:
    """The start instants (epoch seconds) of the cadence's ``count`` sessions.

    The first is on the first ``weekday`` on or after ``starts_on``; the others follow
    every ``every_weeks`` weeks, each at the local ``time`` in ``time_zone`` (a local time
    that does not exist on a spring-forward day is read with the offset before the change,
    as :mod:`zoneinfo` does).

    Raises:
        DomainError: ``INVALID_VALUE`` as :func:`validate`.
    """
    validate(cadence)
    zone = zone_of(cadence.time_zone)
    at = local_time(cadence.time)
    start = first_date(cadence.starts_on)
    day = start + timedelta(days=(WEEKDAYS.index(cadence.weekday) - start.weekday()) % 7)
    return [datetime.combine(day + timedelta(weeks=n * cadence.every_weeks), at,
                             tzinfo=zone).timestamp()
            for n in range(cadence.count)]
