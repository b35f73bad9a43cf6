"""The programme's five outcomes over a set of students. Pure logic, no Flask, no database.

Each student comes in as a `StudentOutcomeData`: who they are (school, Year 7 entry year,
target student or not, disadvantaged or not) and their records as plain values, history
included: grades, post-16 intentions and enrolments, destinations and survey scores. The
current value of anything is its newest record (latest date, then highest id), as everywhere
in the tracker, so callers pass rows as stored and never pre-pick the current one.

Every rate says how many students it could not judge: `Rate.unknown` counts the students of
the set that are not in the denominator because the data the denominator needs is missing, so
`denominator + unknown` is always the size of the set and nobody is silently dropped. Where a
student is in the denominator but counted as "no" only because nothing more is recorded (no
post-16 record at all; a university place with no subject), `Rate.assumed_no` counts them.
A rate over nobody has `share` None, never a division by zero.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.academic import end_of_year, on_roll
from surveys.waves import Wave
from tracking.current import newest
from tracking.destinations.degree import degree_outcome
from tracking.destinations.hecos import MathsRelated, codes_of
from tracking.enjoyment import ENGAGEMENT_SCALE, enjoyment_outcome
from tracking.final_grades import entered_result, ks4_gcse_result
from tracking.grades import GradeEntry, GradeError, GradeKind, Qualification, at_least, current
from tracking.post16 import rules as post16_rules
from tracking.vocabulary import (
    A_LEVEL_MATHS_ROUTES,
    LEVEL_3_MATHS_ROUTES,
    Post16Route,
)


@dataclass(frozen=True)
class Post16Entry:
    """One post-16 record: a route (tracking.vocabulary.Post16Route), its status and date.

    Statuses are kept per route: the newest record of a route is that route's current
    status, whatever is recorded for the other routes (A-level Maths and Further Maths are
    two routes of one student).
    """

    route: str
    status: str
    recorded_on: date
    id: int


@dataclass(frozen=True)
class DestinationEntry:
    """One destination record after Year 13: its type, its subject (`hecos`: HECoS codes as
    stored, two for joint honours; or, on older records, `subject_category`) and its status
    (None on records made before statuses). See tracking.destinations.degree."""

    type: str
    subject_category: str | None
    recorded_on: date
    id: int
    hecos: str | None = None
    status: str | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        """The HECoS codes of the subject (none, one, or two for joint honours)."""
        return codes_of(self.hecos)


@dataclass(frozen=True)
class SurveyScore:
    """One student's score on one survey scale in one session.

    `wave` is the session's wave (an academic year and a term); without one the score is in
    the wave of the day it was taken. `session_id` orders two sessions of one day.
    """

    scale: str
    score: float
    taken_on: date
    wave: Wave | None = None
    session_id: int = 0


@dataclass(frozen=True)
class StudentOutcomeData:
    """Everything the outcomes and the needs-attention rules need about one student."""

    student_id: int
    school_id: int
    entry_year: int
    is_target: bool = False
    is_disadvantaged: bool = False
    left_on: date | None = None
    grades: tuple[GradeEntry, ...] = ()
    post16: tuple[Post16Entry, ...] = ()
    destinations: tuple[DestinationEntry, ...] = ()
    survey_scores: tuple[SurveyScore, ...] = ()
    # The cohort's confirmed target list (tracking.baseline): whether the student's cohort
    # has one and whether the student is on it. `is_target` stays the current mark.
    cohort_has_baseline: bool = False
    in_baseline: bool = False

    @property
    def added_after_baseline(self) -> bool:
        """Marked as a target student now, but not on the cohort's confirmed target list."""
        return self.cohort_has_baseline and self.is_target and not self.in_baseline

    def on_roll_at_end_of_year_11(self) -> bool:
        """Whether the student was still at the school at the end of Year 11 (31 August):
        the school's KS4 cohort."""
        return on_roll(self.left_on, end_of_year(self.entry_year, 11))

    def final_grade(self, qualification: str) -> str | None:
        """Return the current final grade in a qualification (NE, ABS or X included: see
        grades.is_not_sat), or None. A resit replaces it: outcome 2 takes `ks4_gcse_result`."""
        record = current(self.grades, GradeKind.FINAL, qualification)
        return record.grade if record else None

    def ks4_gcse_result(self) -> GradeEntry | None:
        """The KS4 GCSE Maths result, never a later resit (see tracking.final_grades)."""
        return ks4_gcse_result(self.grades, self.entry_year)

    def post16_status(self, route: str, on: date | None = None) -> str | None:
        """Return the current status of a post-16 route (its newest record; of the records
        dated `on` or before, when given), or None if it was never recorded."""
        record = newest(
            record
            for record in self.post16
            if record.route == route and (on is None or record.recorded_on <= on)
        )
        return record.status if record else None

    def enrolled_on(self, route: str, on: date | None = None) -> bool:
        """Return whether the current status of a post-16 route is "enrolled" or
        "completed" (as at `on`, when given)."""
        return self.post16_status(route, on) in post16_rules.TAKEN_STATUSES

    @property
    def destination(self) -> DestinationEntry | None:
        """The current (newest) destination record, or None if none is recorded."""
        return newest(self.destinations)


@dataclass(frozen=True)
class Rate:
    """An outcome as a share: numerator of denominator, with who could not be judged.

    `unknown` counts students of the set left out of the denominator because its data is
    missing; `assumed_no` counts students in the denominator who are not in the numerator
    only because nothing more is recorded for them; `left` counts students of the set who
    are not in the outcome's cohort because they left the school before it (for GCSE, before
    the end of Year 11), so `denominator + unknown + left` is the size of the set. `share` is
    None when the denominator is 0.
    """

    numerator: int
    denominator: int
    unknown: int
    assumed_no: int = 0
    left: int = 0

    @property
    def share(self) -> float | None:
        """numerator / denominator, or None when the denominator is 0."""
        return self.numerator / self.denominator if self.denominator else None

    def as_dict(self) -> dict[str, Any]:
        """Return the rate as a JSON-ready dict, share included."""
        return {
            "numerator": self.numerator,
            "denominator": self.denominator,
            "unknown": self.unknown,
            "assumed_no": self.assumed_no,
            "left": self.left,
            "share": self.share,
        }


def filter_students(
    students: Iterable[StudentOutcomeData],
    school_id: int | None = None,
    cohort: int | None = None,
    target_only: bool = False,
    disadvantaged: bool | None = None,
) -> list[StudentOutcomeData]:
    """Return the students that match every filter given, in their original order.

    `cohort` is a Year 7 entry year; `target_only` keeps target students only; `disadvantaged`
    True keeps disadvantaged students, False keeps the others, None keeps both.
    """
    return [
        student
        for student in students
        if (school_id is None or student.school_id == school_id)
        and (cohort is None or student.entry_year == cohort)
        and (not target_only or student.is_target)
        and (disadvantaged is None or student.is_disadvantaged == disadvantaged)
    ]


def gcse_7_to_9(students: Sequence[StudentOutcomeData]) -> Rate:
    """Outcome 2: the share of the KS4 cohort whose KS4 GCSE Maths result is 7, 8 or 9.

    The cohort is the students on roll at the end of Year 11 (those who left before are
    counted in `left`). The KS4 result is `StudentOutcomeData.ks4_gcse_result`: the first
    final from a series by the end of Year 11; a later resit never replaces it. Denominator:
    the cohort's students with a KS4 result, whatever it is: U, and NE (not entered), ABS or
    X (absent), count as not 7+. Numerator: those whose result is 7, 8 or 9. Unknown: the
    cohort's students with no KS4 result recorded (shown, never dropped).
    """
    cohort = [student for student in students if student.on_roll_at_end_of_year_11()]
    results = [student.ks4_gcse_result() for student in cohort]
    known = [record for record in results if record is not None]
    gcse = Qualification.GCSE_MATHS
    return Rate(
        numerator=sum(1 for record in known if at_least(gcse, record.grade, "7")),
        denominator=len(known),
        unknown=len(results) - len(known),
        left=len(students) - len(cohort),
    )


def _gcse_7_plus(student: StudentOutcomeData) -> bool:
    """Whether the KS4 GCSE Maths result (outcome 2's) is 7-9 (not sat, or none: it is not)."""
    record = student.ks4_gcse_result()
    try:
        return record is not None and at_least(Qualification.GCSE_MATHS, record.grade, "7")
    except GradeError:
        return False


@dataclass(frozen=True)
class ALevelChoice:
    """Outcome 3 (see `a_level_choice`); the `_7_plus` rates are of the GCSE 7+ students."""

    maths: Rate
    further_maths: Rate
    any_level_3_maths: Rate
    maths_7_plus: Rate
    further_maths_7_plus: Rate
    any_level_3_maths_7_plus: Rate

    def as_dict(self) -> dict[str, Any]:
        """Return the rates as a JSON-ready dict, the GCSE 7+ ones under "gcse_7_plus"."""
        names = ("maths", "further_maths", "any_level_3_maths")
        top = {name: getattr(self, f"{name}_7_plus").as_dict() for name in names}
        return {**{name: getattr(self, name).as_dict() for name in names}, "gcse_7_plus": top}


def _choice_rates(students: Sequence[StudentOutcomeData], today: date) -> tuple[Rate, ...]:
    positions = [post16_rules.position(s.post16, s.entry_year, today) for s in students]
    judged = [taken for state, taken in positions if state != post16_rules.UNKNOWN]
    unknown = len(positions) - len(judged)
    assumed_no = sum(1 for state, _ in positions if state == post16_rules.ASSUMED_NO)
    maths = [taken for taken in judged if taken & A_LEVEL_MATHS_ROUTES]
    further = sum(1 for taken in maths if Post16Route.A_LEVEL_FURTHER_MATHS in taken)
    level_3 = sum(1 for taken in judged if taken & LEVEL_3_MATHS_ROUTES)
    return (
        Rate(len(maths), len(judged), unknown, assumed_no),
        Rate(further, len(maths), 0),
        Rate(level_3, len(judged), unknown, assumed_no),
    )


def a_level_choice(
    students: Sequence[StudentOutcomeData], today: date | None = None
) -> ALevelChoice:
    """Outcome 3 as at `today` (default today); docs/outcomes.md section 3 in plain English.

    A route is taken when its current status (tracking.post16.rules) is enrolled or completed.
    A-level Maths: students taking A-level Maths or Further Maths (always taken with Maths)
    of the students judged; Further Maths: of those, the ones taking A-level Further Maths;
    any Level 3 maths: taking A-level or AS Maths or Further Maths, Core Maths or IB Maths.
    Judged: a route enrolled, completed or withdrawn, or no post-16 record at all after 1
    October of Year 12 ("assumed no"). Unknown: intentions only ("considering" alone,
    "intends", "applied"), or no record yet by then. Leavers stay in (intention to treat).
    """
    today = today or date.today()
    top = [student for student in students if _gcse_7_plus(student)]
    return ALevelChoice(*_choice_rates(students, today), *_choice_rates(top, today))


def a_level_top_grades(
    students: Sequence[StudentOutcomeData],
    qualifications: tuple[str, str] = (
        Qualification.A_LEVEL_MATHS,
        Qualification.A_LEVEL_FURTHER_MATHS,
    ),
) -> tuple[Rate, Rate]:
    """Outcome 4, per entrant: the shares of A-level Maths, and of A-level Further Maths,
    entrants who got A or A*. Returns (maths, further maths).

    Denominator: students with a current final in that A-level (any grade, U included, and
    ABS or X, absent; not NE, not an AS grade: tracking.final_grades.entered_result).
    Numerator: those with A or A*. Unknown: the other students of the set (not taken, or not
    finished yet). AS levels and per-student rates: tracking.top_grades.
    """

    def rate(qualification: str) -> Rate:
        results = [entered_result(student.grades, qualification) for student in students]
        graded = [grade for grade in results if grade is not None]
        return Rate(
            numerator=sum(1 for grade in graded if at_least(qualification, grade, "A")),
            denominator=len(graded),
            unknown=len(results) - len(graded),
        )

    return rate(qualifications[0]), rate(qualifications[1])


def maths_degree(
    students: Sequence[StudentOutcomeData], related: MathsRelated | None = None
) -> tuple[Rate, Rate]:
    """Outcome 5: (mathematics, maths-related), the shares of students with a decided
    destination who have a university place in mathematics (CAH09, joint honours included),
    and in a maths-related subject (`related`; None: the list as shipped). The definition and
    its other lines (degree apprenticeships, joint honours, deferred and pending places) are
    tracking.destinations.degree's `degree_outcome`."""
    outcome = degree_outcome(students, related)
    return outcome.maths, outcome.maths_related


def five_outcomes(
    students: Sequence[StudentOutcomeData],
    maths_related: MathsRelated | None = None,
    is_target: Callable[[StudentOutcomeData], bool] | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Return the five outcomes of a set of students as a JSON-ready dict (`maths_related`:
    the maths-related list for outcome 5, None: the list as shipped; `is_target`: who outcome
    1 splits off as target students, e.g. tracking.baseline's target baseline, None: today's
    marks; `today`: the day outcomes 3 and 4 are judged as at, None: today).

    Keys: "students" (how many), "enjoyment" and "engagement" (outcome 1 on each scale, see
    `EnjoymentOutcome.as_dict`), "gcse_7_to_9", "a_level_choice" (see `ALevelChoice.as_dict`),
    "a_level_top_grades" {"maths", "further_maths"} per entrant, with "per_student" and
    "as_level" {"maths", "further_maths"} (tracking.top_grades), and "maths_degree" (see
    `DegreeOutcome.as_dict`), each rate as `Rate.as_dict`. tracking.definitions names the
    definition of each figure.
    """
    from tracking.top_grades import a_level_top_grades_per_student, as_top_grades  # imports us

    students = list(students)
    today = today or date.today()
    choice = a_level_choice(students, today)
    top_maths, top_further = a_level_top_grades(students)
    per_maths, per_further = a_level_top_grades_per_student(students, as_of=today)
    as_maths, as_further = as_top_grades(students)
    degree = degree_outcome(students, maths_related)
    return {
        "students": len(students),
        "enjoyment": enjoyment_outcome(students, is_target=is_target).as_dict(),
        "engagement": enjoyment_outcome(students, ENGAGEMENT_SCALE, is_target).as_dict(),
        "gcse_7_to_9": gcse_7_to_9(students).as_dict(),
        "a_level_choice": choice.as_dict(),
        "a_level_top_grades": {
            "maths": top_maths.as_dict(),
            "further_maths": top_further.as_dict(),
            "per_student": {"maths": per_maths.as_dict(), "further_maths": per_further.as_dict()},
            "as_level": {"maths": as_maths.as_dict(), "further_maths": as_further.as_dict()},
        },
        "maths_degree": degree.as_dict(),
    }
