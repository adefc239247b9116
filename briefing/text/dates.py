"""Resolving dates as an article states them ("on Wednesday", "May 19-21", "in February") to ISO dates.

The reference is the article's date (metadata, ``--date``, or a dateline with a year). Without a year nothing is
guessed: the ISO date stays empty.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
_MONTHS.update({k[:3]: v for k, v in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                          "sunday"])}
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH_DAY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:\s*[-–]\s*\d{1,2})?(?:,?\s+(\d{4}))?\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})(?:\s+(\d{4}))?\b")
_YEAR = re.compile(r"\b(19\d{2}|20\d{2})\b")


def parse_reference(value: str | None) -> date | None:
    """An ISO date (or datetime) string to a date; anything else to None."""
    if not value:
        return None
    m = _ISO.search(value)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def resolve(stated: str | None, reference: date | None) -> str | None:
    """The ISO date for a date as stated, relative to ``reference``; None when it cannot be derived."""
    if not stated:
        return None
    text = stated.strip().lower()
    iso = parse_reference(text)
    if iso:
        return iso.isoformat()
    if reference is None:
        return None
    if "yesterday" in text:
        return (reference - timedelta(days=1)).isoformat()
    if "today" in text:
        return reference.isoformat()
    if "tomorrow" in text:
        return (reference + timedelta(days=1)).isoformat()
    for name, wd in _WEEKDAYS.items():
        if re.search(rf"\b{name}\b", text):
            back = (reference.weekday() - wd) % 7
            if "next" in text:
                return (reference + timedelta(days=(wd - reference.weekday()) % 7 or 7)).isoformat()
            return (reference - timedelta(days=back)).isoformat()
    for rx, mon_group, day_group in ((_MONTH_DAY, 1, 2), (_DAY_MONTH, 2, 1)):
        m = rx.search(stated)
        if m and m.group(mon_group).lower() in _MONTHS:
            month, day = _MONTHS[m.group(mon_group).lower()], int(m.group(day_group))
            year = int(m.group(3)) if m.group(3) else reference.year
            try:
                return date(year, month, day).isoformat()
            except ValueError:
                return None
    return None


def reference_from_text(dateline_date: str | None, text: str) -> date | None:
    """A reference date from a dateline like 'May 11' plus a year found early in the article, if any."""
    if not dateline_date:
        return None
    years = _YEAR.findall(dateline_date) or _YEAR.findall(text[:2000])
    if not years:
        return None
    iso = resolve(f"{dateline_date} {years[0]}" if not _YEAR.search(dateline_date) else dateline_date,
                  date(int(years[0]), 1, 1))
    return parse_reference(iso)
