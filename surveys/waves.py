"""Survey waves: an academic year and a term, never free text. Pure logic, no Flask.

A wave is the academic year (named by the calendar year it starts in: 2025 = 2025/26) and
one of its three terms, so "Autumn 25", "Autumn 2025" and "autumn term 2025/26" are all the
same wave and can never split one. A session's wave is chosen from a list (`wave_choices`),
defaulting to the term of the day it is opened (`wave_of`).

Terms are worked out from a date with fixed dates, the tracker's convention wherever a term
has to be derived: autumn 1 September to 31 December, spring 1 January to 31 March, summer
1 April to 31 August (real terms move with Easter and each school's calendar).

`parse_wave` reads the free-text labels sessions had before waves were structured (and the
`--wave` option of `flask surveys open`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import total_ordering

from app.academic import academic_year, label

TERMS = ("autumn", "spring", "summer")
_TERM_WORDS = {
    "autumn": "autumn",
    "aut": "autumn",
    "michaelmas": "autumn",
    "spring": "spring",
    "spr": "spring",
    "lent": "spring",
    "summer": "summer",
    "sum": "summer",
    "trinity": "summer",
}
_TERM = re.compile(r"\b(" + "|".join(_TERM_WORDS) + r")\b")
_ACADEMIC_YEAR = re.compile(r"\b(\d{4}|\d{2})\s*[/-]\s*(\d{4}|\d{2})\b")
_YEAR = re.compile(r"\b(\d{4}|\d{2})\b")
FIRST_YEAR, LAST_YEAR = 2000, 2099


@total_ordering
@dataclass(frozen=True)
class Wave:
    """One survey wave: `year` is the academic year (2025 = 2025/26), `term` one of TERMS.

    Waves order by time: autumn, spring, summer of one academic year, then the next year's.
    """

    year: int
    term: str

    def __post_init__(self) -> None:
        if self.term not in TERMS:
            raise ValueError(f"'{self.term}' is not a term (one of {', '.join(TERMS)})")
        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise ValueError(f"{self.year} is not an academic year this tracker knows")

    @property
    def order(self) -> tuple[int, int]:
        """(academic year, term number from 0): sorts waves in time order."""
        return (self.year, TERMS.index(self.term))

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Wave):
            return NotImplemented
        return self.order < other.order

    @property
    def label(self) -> str:
        """What people read: 'Autumn 2025/26'."""
        return f"{self.term.title()} {label(self.year)}"

    @property
    def key(self) -> str:
        """A stable text form for forms and JSON: '2025-autumn' (see `Wave.from_key`)."""
        return f"{self.year}-{self.term}"

    @classmethod
    def from_key(cls, key: str) -> Wave:
        """Read `Wave.key` back; raise ValueError for anything else."""
        year, _, term = (key or "").partition("-")
        if not year.isdigit():
            raise ValueError(f"'{key}' is not a wave")
        return cls(int(year), term)

    def __str__(self) -> str:
        return self.label


def term_of(on: date) -> str:
    """Return the term a date falls in: "autumn" (1 September to 31 December), "spring"
    (1 January to 31 March) or "summer" (1 April to 31 August)."""
    if on.month >= 9:
        return "autumn"
    if on.month <= 3:
        return "spring"
    return "summer"


def wave_of(on: date) -> Wave:
    """Return the wave of a date: 10 October 2025 is in Autumn 2025/26, 1 February 2026 in
    Spring 2025/26."""
    return Wave(academic_year(on), term_of(on))


def wave_choices(today: date) -> list[Wave]:
    """The waves a teacher can choose when opening a session, newest first: every term of
    the current and the previous academic year, and the next autumn term when today is in
    summer (a session opened in late August for September)."""
    this_year = academic_year(today)
    waves = [Wave(year, term) for year in (this_year - 1, this_year) for term in TERMS]
    if term_of(today) == "summer":
        waves.append(Wave(this_year + 1, "autumn"))
    return sorted(waves, reverse=True)


def parse_wave(text: str | None, on: date | None = None) -> Wave | None:
    """Read a wave label, or return None when it names no term or no clear year.

    A term ("Autumn", "Aut", "Spring", "Summer" ...) and a year are needed. An academic year
    ("2025/26", "2025-26", "25/26") is taken as written. A single year is a calendar year:
    "Autumn 2025" and "Autumn 25" are in 2025/26, "Spring 2026" and "Summer 26" too. A label
    with a term and no year ("Autumn") takes the academic year of `on` (the session's date)
    when it is given. Two terms, two years or a year out of range make it unreadable.
    """
    words = (text or "").lower().replace("_", " ")
    terms = {_TERM_WORDS[found] for found in _TERM.findall(words)}
    if len(terms) != 1:
        return None
    term = terms.pop()
    academic = _ACADEMIC_YEAR.findall(words)
    if len(academic) > 1:
        return None
    if academic:
        start, end = (_full_year(part) for part in academic[0])
        if end != start + 1:
            return None
        return _wave_or_none(start, term)
    years = _YEAR.findall(words)
    if len(years) > 1:
        return None
    if years:
        year = _full_year(years[0])
        return _wave_or_none(year if term == "autumn" else year - 1, term)
    return Wave(academic_year(on), term) if on is not None else None


def wave_from_label(text: str | None, opened_on: date) -> Wave:
    """The wave of a session stored with a free-text label: the label's wave where it can
    be read (`parse_wave`, a year-less term taking the session's academic year), otherwise
    the wave of the session's date."""
    return parse_wave(text, on=opened_on) or wave_of(opened_on)


def _full_year(digits: str) -> int:
    return int(digits) + 2000 if len(digits) == 2 else int(digits)


def _wave_or_none(year: int, term: str) -> Wave | None:
    return Wave(year, term) if FIRST_YEAR <= year <= LAST_YEAR else None
