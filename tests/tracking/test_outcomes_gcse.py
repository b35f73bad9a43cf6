"""Outcomes 2 (GCSE 7-9) and 4 (A or A*) on hand-built cohorts: every edge of the definitions
in docs/outcomes.md sections 2 and 4."""

from datetime import date
from itertools import count

import pytest

from tracking.grades import GradeEntry
from tracking.outcomes import Rate, StudentOutcomeData, a_level_top_grades, gcse_7_to_9
from tracking.top_grades import a_level_top_grades_per_student, as_top_grades

_ids = count(1)

# A cohort that entered Year 7 in 2020: Year 11 ends on 31 August 2025.
ENTRY = 2020
RESULTS_DAY = date(2025, 8, 21)
JUNE = date(2025, 6, 1)  # the June 2025 series
NOVEMBER_Y11 = date(2024, 11, 1)  # November 2024: in Year 11
NOVEMBER_Y12 = date(2025, 11, 1)  # November 2025: a resit in Year 12


def final(grade, series=JUNE, on=RESULTS_DAY, qualification="gcse_maths", tier="higher"):
    tier = tier if qualification == "gcse_maths" and grade not in ("NE", "ABS", "X") else None
    return GradeEntry(qualification, "final", grade, tier, on, next(_ids), 1, series)


def student(*grades, left_on=None, entry_year=ENTRY):
    return StudentOutcomeData(
        student_id=next(_ids),
        school_id=1,
        entry_year=entry_year,
        left_on=left_on,
        grades=tuple(grades),
    )


def test_the_first_final_by_the_end_of_year_11_is_the_result():
    got_7 = student(final("7"))
    got_6 = student(final("6"))
    assert gcse_7_to_9([got_7, got_6]) == Rate(numerator=1, denominator=2, unknown=0)


def test_a_resit_after_year_11_is_recorded_but_never_replaces_the_result():
    # 6 in June of Year 11, 7 in the November resit of Year 12: still not 7+.
    improved = student(final("6"), final("7", NOVEMBER_Y12, date(2026, 1, 15)))
    # 7 in June, a lower grade in a later resit: still 7+.
    worse = student(final("7"), final("5", NOVEMBER_Y12, date(2026, 1, 15)))
    assert improved.ks4_gcse_result().grade == "6"
    assert improved.final_grade("gcse_maths") == "7"  # the resit is kept and shown
    assert worse.ks4_gcse_result().grade == "7"
    assert gcse_7_to_9([improved, worse]) == Rate(1, 2, 0)


def test_a_november_series_in_year_11_counts_when_it_is_the_first():
    # An early entry in November of Year 11 got a 7, then a 6 in June: the 7 is the result.
    early = student(final("7", NOVEMBER_Y11, date(2025, 1, 10)), final("6"))
    # ... and the other way round: 5 in November, 8 in June: the 5 is the result.
    early_low = student(final("5", NOVEMBER_Y11, date(2025, 1, 10)), final("8"))
    assert early.ks4_gcse_result().series == NOVEMBER_Y11
    assert gcse_7_to_9([early, early_low]) == Rate(1, 2, 0)


@pytest.mark.parametrize("code", ["NE", "ABS", "X"])
def test_not_entered_or_absent_is_in_the_denominator_as_not_7_plus(code):
    missed = student(final(code))
    rate = gcse_7_to_9([missed, student(final("9"))])
    assert rate == Rate(numerator=1, denominator=2, unknown=0)
    assert rate.share == 0.5


def test_nothing_recorded_is_unknown_and_shown():
    nothing = student()
    only_mocks = student(GradeEntry("gcse_maths", "mock", "8", "higher", JUNE, next(_ids)))
    rate = gcse_7_to_9([nothing, only_mocks, student(final("8"))])
    assert rate == Rate(numerator=1, denominator=1, unknown=2)
    assert rate.as_dict()["unknown"] == 2


def test_only_a_resit_after_year_11_is_unknown_not_a_result():
    resit_only = student(final("7", NOVEMBER_Y12, date(2026, 1, 15)))
    assert resit_only.ks4_gcse_result() is None
    assert gcse_7_to_9([resit_only]) == Rate(0, 0, 1)


def test_a_student_who_left_before_the_end_of_year_11_is_not_in_the_cohort():
    left_in_year_10 = student(left_on=date(2024, 3, 1))
    left_with_a_grade = student(final("9"), left_on=date(2025, 5, 1))
    left_after_results = student(final("8"), left_on=date(2025, 9, 1))  # on roll on 31 August
    rate = gcse_7_to_9([left_in_year_10, left_with_a_grade, left_after_results])
    assert rate == Rate(numerator=1, denominator=1, unknown=0, left=2)
    # Nobody is silently dropped.
    assert rate.denominator + rate.unknown + rate.left == 3


def test_a_correction_of_the_first_series_counts_and_the_newest_wins():
    # The June grade was re-entered after a review of marking: 6, then 7 for the same series.
    reviewed = student(final("6"), final("7", JUNE, date(2025, 10, 1)))
    assert reviewed.ks4_gcse_result().grade == "7"
    assert gcse_7_to_9([reviewed]) == Rate(1, 1, 0)


def test_a_final_without_a_series_is_from_the_latest_series_with_results_out_by_its_date():
    # Recorded before series were: on results day of Year 11, it is the June result ...
    old_style = student(final("8", series=None))
    # ... a grade recorded in the autumn is a review of marking of June: the newest counts ...
    remarked = student(final("6", series=None), final("7", series=None, on=date(2025, 10, 1)))
    # ... but one recorded from January of Year 12 can only be a November resit.
    resit = student(final("6", series=None), final("9", series=None, on=date(2026, 1, 15)))
    resit_only = student(final("9", series=None, on=date(2026, 1, 15)))
    assert remarked.ks4_gcse_result().grade == "7"
    assert resit.ks4_gcse_result().grade == "6"
    rate = gcse_7_to_9([old_style, remarked, resit, resit_only])
    assert rate == Rate(numerator=2, denominator=3, unknown=1)
    # A date from January to July of Year 11 is the November series of Year 11: it counts.
    november = student(final("7", series=None, on=date(2025, 1, 16)), final("5"))
    assert november.ks4_gcse_result().grade == "7"


def test_other_gcses_and_other_cohorts_do_not_count():
    statistics = student(final("9", qualification="gcse_statistics", tier=None))
    younger = student(final("9"), entry_year=2021)  # Year 11 ends in 2026: June 2025 is Y10
    assert younger.ks4_gcse_result().grade == "9"  # an early entry in Year 10 counts too
    assert gcse_7_to_9([statistics]) == Rate(0, 0, 1)


def test_gcse_over_nobody_has_no_share():
    assert gcse_7_to_9([]) == Rate(0, 0, 0)
    assert gcse_7_to_9([]).share is None


# Outcome 4 ---------------------------------------------------------------------------------

A_LEVEL_DAY = date(2027, 8, 12)
A_LEVEL_SERIES = date(2027, 6, 1)


def a_level(grade, further=False):
    qualification = "a_level_further_maths" if further else "a_level_maths"
    return final(grade, A_LEVEL_SERIES, A_LEVEL_DAY, qualification)


def as_level(grade, further=False):
    qualification = "as_further_maths" if further else "as_maths"
    return final(grade, date(2026, 6, 1), date(2026, 8, 13), qualification)


TOP_COHORT = [
    student(a_level("A*"), a_level("A", further=True)),
    student(a_level("A"), a_level("C", further=True)),
    student(a_level("B")),
    student(a_level("ABS")),  # entered, absent: an entrant without an A
    student(a_level("NE")),  # not entered: not an entrant
    student(as_level("A"), as_level("B", further=True)),  # AS only
    student(),  # nothing recorded
]


def test_a_or_a_star_per_entrant():
    maths, further = a_level_top_grades(TOP_COHORT)
    assert maths == Rate(numerator=2, denominator=4, unknown=3)
    assert further == Rate(numerator=1, denominator=2, unknown=5)


def test_as_levels_are_reported_separately():
    maths, further = as_top_grades(TOP_COHORT)
    assert maths == Rate(numerator=1, denominator=1, unknown=6)
    assert further == Rate(numerator=0, denominator=1, unknown=6)
    # An AS grade is never an A-level entry.
    assert a_level_top_grades([TOP_COHORT[5]])[0] == Rate(0, 0, 1)


def test_per_student_of_the_set_as_given_counts_everyone():
    maths, further = a_level_top_grades_per_student(TOP_COHORT)
    # Every student of the set is in the denominator; those with nothing in the A-level
    # (no final, or NE) are "no" only because nothing is recorded: assumed no.
    assert maths == Rate(numerator=2, denominator=7, unknown=0, assumed_no=3)
    assert further == Rate(numerator=1, denominator=7, unknown=0, assumed_no=5)


def test_per_student_before_results_are_out_is_unknown_not_no():
    still_in_year_13 = student(entry_year=2021)  # Year 13 ends on 31 August 2028
    done = student(a_level("A"))
    maths, _further = a_level_top_grades_per_student(
        [still_in_year_13, done], as_of=date(2027, 9, 1)
    )
    assert maths == Rate(numerator=1, denominator=1, unknown=1, assumed_no=0)
    # Without a date, the set is taken as finished.
    assert a_level_top_grades_per_student([still_in_year_13])[0] == Rate(0, 1, 0, 1)


def test_top_grades_over_nobody_have_no_share():
    empty = Rate(0, 0, 0)
    assert a_level_top_grades([]) == (empty, empty)
    assert as_top_grades([]) == (empty, empty)
    assert a_level_top_grades_per_student([]) == (empty, empty)
    assert a_level_top_grades_per_student([])[0].share is None
