"""Who is counted: the groups every figure is given for, the target baseline (intention to
treat) and the cohorts before the programme. Pure, hand-built students."""

import pytest

from tracking.baseline import (
    OutcomeGroup,
    added_after_baseline,
    before_programme,
    in_group,
    is_target_for_figures,
    student_group,
    students_in,
)
from tracking.outcomes import StudentOutcomeData


def student(n: int, **fields) -> StudentOutcomeData:
    return StudentOutcomeData(n, school_id=1, entry_year=2022, **fields)


# A cohort with a confirmed target list, and every case of mark, list and disadvantage.
ON_LIST_STILL_MARKED = student(1, is_target=True, cohort_has_baseline=True, in_baseline=True)
ON_LIST_UNMARKED_LATER = student(2, cohort_has_baseline=True, in_baseline=True)
ADDED_LATER_DISADVANTAGED = student(
    3, is_target=True, is_disadvantaged=True, cohort_has_baseline=True
)
ADDED_LATER = student(4, is_target=True, cohort_has_baseline=True)
DISADVANTAGED = student(5, is_disadvantaged=True, cohort_has_baseline=True)
OTHER = student(6, cohort_has_baseline=True)
# A cohort whose list is not confirmed: today's marks count.
NO_LIST_MARKED = student(7, is_target=True, is_disadvantaged=True)
NO_LIST_DISADVANTAGED = student(8, is_disadvantaged=True)
NO_LIST_OTHER = student(9)
EVERYONE = [
    ON_LIST_STILL_MARKED,
    ON_LIST_UNMARKED_LATER,
    ADDED_LATER_DISADVANTAGED,
    ADDED_LATER,
    DISADVANTAGED,
    OTHER,
    NO_LIST_MARKED,
    NO_LIST_DISADVANTAGED,
    NO_LIST_OTHER,
]


def ids(students) -> list[int]:
    return [s.student_id for s in students]


def test_target_figures_count_the_baseline_by_default_intention_to_treat():
    assert ids(students_in(EVERYONE, OutcomeGroup.TARGET)) == [1, 2, 7]


def test_a_student_unmarked_after_the_baseline_stays_a_target_student():
    assert student_group(ON_LIST_UNMARKED_LATER) == OutcomeGroup.TARGET
    assert not ON_LIST_UNMARKED_LATER.added_after_baseline
    # ... but not by today's marks, where they fall to their own group.
    assert student_group(ON_LIST_UNMARKED_LATER, current=True) == OutcomeGroup.OTHERS


def test_a_student_marked_after_the_baseline_is_reported_as_added_not_counted():
    assert ADDED_LATER.added_after_baseline and ADDED_LATER_DISADVANTAGED.added_after_baseline
    assert ids(added_after_baseline(EVERYONE)) == [3, 4]
    assert student_group(ADDED_LATER) == OutcomeGroup.OTHERS
    assert student_group(ADDED_LATER_DISADVANTAGED) == OutcomeGroup.DISADVANTAGED
    assert student_group(ADDED_LATER, current=True) == OutcomeGroup.TARGET


def test_today_s_marks_with_current():
    assert ids(students_in(EVERYONE, OutcomeGroup.TARGET, current=True)) == [1, 3, 4, 7]


def test_a_cohort_without_a_confirmed_list_uses_today_s_marks_either_way():
    for current in (False, True):
        assert is_target_for_figures(NO_LIST_MARKED, current)
        assert not is_target_for_figures(NO_LIST_DISADVANTAGED, current)
    assert not NO_LIST_MARKED.added_after_baseline  # nothing to be added after


@pytest.mark.parametrize("current", [False, True])
def test_the_groups_never_overlap_and_make_up_everyone(current):
    groups = [OutcomeGroup.TARGET, OutcomeGroup.DISADVANTAGED, OutcomeGroup.OTHERS]
    members = [ids(students_in(EVERYONE, group, current)) for group in groups]
    flat = [n for group in members for n in group]
    assert sorted(flat) == ids(EVERYONE) == ids(students_in(EVERYONE, OutcomeGroup.ALL, current))
    assert len(flat) == len(set(flat))


def test_other_disadvantaged_leaves_out_target_students_who_are_disadvantaged():
    assert ids(students_in(EVERYONE, OutcomeGroup.DISADVANTAGED)) == [3, 5, 8]
    assert not in_group(NO_LIST_MARKED, OutcomeGroup.DISADVANTAGED)  # a target first
    assert ids(students_in(EVERYONE, OutcomeGroup.OTHERS)) == [4, 6, 9]


def test_group_labels_say_what_they_are():
    assert [g.label for g in OutcomeGroup] == [
        "Target students",
        "Other disadvantaged students",
        "All other students",
        "All students",
    ]


@pytest.mark.parametrize(
    ("entry_year", "start", "before"),
    [
        (2018, 2024, True),  # Year 11 in 2022/23
        (2019, 2024, True),  # Year 11 in 2023/24, ended August 2024: the last before
        (2020, 2024, False),  # Year 11 in 2024/25, the programme's first year
        (2024, 2024, False),
        (2020, 2025, True),  # another start year from the config
        (2021, 2025, False),
    ],
)
def test_cohorts_whose_year_11_ended_before_the_programme(entry_year, start, before):
    assert before_programme(entry_year, start) is before


def test_before_the_programme_defaults_to_2024_25():
    assert before_programme(2019) and not before_programme(2020)
