"""Outcome 3's rules about one student's post-16 records, and the checks of an institution's
URN and UKPRN. Pure logic, no Flask, no database (tracking.outcomes uses them).

A student's current status per route is the newest record of that route (latest date, then
highest id). A route is taken when that status is "enrolled" or "completed"; a student's
position is settled when some route's status is enrolled, completed or withdrawn.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from tracking.current import newest_per
from tracking.vocabulary import Post16Status

TAKEN_STATUSES = frozenset({Post16Status.ENROLLED, Post16Status.COMPLETED})
SETTLED_STATUSES = TAKEN_STATUSES | {Post16Status.WITHDRAWN}

KNOWN, UNKNOWN, ASSUMED_NO = "known", "unknown", "assumed_no"

URN_RULE = "A URN is 6 digits"
UKPRN_RULE = "A UKPRN is 8 digits starting with 1"


def census_day(entry_year: int) -> date:
    """1 October of Year 12 for a Year 7 entry year: after it, a student with no post-16
    record at all is "assumed no" for outcome 3; on it or before, unknown."""
    return date(entry_year + 5, 10, 1)


def position(records: Iterable, entry_year: int, today: date) -> tuple[str, frozenset[str]]:
    """Return (state, routes taken) of one student as at `today`, from their post-16 records
    (with `route`, `status`, `recorded_on`, `id`) dated `today` or before.

    State: KNOWN when a route's current status is enrolled, completed or withdrawn; UNKNOWN
    when the records are only intentions (considering, intends, applied), or when there is
    no record and it is not yet after 1 October of Year 12; ASSUMED_NO when there is no
    record at all after it. The routes taken are those enrolled on or completed.
    """
    records = [record for record in records if record.recorded_on <= today]
    if not records:
        return (ASSUMED_NO if today > census_day(entry_year) else UNKNOWN), frozenset()
    current = newest_per(records, key=lambda record: record.route)
    taken = frozenset(route for route, r in current.items() if r.status in TAKEN_STATUSES)
    settled = any(record.status in SETTLED_STATUSES for record in current.values())
    return (KNOWN if settled else UNKNOWN), taken


def check_urn(text: str | None) -> str | None:
    """Return a school's URN (6 digits) from text, None for blank; raise ValueError
    (URN_RULE) for anything else."""
    text = (text or "").strip()
    if not text:
        return None
    if not re.fullmatch(r"[0-9]{6}", text):
        raise ValueError(f"{URN_RULE}, not '{text[:20]}'")
    return text


def check_ukprn(text: str | None) -> str | None:
    """Return a UK provider reference number (8 digits starting with 1) from text, None for
    blank; raise ValueError (UKPRN_RULE) for anything else."""
    text = (text or "").strip()
    if not text:
        return None
    if not re.fullmatch(r"1[0-9]{7}", text):
        raise ValueError(f"{UKPRN_RULE}, not '{text[:20]}'")
    return text
