"""Which final grade an outcome takes. Pure logic, no Flask, no database.

- The KS4 result in GCSE Maths (`ks4_gcse_result`): the first final from an exam series by the
  end of Year 11, never replaced by a later resit (the DfE's "first entry" rule).
- An entry's result (`entered_result`): the current final of a qualification the student was
  entered for, absent (ABS, X) included, not entered (NE) left out.

docs/outcomes.md (sections 2 and 4) says the same in plain English.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from app.academic import end_of_year
from tracking.current import newest
from tracking.grades import NOT_ENTERED, GradeEntry, GradeKind, Qualification, current


def sat_by(record: GradeEntry) -> date:
    """The series a final is from (the first day of its month). A final recorded before
    series were has none: it is taken to be from the latest series whose results were out by
    the date it is for. June results come out in August and November results in January, so
    a date from August to December means that year's June series (a review of marking in the
    autumn included), and a date from January to July the November series before it."""
    if record.series is not None:
        return record.series
    on = record.recorded_on
    return date(on.year, 6, 1) if on.month >= 8 else date(on.year - 1, 11, 1)


def ks4_gcse_result(grades: Iterable[GradeEntry], entry_year: int) -> GradeEntry | None:
    """The KS4 result in GCSE Maths of a student who entered Year 7 in `entry_year`: the first
    final from an exam series by the end of Year 11 (31 August), or None.

    A final with no series recorded is placed as `sat_by` says. Of several records of that
    first series, the newest (a correction, a review of marking) counts; finals of later
    series (resits after Year 11) never replace it. NE, ABS and X are results like any other
    (not 7+)."""
    end = end_of_year(entry_year, 11)
    finals = [
        record
        for record in grades
        if record.kind == GradeKind.FINAL
        and record.qualification == Qualification.GCSE_MATHS
        and sat_by(record) <= end
    ]
    first = min((sat_by(record) for record in finals), default=None)
    return newest(record for record in finals if sat_by(record) == first)


def entered_result(grades: Iterable[GradeEntry], qualification: str) -> str | None:
    """The current (newest) final in `qualification` if the student was entered for it: any
    grade, or ABS or X (absent: entered, so counted as not reaching any grade); None when
    there is no final or it is NE (not entered)."""
    record = current(grades, GradeKind.FINAL, qualification)
    return None if record is None or record.grade == NOT_ENTERED else record.grade
