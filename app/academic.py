"""Academic years and year groups. Pure logic, no Flask.

An academic year runs from 1 September to 31 August and is named by the calendar year it
starts in (2025 = 2025/26). A student is stored with the academic year in which they
entered Year 7, so their year group moves up each September by itself.
"""

from datetime import date

FIRST_YEAR_GROUP = 7
LAST_YEAR_GROUP = 13


def academic_year(on: date) -> int:
    """Return the academic year (its starting calendar year) that contains `on`."""
    return on.year if on.month >= 9 else on.year - 1


def year_group(entry_year: int, on: date) -> int:
    """Return the year group on `on` of a student who entered Year 7 in `entry_year`."""
    return academic_year(on) - entry_year + FIRST_YEAR_GROUP


def entry_year_for(year_group_now: int, on: date) -> int:
    """Return the Year 7 entry year of a student who is in `year_group_now` on `on`."""
    return academic_year(on) - (year_group_now - FIRST_YEAR_GROUP)


def end_of_year(entry_year: int, year_group_then: int) -> date:
    """Return the last day (31 August) of the academic year in which a student who entered
    Year 7 in `entry_year` is in `year_group_then`."""
    return date(entry_year + year_group_then - FIRST_YEAR_GROUP + 1, 8, 31)


def on_roll(left_on: date | None, on: date) -> bool:
    """The on-roll rule: still at the school on `on` unless they left on or before it (a
    leaving date still to come keeps a student on roll). `Student.on_roll` is this rule for
    a student row and, in SQL, for a query; outcomes use it on plain values."""
    return left_on is None or left_on > on


def label(year: int) -> str:
    """Return the usual label of an academic year: 2025 -> '2025/26'."""
    return f"{year}/{(year + 1) % 100:02d}"
