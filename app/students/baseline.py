"""Target baselines: a cohort's confirmed target list (app.models.TargetBaseline).

A lead confirms the list of a cohort (the students of a school who entered Year 7 in one
academic year) on the web or with `flask targets freeze`: the students then marked as
target students and on roll are kept with the day, the criteria and who confirmed. A list is
confirmed once and never replaced, so target figures follow the students first chosen
(intention to treat; tracking.baseline). Once it is confirmed, changing a student's target
mark needs a reason, kept in the audit log. Services flush and audit, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, insert, select
from sqlalchemy.exc import IntegrityError

from app import academic, audit, conflicts
from app.extensions import db
from app.models import School, Student, TargetBaseline, TargetBaselineStudent, User

CRITERIA_MAX = 1000
REASON_MAX = 200


class BaselineError(ValueError):
    """Raised when a target list cannot be confirmed, with a message for people."""


class ReasonRequired(ValueError):
    """Raised when a target mark changes after the baseline without a reason."""


def baseline_for(school_id: int, entry_year: int) -> TargetBaseline | None:
    """Return the confirmed target list of a school's cohort, or None."""
    return db.session.scalar(
        select(TargetBaseline).where(
            TargetBaseline.school_id == school_id, TargetBaseline.entry_year == entry_year
        )
    )


def baseline_of(student: Student) -> TargetBaseline | None:
    """Return the confirmed target list of the student's cohort at their school, or None."""
    return baseline_for(student.school_id, student.entry_year)


def confirm_target_list(
    actor: User | None, school: School, entry_year: int, criteria: str, today: date
) -> TargetBaseline:
    """Keep the cohort's current target students (those marked and on roll `today`) as its
    confirmed target list, audited. Raises BaselineError when the cohort already has one or
    has no target student."""
    criteria = (criteria or "").strip()
    if len(criteria) > CRITERIA_MAX:
        raise BaselineError(f"The criteria are too long: at most {CRITERIA_MAX} characters")
    cohort = f"the cohort that entered Year 7 in {academic.label(entry_year)}"
    existing = baseline_for(school.id, entry_year)
    if existing is not None:
        raise BaselineError(
            f"The target list of {cohort} was confirmed on {existing.confirmed_on:%d/%m/%Y} "
            f"by {existing.confirmed_by_label}; a confirmed list is never replaced"
        )
    students = db.session.scalars(
        select(Student)
        .where(
            Student.school_id == school.id,
            Student.entry_year == entry_year,
            Student.is_target.is_(True),
            Student.on_roll(today),
        )
        .order_by(Student.last_name, Student.first_name, Student.id)
    ).all()
    if not students:
        raise BaselineError(f"No student of {cohort} is marked as a target student")
    baseline = TargetBaseline(
        school_id=school.id,
        entry_year=entry_year,
        confirmed_on=today,
        criteria=criteria,
        confirmed_by_id=actor.id if actor else None,
        confirmed_by_label=actor.email if actor else audit.COMMAND_LINE,
    )
    try:
        with db.session.begin_nested():  # two confirmations at once: the second is refused
            db.session.add(baseline)
            db.session.flush()
    except IntegrityError as error:
        raise BaselineError(f"The target list of {cohort} has just been confirmed") from error
    db.session.execute(
        insert(TargetBaselineStudent),
        [{"baseline_id": baseline.id, "student_id": s.id} for s in students],
    )
    audit.record(
        actor,
        "targets.confirm",
        baseline,
        summary=f"Confirmed the target list of {cohort}: {len(students)} students",
        after={
            "entry_year": entry_year,
            "confirmed_on": today.isoformat(),
            "criteria": criteria,
            "students": [s.upn for s in students],
        },
    )
    return baseline


def set_target(actor: User | None, student: Student, is_target: bool, reason: str = "") -> bool:
    """Mark or unmark `student` as a target student; return whether anything changed.

    Once the student's cohort has a confirmed target list a reason is required (raises
    ReasonRequired, changing nothing) and the audit entry keeps it."""
    reason = (reason or "").strip()[:REASON_MAX]
    if bool(student.is_target) == is_target:
        return False
    baseline = baseline_of(student)
    if baseline is not None and not reason:
        raise ReasonRequired(
            f"Give a reason: the target list of this cohort was confirmed on "
            f"{baseline.confirmed_on:%d/%m/%Y}"
        )
    with conflicts.stale_guard(student):
        student.is_target = is_target
        db.session.flush()
    after: dict = {"is_target": is_target}
    summary = f"{'Marked' if is_target else 'Unmarked'} {student.full_name} as a target student"
    if baseline is not None:
        after["reason"] = reason
        after["baseline_confirmed_on"] = baseline.confirmed_on.isoformat()
        summary += f" after the baseline: {reason}"
    audit.record(
        actor,
        "student.update",
        student,
        summary=summary,
        before={"is_target": not is_target},
        after=after,
    )
    return True


def confirmed_on_by_cohort(school_id: int) -> dict[int, date]:
    """Return cohort (Year 7 entry year) -> the day its target list was confirmed, for the
    cohorts of a school that have one: a change of target mark in these needs a reason."""
    rows = db.session.execute(
        select(TargetBaseline.entry_year, TargetBaseline.confirmed_on).where(
            TargetBaseline.school_id == school_id
        )
    )
    return {entry_year: confirmed_on for entry_year, confirmed_on in rows}


def needs_reason_message(confirmed_on: date) -> str:
    """What an import row that would change a target mark after the baseline is told: marks
    change one at a time there, on the student's page, where the reason is asked."""
    return (
        f"The target list of this student's cohort was confirmed on {confirmed_on:%d/%m/%Y}: "
        "change the target mark on the student's page, where a reason is asked"
    )


@dataclass(frozen=True)
class CohortTargets:
    """A cohort of a school as the Confirm target list page shows it."""

    entry_year: int
    marked: int
    baseline: TargetBaseline | None
    in_baseline: int = 0
    unmarked_since: int = 0
    added_since: int = 0

    @property
    def label(self) -> str:
        return academic.label(self.entry_year)


def cohorts(school_id: int, today: date) -> list[CohortTargets]:
    """Return the school's cohorts that have students, newest first, with how many are
    marked now (on roll) and their confirmed list if any: five queries."""
    marked = dict(
        db.session.execute(
            select(Student.entry_year, func.count(Student.id))
            .where(
                Student.school_id == school_id,
                Student.is_target.is_(True),
                Student.on_roll(today),
            )
            .group_by(Student.entry_year)
        ).all()
    )
    years = set(
        db.session.scalars(
            select(Student.entry_year).where(Student.school_id == school_id).distinct()
        )
    )
    baselines = {
        b.entry_year: b
        for b in db.session.scalars(
            select(TargetBaseline).where(TargetBaseline.school_id == school_id)
        )
    }
    members = db.session.execute(
        select(TargetBaseline.entry_year, Student.is_target)
        .join(TargetBaselineStudent, TargetBaselineStudent.baseline_id == TargetBaseline.id)
        .join(Student, Student.id == TargetBaselineStudent.student_id)
        .where(TargetBaseline.school_id == school_id)
    ).all()
    on_list = select(TargetBaselineStudent.student_id).where(
        TargetBaselineStudent.baseline_id == TargetBaseline.id
    )
    added = dict(  # marked now, not on the confirmed list (tracking: added after baseline)
        db.session.execute(
            select(Student.entry_year, func.count(Student.id))
            .join(
                TargetBaseline,
                (TargetBaseline.school_id == Student.school_id)
                & (TargetBaseline.entry_year == Student.entry_year),
            )
            .where(
                Student.school_id == school_id,
                Student.is_target.is_(True),
                Student.id.not_in(on_list),
            )
            .group_by(Student.entry_year)
        ).all()
    )
    total: dict[int, int] = {}
    unmarked: dict[int, int] = {}
    for year, is_target in members:
        total[year] = total.get(year, 0) + 1
        unmarked[year] = unmarked.get(year, 0) + (0 if is_target else 1)
    return [
        CohortTargets(
            entry_year=year,
            marked=marked.get(year, 0),
            baseline=baselines.get(year),
            in_baseline=total.get(year, 0),
            unmarked_since=unmarked.get(year, 0),
            added_since=added.get(year, 0),
        )
        for year in sorted(years | set(baselines), reverse=True)
    ]


def baseline_flags(students: Select) -> tuple[set[tuple[int, int]], set[int]]:
    """For a select of students: the (school id, entry year) cohorts among them that have a
    confirmed target list, and the ids of those students on one. Two queries."""
    ids = students.with_only_columns(Student.id).order_by(None)
    cohorts_with = set(
        db.session.execute(
            select(TargetBaseline.school_id, TargetBaseline.entry_year)
            .join(
                Student,
                (Student.school_id == TargetBaseline.school_id)
                & (Student.entry_year == TargetBaseline.entry_year),
            )
            .where(Student.id.in_(ids))
            .distinct()
        ).all()
    )
    members = set(
        db.session.scalars(
            select(TargetBaselineStudent.student_id).where(
                TargetBaselineStudent.student_id.in_(ids)
            )
        )
    )
    return cohorts_with, members
