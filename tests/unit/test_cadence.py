"""A pair's cadence as session starts: the first weekday on or after the start date, every
N weeks, at the same local time across daylight-saving changes; bad fields are refused."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from session_room.errors import DomainError, ErrorCode
from session_room.program.cadence import session_starts, validate
from session_room.program.pairs import Cadence, Weekday

MADRID = ZoneInfo("Europe/Madrid")


def cadence(**changes: object) -> Cadence:
    base = Cadence(every_weeks=2, weekday=Weekday.TUESDAY, time="17:00", minutes=60, count=6,
                   time_zone="Europe/Madrid", starts_on="2026-12-08")
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def local(ts: float, zone: ZoneInfo = MADRID) -> datetime:
    return datetime.fromtimestamp(ts, zone)


def test_a_biweekly_cadence_gives_six_tuesdays_two_weeks_apart_at_five_pm() -> None:
    starts = session_starts(cadence())
    assert [local(s).date().isoformat() for s in starts] == [
        "2026-12-08", "2026-12-22", "2027-01-05", "2027-01-19", "2027-02-02", "2027-02-16"]
    assert {(local(s).hour, local(s).minute) for s in starts} == {(17, 0)}
    assert starts[0] == datetime(2026, 12, 8, 16, 0, tzinfo=UTC).timestamp()


def test_the_first_session_is_the_first_weekday_on_or_after_the_start_date() -> None:
    starts = session_starts(cadence(weekday=Weekday.MONDAY, starts_on="2026-12-08", count=1))
    assert local(starts[0]).date().isoformat() == "2026-12-14"
    same_day = session_starts(cadence(weekday=Weekday.TUESDAY, count=1))
    assert local(same_day[0]).date().isoformat() == "2026-12-08"


def test_five_pm_stays_five_pm_local_across_the_october_change() -> None:
    starts = session_starts(cadence(every_weeks=1, starts_on="2026-10-19", weekday="monday",
                                    count=2))
    utc = [datetime.fromtimestamp(s, UTC) for s in starts]
    assert [u.hour for u in utc] == [15, 16]  # CEST (UTC+2), then CET (UTC+1)
    assert [local(s).hour for s in starts] == [17, 17]
    assert starts[1] - starts[0] == 7 * 86400 + 3600


def test_five_pm_stays_five_pm_local_across_the_march_change() -> None:
    starts = session_starts(cadence(every_weeks=1, starts_on="2027-03-22", weekday="monday",
                                    count=2))
    assert [datetime.fromtimestamp(s, UTC).hour for s in starts] == [16, 15]
    assert starts[1] - starts[0] == 7 * 86400 - 3600


def test_another_zone_keeps_its_own_local_time() -> None:
    starts = session_starts(cadence(time_zone="America/New_York", time="09:30", count=1))
    assert datetime.fromtimestamp(starts[0], ZoneInfo("America/New_York")).strftime(
        "%Y-%m-%d %H:%M") == "2026-12-08 09:30"


@pytest.mark.parametrize(("changes", "words"), [
    ({"every_weeks": 0}, "every_weeks"),
    ({"every_weeks": 9}, "every_weeks"),
    ({"minutes": 10}, "minutes"),
    ({"minutes": 241}, "minutes"),
    ({"count": 0}, "sessions"),
    ({"count": 53}, "sessions"),
    ({"time": "5pm"}, "HH:MM"),
    ({"time": "24:00"}, "HH:MM"),
    ({"time_zone": "Mars/Olympus"}, "time zone"),
    ({"time_zone": "../etc/passwd"}, "time zone"),
    ({"starts_on": "08/12/2026"}, "YYYY-MM-DD"),
    ({"starts_on": "2026-02-30"}, "not a date"),
    ({"weekday": "funday"}, "weekday"),
])
def test_a_bad_field_is_refused_with_a_message_naming_it(changes: dict[str, object],
                                                         words: str) -> None:
    with pytest.raises(DomainError) as caught:
        validate(cadence(**changes))
    assert caught.value.code is ErrorCode.INVALID_VALUE
    assert words in caught.value.message
