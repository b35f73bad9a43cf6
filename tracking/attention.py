"""The "Needs attention" rules: why a student may need a lead's attention. Pure logic, no Flask.

A student needs attention, on a given day, when:

1. their predicted GCSE Maths grade is below their target grade, or below 7 (checked only
   while they have no final GCSE Maths grade: after results day a prediction is moot);
2. their enjoyment or self-efficacy score fell by 0.5 or more between their last two surveys
   of that scale (exactly 0.5 counts);
3. they have no post-16 intention recorded by the spring term of Year 11. The spring term is
   taken to start on 1 January of the Year 11 academic year (a student who entered Year 7 in
   September 2021 is in Year 11 in 2025/26, so from 1 January 2026). The rule applies from
   then to the end of Year 13; any post-16 record counts as an intention, including "none"
   (no maths after 16) and "considering".

Only records dated on or before the given day are looked at, so the rules can be replayed
for any past day. Each reason is one sentence a lead understands without the rule book.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from app.academic import LAST_YEAR_GROUP, year_group
from tracking.grades import GradeEntry, GradeKind, Qualification, current, points
from tracking.outcomes import StudentOutcomeData, SurveyScore

GCSE_FLOOR = "7"
# A fall of at least this much between a student's last two scores of a scale.
SCORE_FALL = 0.5
# Scale scores are means (e.g. 17/6 - 14/6), so a fall of 0.5 can come out a hair below it.
_TOLERANCE = 1e-9
WATCHED_SCALES = {"enjoyment": "Enjoyment", "self_efficacy": "Self-efficacy"}
POST16_YEAR_GROUP = 11


def spring_of_year_11(entry_year: int) -> date:
    """Return the day the spring term of Year 11 starts: 1 January of the Year 11 academic year.

    A student who entered Year 7 in 2021 (academic year 2021/22) is in Year 11 in 2025/26,
    whose spring term starts on 1 January 2026.
    """
    year_11_academic_year = entry_year + POST16_YEAR_GROUP - 7
    return date(year_11_academic_year + 1, 1, 1)


def reasons(student: StudentOutcomeData, today: date) -> list[str]:
    """Return why a student needs attention on `today` (empty if they do not), rule by rule.

    See the module docstring for the rules. Records dated after `today` are ignored.
    """
    found = []
    grades = [entry for entry in student.grades if entry.recorded_on <= today]
    if grade_reason := _predicted_reason(grades):
        found.append(grade_reason)
    scores = [score for score in student.survey_scores if score.taken_on <= today]
    for scale, name in WATCHED_SCALES.items():
        if fall_reason := _fall_reason(scores, scale, name):
            found.append(fall_reason)
    if post16_reason := _post16_reason(student, today):
        found.append(post16_reason)
    return found


def needs_attention(students: Iterable[StudentOutcomeData], today: date) -> dict[int, list[str]]:
    """Return `{student_id: reasons}` for the students who need attention on `today`.

    Students with no reason are left out; the others keep the order they came in.
    """
    flagged = {}
    for student in students:
        if found := reasons(student, today):
            flagged[student.student_id] = found
    return flagged


def _predicted_reason(grades: list[GradeEntry]) -> str | None:
    gcse = Qualification.GCSE_MATHS
    if current(grades, GradeKind.FINAL, gcse) is not None:
        return None
    predicted = current(grades, GradeKind.PREDICTED, gcse)
    if predicted is None:
        return None
    target = current(grades, GradeKind.TARGET, gcse)
    below_target = target is not None and points(gcse, predicted.grade) < points(gcse, target.grade)
    below_floor = points(gcse, predicted.grade) < points(gcse, GCSE_FLOOR)
    if below_target and below_floor:
        return (
            f"Predicted GCSE Maths grade {predicted.grade} is below the target of "
            f"{target.grade} and below {GCSE_FLOOR}"
        )
    if below_target:
        return f"Predicted GCSE Maths grade {predicted.grade} is below the target of {target.grade}"
    if below_floor:
        return f"Predicted GCSE Maths grade {predicted.grade} is below {GCSE_FLOOR}"
    return None


def _fall_reason(scores: list[SurveyScore], scale: str, name: str) -> str | None:
    on_scale = sorted(
        (score for score in scores if score.scale == scale),
        key=lambda score: (score.taken_on, score.session_id),
    )
    if len(on_scale) < 2:
        return None
    before, last = on_scale[-2], on_scale[-1]
    fall = before.score - last.score
    if fall < SCORE_FALL - _TOLERANCE:
        return None
    return (
        f"{name} fell by {_number(fall)} (from {_number(before.score)} to {_number(last.score)}) "
        f"between the surveys of {_day(before.taken_on)} and {_day(last.taken_on)}"
    )


def _post16_reason(student: StudentOutcomeData, today: date) -> str | None:
    if today < spring_of_year_11(student.entry_year):
        return None
    if year_group(student.entry_year, today) > LAST_YEAR_GROUP:
        return None
    if any(record.recorded_on <= today for record in student.post16):
        return None
    return "No post-16 maths intention recorded (due by the spring term of Year 11)"


def _number(value: float) -> str:
    """Two decimal places at most, without trailing zeros: 0.5, 2.83, 3."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _day(on: date) -> str:
    """A date as people write it: 5 Mar 2026."""
    return f"{on.day} {on:%b %Y}"
