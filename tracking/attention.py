"""The "Needs attention" rules: why a student may need a lead's attention. Pure logic, no Flask.

A student needs attention, on a given day, when:

1. their predicted GCSE Maths grade is below their target grade, or below 7 (checked only
   while they have no final GCSE Maths grade: after results day a prediction is moot);
2. their enjoyment or self-efficacy score fell between their last two surveys of that scale by
   more than a score moves by chance (see `tracking.attention_rules.chance_threshold`: the
   scale's standard error of measurement in the school, or one SD while too few have answered);
3. they missed two of the last four sessions of an intervention they were invited to (see
   `tracking.attention_rules.Registers`);
4. they have no post-16 intention recorded by the spring term of Year 11. The spring term is
   taken to start on 1 January of the Year 11 academic year (a student who entered Year 7 in
   September 2021 is in Year 11 in 2025/26, so from 1 January 2026). The rule applies from
   then to the end of Year 13; any post-16 record counts as an intention, including "none"
   (no maths after 16) and "considering".

Only records dated on or before the given day are looked at, so the rules can be replayed
for any past day. Each reason is one sentence a lead understands without the rule book.
docs/attention.md gives the rules with their sources.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from app.academic import LAST_YEAR_GROUP, year_group
from tracking.attention_rules import (
    ChanceStats,
    InterventionSession,
    Registers,
    chance_threshold,
    number,
)
from tracking.grades import GradeEntry, GradeKind, Qualification, current, points
from tracking.outcomes import StudentOutcomeData, SurveyScore

GCSE_FLOOR = "7"
WATCHED_SCALES = {"enjoyment": "Enjoyment", "self_efficacy": "Self-efficacy"}
POST16_YEAR_GROUP = 11
# Statistics of a scale per (survey session id, scale key): see attention_rules.ChanceStats.
Chance = Mapping[tuple[int, str], ChanceStats]


def spring_of_year_11(entry_year: int) -> date:
    """Return the day the spring term of Year 11 starts: 1 January of the Year 11 academic year.

    A student who entered Year 7 in 2021 (academic year 2021/22) is in Year 11 in 2025/26,
    whose spring term starts on 1 January 2026.
    """
    year_11_academic_year = entry_year + POST16_YEAR_GROUP - 7
    return date(year_11_academic_year + 1, 1, 1)


def reasons(
    student: StudentOutcomeData,
    today: date,
    chance: Chance | None = None,
    registers: Registers | None = None,
    marks: Mapping[int, str] | None = None,
) -> list[str]:
    """Return why a student needs attention on `today` (empty if they do not), rule by rule.

    `chance` gives the statistics of each scale in each survey session the student took
    (missing ones fall back to a fixed threshold); `registers` holds the interventions held
    (`Registers(sessions, today)`) and `marks` this student's attendance marks,
    `{intervention id: status}`.
    See the module docstring for the rules. Records dated after `today` are ignored.
    """
    found = []
    grades = [entry for entry in student.grades if entry.recorded_on <= today]
    if grade_reason := _predicted_reason(grades):
        found.append(grade_reason)
    scores = [score for score in student.survey_scores if score.taken_on <= today]
    for scale, name in WATCHED_SCALES.items():
        if fall_reason := _fall_reason(scores, scale, name, chance or {}):
            found.append(fall_reason)
    if registers is not None and marks:
        found += registers.missed(marks)
    if post16_reason := _post16_reason(student, today):
        found.append(post16_reason)
    return found


def needs_attention(
    students: Iterable[StudentOutcomeData],
    today: date,
    chance: Chance | None = None,
    sessions: Sequence[InterventionSession] = (),
    marks: Mapping[int, Mapping[int, str]] | None = None,
) -> dict[int, list[str]]:
    """Return `{student_id: reasons}` for the students who need attention on `today`.

    `marks` is `{student id: {intervention id: status}}`; see `reasons` for the rest.
    Students with no reason are left out; the others keep the order they came in.
    """
    flagged = {}
    marks = marks or {}
    registers = Registers(sessions, today)
    for student in students:
        found = reasons(student, today, chance, registers, marks.get(student.student_id))
        if found:
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


def _fall_reason(scores: list[SurveyScore], scale: str, name: str, chance: Chance) -> str | None:
    on_scale = sorted(
        (score for score in scores if score.scale == scale),
        key=lambda score: (score.taken_on, score.session_id),
    )
    if len(on_scale) < 2:
        return None
    before, last = on_scale[-2], on_scale[-1]
    # The two surveys may use two instrument versions (or forms): the larger threshold counts.
    threshold = max(
        (chance_threshold(chance.get((s.session_id, scale))) for s in (before, last)),
        key=lambda threshold: threshold.value,
    )
    fall = before.score - last.score
    if not threshold.exceeded_by(fall):
        return None
    return (
        f"{name} fell by {number(fall)} (from {number(before.score)} to {number(last.score)}) "
        f"between the surveys of {_day(before.taken_on)} and {_day(last.taken_on)}, "
        f"{threshold.words()}"
    )


def _post16_reason(student: StudentOutcomeData, today: date) -> str | None:
    if today < spring_of_year_11(student.entry_year):
        return None
    if year_group(student.entry_year, today) > LAST_YEAR_GROUP:
        return None
    if any(record.recorded_on <= today for record in student.post16):
        return None
    return "No post-16 maths intention recorded (due by the spring term of Year 11)"


def _day(on: date) -> str:
    """A date as people write it: 5 Mar 2026."""
    return f"{on.day} {on:%b %Y}"
