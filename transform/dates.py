"""Dates as the corpus wants them: ISO 8601 to the second, with the offset the source gave."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime


SV_MONTHS = {m: i for i, m in enumerate(
    "januari februari mars april maj juni juli augusti september oktober november december".split(), 1)}
EN_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
TEXT_DATE_DMY = re.compile(r"\b(\d{1,2})\.?\s+([A-Za-zåäöÅÄÖ]+)\.?,?\s+(\d{4})\b")
TEXT_DATE_MDY = re.compile(r"\b([A-Za-zåäöÅÄÖ]+)\.?\s+(\d{1,2}),?\s+(\d{4})\b")
TEXT_TIME = re.compile(r"\b(\d{1,2})[:.](\d{2})\s*(am|pm|fm|em)?\b", re.I)

_ISO = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?$")


def iso(value: str | None) -> str | None:
    """Normalise an ISO-ish timestamp to `YYYY-MM-DDTHH:MM:SS±HH:MM`; None if it is not one."""
    if not value:
        return None
    m = _ISO.match(value.strip())
    if not m:
        return None
    day, clock, off = m.groups()
    if len(clock) == 5:
        clock += ":00"
    if off is None:
        return f"{day}T{clock}"
    if off == "Z":
        off = "+00:00"
    elif ":" not in off:
        off = off[:3] + ":" + off[3:]
    return f"{day}T{clock}{off}"


def rfc822(value: str | None) -> str | None:
    """An RSS pubDate as ISO 8601 keeping its offset."""
    if not value:
        return None
    try:
        dt = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.isoformat(timespec="seconds")


def text_date(value: str | None) -> str | None:
    """A date written out in Swedish or English ("20 december, 2013", "juni 5, 2012") as YYYY-MM-DD."""
    if not value:
        return None
    low = value.lower()
    for rx, order in ((TEXT_DATE_DMY, "dmy"), (TEXT_DATE_MDY, "mdy")):
        for m in rx.finditer(low):
            a, b, year = m.groups()
            day, month = (a, b) if order == "dmy" else (b, a)
            mon = SV_MONTHS.get(month) or EN_MONTHS.get(month) or _prefix_month(month)
            if mon and day.isdigit() and 1 <= int(day) <= 31:
                return f"{int(year):04d}-{mon:02d}-{int(day):02d}"
    return None


def _prefix_month(name: str) -> int | None:
    if len(name) < 3:
        return None
    for table in (SV_MONTHS, EN_MONTHS):
        for full, num in table.items():
            if full.startswith(name):
                return num
    return None


def sort_key(value: str | None) -> str:
    """A string that sorts timestamps chronologically whatever their offsets; empty when unknown."""
    if not value:
        return ""
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return value
    if dt.tzinfo is None:
        return dt.strftime("%Y-%m-%dT%H:%M:%S")
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
