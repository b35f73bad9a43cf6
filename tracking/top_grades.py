"""Outcome 4 beyond the per-entrant rates of `tracking.outcomes.a_level_top_grades`: per student
of a group (the baseline target students) and AS levels apart. Pure logic, no Flask."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from app.academic import end_of_year
from tracking.final_grades import entered_result
from tracking.grades import Qualification, at_least
from tracking.outcomes import Rate, StudentOutcomeData, a_level_top_grades


def as_top_grades(students: Sequence[StudentOutcomeData]) -> tuple[Rate, Rate]:
    """Outcome 4 for AS levels, reported separately: the shares of AS Maths, and of AS
    Further Maths, entrants who got an A (the top AS grade). Returns (maths, further maths);
    denominator and unknown as in `a_level_top_grades`."""
    return a_level_top_grades(students, (Qualification.AS_MATHS, Qualification.AS_FURTHER_MATHS))


def a_level_top_grades_per_student(
    students: Sequence[StudentOutcomeData], as_of: date | None = None
) -> tuple[Rate, Rate]:
    """Outcome 4 per student of the set as given (the caller passes the group, e.g. the
    baseline target students): the shares who got A or A* in A-level Maths, and in A-level
    Further Maths. Returns (maths, further maths).

    Denominator: every student of the set, entrant or not. Numerator: those with A or A* in
    that A-level. Assumed no: students in the denominator with no final in it (or NE),
    counted as "no" only because none is recorded. With `as_of`, a student with no final
    whose Year 13 has not ended by that day (results not out yet) is unknown instead, not in
    the denominator.
    """

    def rate(qualification: str) -> Rate:
        numerator = assumed_no = unknown = 0
        for student in students:
            grade = entered_result(student.grades, qualification)
            if grade is not None:
                numerator += at_least(qualification, grade, "A")
            elif as_of is not None and end_of_year(student.entry_year, 13) > as_of:
                unknown += 1
            else:
                assumed_no += 1
        return Rate(numerator, len(students) - unknown, unknown, assumed_no)

    return rate(Qualification.A_LEVEL_MATHS), rate(Qualification.A_LEVEL_FURTHER_MATHS)
