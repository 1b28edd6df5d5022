"""Dates as the 2013 servers wrote them: Europe/Stockholm for WordPress, GMT and US/Eastern for Tumblr.

The DST rules are computed here (EU rule since 1996, US rule since 2007) rather than read from
the system's tz database, so the replica's bytes do not depend on the machine.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

SV_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
             "september", "oktober", "november", "december")
SV_MONTHS_SHORT = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
SV_WEEKDAYS_SHORT = ("M", "T", "O", "T", "F", "L", "S")
EN_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _last_sunday(year: int, month: int) -> datetime:
    day = datetime(year, month + 1, 1) - timedelta(days=1) if month < 12 else datetime(year, 12, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def _nth_sunday(year: int, month: int, n: int) -> datetime:
    first = datetime(year, month, 1)
    first_sunday = first + timedelta(days=(6 - first.weekday()) % 7)
    return first_sunday + timedelta(weeks=n - 1)


def stockholm_offset(utc: datetime) -> timedelta:
    """UTC offset in Stockholm at a UTC instant: +02:00 from the last Sunday of March 01:00 UTC
    to the last Sunday of October 01:00 UTC, else +01:00."""
    naive = utc.replace(tzinfo=None)
    start = _last_sunday(naive.year, 3).replace(hour=1)
    end = _last_sunday(naive.year, 10).replace(hour=1)
    return timedelta(hours=2) if start <= naive < end else timedelta(hours=1)


def eastern_offset(utc: datetime) -> timedelta:
    """UTC offset of US/Eastern (Tumblr's default blog time zone in 2013)."""
    naive = utc.replace(tzinfo=None)
    start = _nth_sunday(naive.year, 3, 2).replace(hour=7)
    end = _nth_sunday(naive.year, 11, 1).replace(hour=6)
    return timedelta(hours=-4) if start <= naive < end else timedelta(hours=-5)


def to_stockholm(utc: datetime) -> datetime:
    return utc.astimezone(timezone(stockholm_offset(utc)))


def to_eastern(utc: datetime) -> datetime:
    return utc.astimezone(timezone(eastern_offset(utc)))


def iso(dt: datetime) -> str:
    """ISO 8601 to the second with offset, as WordPress's `c` date format."""
    return dt.replace(microsecond=0).isoformat()


def sv_date(dt: datetime) -> str:
    """'29 maj, 2012': the Swedish date format of the site's entry-meta."""
    return f"{dt.day} {SV_MONTHS[dt.month - 1]}, {dt.year}"


def sv_time(dt: datetime) -> str:
    return f"{dt.hour:02d}:{dt.minute:02d}"


def rfc2822(moment: datetime) -> str:
    """RSS pubDate in the moment's own offset: 'Tue, 29 May 2012 08:15:00 +0000' for UTC."""
    return (f"{EN_DAYS[moment.weekday()]}, {moment.day:02d} {EN_MONTHS[moment.month - 1]} {moment.year} "
            f"{moment:%H:%M:%S} {moment:%z}")


def http_date(utc: datetime) -> str:
    u = utc.astimezone(timezone.utc)
    return f"{EN_DAYS[u.weekday()]}, {u.day:02d} {EN_MONTHS[u.month - 1]} {u.year} {u:%H:%M:%S} GMT"
