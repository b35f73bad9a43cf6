"""What a profile shows, loaded for one student or a whole list in a fixed number of queries,
and the audit of every export (personal data leaving the system)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app import audit
from app.extensions import db
from app.models import Student, User
from tracking.models import (
    Attendance,
    CompetitionResult,
    Destination,
    GradeRecord,
    Intervention,
    Post16Record,
    StudentNote,
    UcasApplication,
)
from tracking.profiles import charts
from tracking.queries import current_progress
from tracking.services import dosage
from tracking.vocabulary import AttendanceStatus, InterventionType

LATEST_NOTES = 3


@dataclass
class Profile:
    """Everything one profile shows."""

    student: Student
    grades: list = field(default_factory=list)  # [(Qualification, {kind: GradeEntry|None})]
    grade_charts: list[charts.GradeChart] = field(default_factory=list)
    survey_scores: list = field(default_factory=list)  # [surveys.services.ScaleHistory]
    dosage: list = field(default_factory=list)
    enrichment: list[Intervention] = field(default_factory=list)
    competitions: list[CompetitionResult] = field(default_factory=list)
    post16: list[Post16Record] = field(default_factory=list)
    ucas: list[UcasApplication] = field(default_factory=list)
    destination: Destination | None = None
    notes: list[StudentNote] = field(default_factory=list)


def _by_student(model: type, ids: list[int], *options: Any) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for row in db.session.scalars(select(model).where(model.student_id.in_(ids)).options(*options)):
        out[row.student_id].append(row)
    return out


def load_profiles(
    student_ids: list[int], errors: dict[int, Exception] | None = None
) -> list[Profile]:
    """Return the profiles of the students with these ids (already scoped by the caller), in
    the order given, in a fixed number of queries whatever the number of students: students,
    their groups, each kind of record, dosage, enrichment attended and the surveys' own two.

    With `errors`, a student whose records cannot be made into a profile (a stored grade off
    its scale, say) is left out and the exception kept there under their id; without it,
    the exception is raised."""
    from surveys.services import scores_for_students  # tracking reads surveys, never the reverse

    if not student_ids:
        return []
    ids = list(dict.fromkeys(student_ids))
    students = {
        s.id: s
        for s in db.session.scalars(
            select(Student)
            .where(Student.id.in_(ids))
            .options(joinedload(Student.school), selectinload(Student.groups))
        )
    }
    grades = _by_student(GradeRecord, ids)
    post16 = _by_student(Post16Record, ids)
    ucas = _by_student(UcasApplication, ids)
    destinations = _by_student(Destination, ids)
    competitions = _by_student(CompetitionResult, ids)
    notes = _by_student(StudentNote, ids, joinedload(StudentNote.author))
    enrichment: dict[int, list[Intervention]] = defaultdict(list)
    for attendance in db.session.scalars(
        select(Attendance)
        .join(Intervention, Intervention.id == Attendance.intervention_id)
        .where(
            Attendance.student_id.in_(ids),
            Attendance.status == AttendanceStatus.PRESENT,
            Intervention.type == InterventionType.ENRICHMENT,
        )
        .options(joinedload(Attendance.intervention))
    ):
        enrichment[attendance.student_id].append(attendance.intervention)
    doses = dosage(ids)
    scores = scores_for_students(ids)
    profiles = []
    for sid in ids:
        if sid not in students:
            continue
        try:
            profiles.append(
                _profile(
                    students[sid],
                    grades=grades.get(sid, []),
                    post16=post16.get(sid, []),
                    ucas=ucas.get(sid, []),
                    destinations=destinations.get(sid, []),
                    competitions=competitions.get(sid, []),
                    notes=notes.get(sid, []),
                    enrichment=enrichment.get(sid, []),
                    dosage=doses.get(sid, []),
                    scores=scores.get(sid, []),
                )
            )
        except Exception as error:
            if errors is None:
                raise
            errors[sid] = error
    return profiles


def _profile(student: Student, **rows: list) -> Profile:
    progress = current_progress(rows["grades"], rows["post16"], rows["ucas"], rows["destinations"])
    return Profile(
        student=student,
        grades=progress.grades,
        grade_charts=charts.grade_charts(progress.entries),
        survey_scores=rows["scores"],
        dosage=rows["dosage"],
        enrichment=sorted(rows["enrichment"], key=lambda i: (i.held_on, i.id)),
        competitions=sorted(rows["competitions"], key=lambda r: (r.taken_on, r.id)),
        post16=progress.post16,
        ucas=progress.ucas,
        destination=progress.destination,
        notes=sorted(rows["notes"], key=lambda n: (n.created_at, n.id), reverse=True)[
            :LATEST_NOTES
        ],
    )


def load_profile(student: Student) -> Profile:
    """Return the profile of one student (see `load_profiles`)."""
    return load_profiles([student.id])[0]


def record_export(
    actor: User | None,
    students: list[Student],
    *,
    sensitive: bool,
    what: str,
    entity: Any = None,
) -> None:
    """Audit an export of profiles: who, which students, with sensitive flags or not.
    Flushed with the caller's transaction, never committed."""
    if not students and entity is None:
        return
    subject = entity if entity is not None else students[0]
    names = ", ".join(s.full_name for s in students[:5])
    more = f" and {len(students) - 5} more" if len(students) > 5 else ""
    audit.record(
        actor,
        "profile.export",
        subject,
        school_id=students[0].school_id if students else getattr(entity, "school_id", None),
        summary=f"Exported {what} ({'with' if sensitive else 'without'} sensitive flags): "
        f"{names}{more}",
        after={
            "what": what,
            "sensitive": sensitive,
            "students": [s.upn for s in students],
            "on": date.today().isoformat(),
        },
    )
