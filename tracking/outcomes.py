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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.academic import end_of_year, on_roll
from tracking.current import newest
from tracking.enjoyment import enjoyment_by_wave
from tracking.grades import GradeEntry, GradeKind, Qualification, at_least, current
from tracking.vocabulary import DestinationType, Post16Status, Post16Subject, SubjectCategory


@dataclass(frozen=True)
class Post16Entry:
    """One post-16 intention or enrolment record: a subject, its status and its date.

    Statuses are kept per subject: the newest record of a subject is that subject's current
    status, whatever is recorded for the other subjects.
    """

    subject: str
    status: str
    recorded_on: date
    id: int


@dataclass(frozen=True)
class DestinationEntry:
    """One destination record after Year 13: its type and, where it has one, the subject's
    category (a degree's subject, an apprenticeship's field)."""

    type: str
    subject_category: str | None
    recorded_on: date
    id: int


@dataclass(frozen=True)
class SurveyScore:
    """One student's score on one survey scale in one session.

    `wave` is the session's wave label; a session without one is put in a wave named by its
    academic year and term (see `wave_name`). `session_id` orders two sessions of one day.
    """

    scale: str
    score: float
    taken_on: date
    wave: str | None = None
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

    def on_roll_at_end_of_year_11(self) -> bool:
        """Whether the student was still at the school at the end of Year 11 (31 August):
        the school's KS4 cohort."""
        return on_roll(self.left_on, end_of_year(self.entry_year, 11))

    def final_grade(self, qualification: str) -> str | None:
        """Return the current final grade in a qualification, or None if there is none."""
        record = current(self.grades, GradeKind.FINAL, qualification)
        return record.grade if record else None

    def post16_status(self, subject: str) -> str | None:
        """Return the current status of a post-16 subject, or None if it was never recorded."""
        record = newest(record for record in self.post16 if record.subject == subject)
        return record.status if record else None

    def enrolled_on(self, subject: str) -> bool:
        """Return whether the current status of a post-16 subject is "enrolled"."""
        return self.post16_status(subject) == Post16Status.ENROLLED

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
    """Outcome 2: the share of students with a final GCSE Maths grade who got 7, 8 or 9.

    The cohort is the students on roll at the end of Year 11 (those who left before are
    counted in `left`). Denominator: those with a current final GCSE Maths grade, whatever it
    is (U included). Numerator: those whose grade is 7, 8 or 9. Unknown: the cohort's
    students with no final grade yet.
    """
    cohort = [student for student in students if student.on_roll_at_end_of_year_11()]
    finals = [student.final_grade(Qualification.GCSE_MATHS) for student in cohort]
    graded = [grade for grade in finals if grade is not None]
    return Rate(
        numerator=sum(1 for grade in graded if at_least(Qualification.GCSE_MATHS, grade, "7")),
        denominator=len(graded),
        unknown=len(finals) - len(graded),
        left=len(students) - len(cohort),
    )


def a_level_choice(students: Sequence[StudentOutcomeData]) -> tuple[Rate, Rate]:
    """Outcome 3: the shares of students with a final GCSE Maths grade who enrolled on
    A-level Maths, and on A-level Further Maths. Returns (maths, further maths).

    Denominator (both): students with a current final GCSE Maths grade, whatever the grade.
    Numerator: those whose current status for the subject is "enrolled" (a later "withdrawn"
    record takes them out). Unknown: students with no final GCSE Maths grade. Assumed no:
    students in the denominator with no post-16 record of any subject or status, who count
    as not enrolled only because nothing is recorded.
    """
    with_gcse = [student for student in students if student.final_grade(Qualification.GCSE_MATHS)]
    unknown = len(students) - len(with_gcse)
    assumed_no = sum(1 for student in with_gcse if not student.post16)

    def rate(subject: Post16Subject) -> Rate:
        enrolled = sum(1 for student in with_gcse if student.enrolled_on(subject))
        return Rate(enrolled, len(with_gcse), unknown, assumed_no)

    return rate(Post16Subject.A_LEVEL_MATHS), rate(Post16Subject.A_LEVEL_FURTHER_MATHS)


def a_level_top_grades(students: Sequence[StudentOutcomeData]) -> tuple[Rate, Rate]:
    """Outcome 4: the shares of A-level Maths, and of A-level Further Maths, finishers who got
    A or A*. Returns (maths, further maths).

    Denominator: students with a current final grade in that A-level (any grade, U included;
    an AS grade does not count). Numerator: those with A or A*. Unknown: the other students
    of the set, who have no final grade in it (not taken, or not finished yet).
    """

    def rate(qualification: Qualification) -> Rate:
        finals = [student.final_grade(qualification) for student in students]
        graded = [grade for grade in finals if grade is not None]
        return Rate(
            numerator=sum(1 for grade in graded if at_least(qualification, grade, "A")),
            denominator=len(graded),
            unknown=len(finals) - len(graded),
        )

    return rate(Qualification.A_LEVEL_MATHS), rate(Qualification.A_LEVEL_FURTHER_MATHS)


def maths_degree(students: Sequence[StudentOutcomeData]) -> tuple[Rate, Rate]:
    """Outcome 5: the shares of students with a known destination who went to a mathematics
    degree, and (separately) to a maths-related one. Returns (mathematics, maths-related).

    Destination: the current (newest) destination record. Denominator: students whose
    destination is known, i.e. recorded with a type other than "unknown". Numerator: those
    whose destination is higher education with subject category "mathematics" (first rate)
    or "maths_related" (second rate); the two never overlap, and an apprenticeship does not
    count whatever its field. Unknown: students with no destination or an "unknown" one.
    Assumed no: students going to higher education with no subject category recorded.
    """
    known = [
        destination
        for student in students
        if (destination := student.destination) is not None
        and destination.type
        and destination.type != DestinationType.UNKNOWN
    ]
    degrees = [
        destination for destination in known if destination.type == DestinationType.HIGHER_EDUCATION
    ]
    unknown = len(students) - len(known)
    assumed_no = sum(1 for destination in degrees if not destination.subject_category)

    def rate(category: SubjectCategory) -> Rate:
        numerator = sum(1 for destination in degrees if destination.subject_category == category)
        return Rate(numerator, len(known), unknown, assumed_no)

    return rate(SubjectCategory.MATHEMATICS), rate(SubjectCategory.MATHS_RELATED)


def five_outcomes(students: Sequence[StudentOutcomeData]) -> dict[str, Any]:
    """Return the five outcomes of a set of students as a JSON-ready dict.

    Keys: "students" (how many), "enjoyment" (see `EnjoymentTrend.as_dict`), "gcse_7_to_9",
    "a_level_choice" {"maths", "further_maths"}, "a_level_top_grades" {"maths",
    "further_maths"} and "maths_degree" {"mathematics", "maths_related"}, each rate as
    `Rate.as_dict`.
    """
    students = list(students)
    choice_maths, choice_further = a_level_choice(students)
    top_maths, top_further = a_level_top_grades(students)
    degree_maths, degree_related = maths_degree(students)
    return {
        "students": len(students),
        "enjoyment": enjoyment_by_wave(students).as_dict(),
        "gcse_7_to_9": gcse_7_to_9(students).as_dict(),
        "a_level_choice": {
            "maths": choice_maths.as_dict(),
            "further_maths": choice_further.as_dict(),
        },
        "a_level_top_grades": {
            "maths": top_maths.as_dict(),
            "further_maths": top_further.as_dict(),
        },
        "maths_degree": {
            "mathematics": degree_maths.as_dict(),
            "maths_related": degree_related.as_dict(),
        },
    }
