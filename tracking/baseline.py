"""Who is counted: the groups every outcome figure is given for, and the cohorts that
finished before the programme. Pure logic, no Flask, no database.

A cohort is a school's students who entered Year 7 in one academic year. Its **target
baseline** is the target list a lead confirmed on a day, by stated criteria (the shell keeps
it: `app.models.TargetBaseline`). Target figures count the baseline by default, intention to
treat: a student unmarked later stays a target student for the figures, and a student marked
later is not one of them but is reported as "added after baseline". `current=True` counts
today's marks instead. A cohort with no confirmed list has no baseline: its target group is
today's marks whatever `current` says, and figures should say the list is not confirmed.

The groups do not overlap and make up everyone: **target** (baseline), **other
disadvantaged** (disadvantaged as the DfE defines it, not in the target group), **others**
(everyone else); **all** is the three together. See docs/outcomes.md, "Who is counted".
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from app.academic import end_of_year
from tracking.outcomes import StudentOutcomeData

# The academic year the programme began in (2024 = 2024/25); the app's PROGRAMME_START_YEAR.
DEFAULT_PROGRAMME_START_YEAR = 2024


class OutcomeGroup(enum.StrEnum):
    TARGET = "target"
    DISADVANTAGED = "disadvantaged"
    OTHERS = "others"
    ALL = "all"

    @property
    def label(self) -> str:
        return {
            "target": "Target students",
            "disadvantaged": "Other disadvantaged students",
            "others": "All other students",
            "all": "All students",
        }[self.value]


def is_target_for_figures(student: StudentOutcomeData, current: bool = False) -> bool:
    """Whether a student counts as a target student: on the cohort's confirmed target list
    (intention to treat), or marked now when `current` is True or the cohort has no list."""
    if current or not student.cohort_has_baseline:
        return student.is_target
    return student.in_baseline


def student_group(student: StudentOutcomeData, current: bool = False) -> OutcomeGroup:
    """Return the one group of TARGET, DISADVANTAGED and OTHERS a student is counted in."""
    if is_target_for_figures(student, current):
        return OutcomeGroup.TARGET
    if student.is_disadvantaged:
        return OutcomeGroup.DISADVANTAGED
    return OutcomeGroup.OTHERS


def in_group(student: StudentOutcomeData, group: OutcomeGroup, current: bool = False) -> bool:
    """Whether a student is counted in `group` (everyone is in ALL)."""
    return group == OutcomeGroup.ALL or student_group(student, current) == group


def students_in(
    students: Iterable[StudentOutcomeData], group: OutcomeGroup, current: bool = False
) -> list[StudentOutcomeData]:
    """Return the students counted in `group`, in their original order."""
    return [student for student in students if in_group(student, group, current)]


def added_after_baseline(students: Iterable[StudentOutcomeData]) -> list[StudentOutcomeData]:
    """Return the students marked as targets now who are not on their cohort's confirmed list
    (reported beside the target figures, never counted in them by default)."""
    return [student for student in students if student.added_after_baseline]


def before_programme(
    entry_year: int, programme_start_year: int = DEFAULT_PROGRAMME_START_YEAR
) -> bool:
    """Whether a cohort (its Year 7 entry year) finished Year 11 before the programme began
    in the academic year `programme_start_year` (2024 = 2024/25): such a cohort is labelled
    "before the programme" and can serve as a comparison. With the default, the cohort that
    entered Year 7 in 2019 (Year 11 in 2023/24) is before the programme; 2020's is not."""
    return end_of_year(entry_year, 11).year <= programme_start_year
