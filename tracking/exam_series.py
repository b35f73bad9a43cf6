"""Exam series: the month and year an exam was sat ("June 2026", "November 2025"). Pure logic.

A series is stored as the first day of its month (a date), so it is structured, sorts by
itself and can be compared with a date: never free text, so "Jun 26" and "June 2026" are one
series. GCSE and A-level exams are sat in the summer (June) series; GCSE Maths resits also in
November. Other months are accepted (past series such as January, the autumn 2020 series in
October) because a school's records say what happened.

`parse_series` reads what people and results files write: "June 2026", "Jun 2026", "jun-26",
"Summer 2026" (the June series), "2026-06", "06/2026", or a date (its month). `series_label`
names it back ("June 2026"); `series_value` is its form value ("2026-06").
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

SERIES_MONTHS = (6, 11)  # the series offered in forms: June (summer) and November
_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name} | {
    name.lower(): n for n, name in enumerate(calendar.month_abbr) if name
}
_MONTHS |= {"sept": 9, "summer": 6}
_EARLIEST = 1990


class SeriesError(ValueError):
    """Raised for text that is not an exam series, with a message fit to show the user."""


def _year(text: str) -> int | None:
    if not text.isdigit():
        return None
    if len(text) == 2:
        return 2000 + int(text)
    return int(text) if len(text) == 4 else None


def _checked(year: int | None, month: int | None, text: str) -> date:
    if year is None or month is None or not 1 <= month <= 12 or year < _EARLIEST:
        raise SeriesError(
            f"'{text}' is not an exam series: write the month and year, such as June 2026"
        )
    return date(year, month, 1)


def parse_series(value: str | date | None) -> date | None:
    """Return the series as the first day of its month, None for an empty value, or raise
    SeriesError saying how to write one. Case, spaces and punctuation between the month and
    the year do not matter; a two-digit year is in this century."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.replace(day=1)
    text = str(value).strip()
    if not text:
        return None
    parts = [part for part in re.split(r"[\s\-/.,_]+", text.lower()) if part]
    if len(parts) != 2:
        return _checked(None, None, text)
    first, second = parts
    if first in _MONTHS:
        return _checked(_year(second), _MONTHS[first], text)
    if first.isdigit() and len(first) == 4 and second.isdigit():  # 2026-06
        return _checked(_year(first), int(second), text)
    if first.isdigit() and len(first) <= 2:  # 06/2026
        return _checked(_year(second), int(first), text)
    return _checked(None, None, text)


def series_label(series: date | None) -> str:
    """The series as people name it, "June 2026"; "" for None."""
    return f"{calendar.month_name[series.month]} {series.year}" if series else ""


def series_value(series: date | None) -> str:
    """The series as a form or query value, "2026-06"; "" for None (`parse_series` reads it)."""
    return f"{series:%Y-%m}" if series else ""


def recent_series(today: date, years: int = 10) -> list[tuple[str, str]]:
    """The June and November series of the last `years` years that have started by `today`,
    newest first, as (value, label) pairs for a select."""
    found = [
        date(year, month, 1)
        for year in range(today.year - years, today.year + 1)
        for month in SERIES_MONTHS
        if date(year, month, 1) <= today
    ]
    return [(series_value(s), series_label(s)) for s in sorted(found, reverse=True)]
