"""Writes to progression records. Services validate, flush and audit; they never commit.

Every function that takes an `actor` records an audit event (actor None = the command line or
an import without a signed-in user). A record's student must already be scoped to the actor
by the caller (`student_or_404`); these functions do not check access.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from app import audit, conflicts
from app.extensions import db
from app.models import Student, User, utcnow
from tracking import grades
from tracking.grades import GradeError
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
from tracking.vocabulary import AttendanceStatus, InterventionType, Source

__all__ = [
    "GradeError",
    "RecordError",
    "record_grade",
    "update_grade",
    "add_record",
    "update_record",
    "delete_record",
    "create_intervention",
    "update_intervention",
    "mark_attendance",
    "dosage",
]


class RecordError(ValueError):
    """Raised for a record that cannot be stored, with a message fit to show the user."""


# The fields of each record kind that staff write (and the audit log shows).
FIELDS: dict[type, tuple[str, ...]] = {
    GradeRecord: GradeRecord.FIELDS,
    Post16Record: Post16Record.FIELDS,
    UcasApplication: (
        "course",
        "provider",
        "subject",
        "subject_category",
        "status",
        "recorded_on",
        "source",
    ),
    Destination: Destination.FIELDS,
    CompetitionResult: ("competition", "taken_on", "award", "follow_on", "source"),
    StudentNote: ("text",),
}
INTERVENTION_FIELDS = (
    "type",
    "subtype",
    "title",
    "held_on",
    "duration_minutes",
    "provider",
    "mentor",
    "group_id",
)
_ENTITY_NAMES = {
    GradeRecord: "grade",
    Post16Record: "post-16 record",
    UcasApplication: "UCAS application",
    Destination: "destination",
    CompetitionResult: "competition result",
    StudentNote: "note",
}


def _source(source: str) -> str:
    try:
        return Source(source).value
    except ValueError:
        raise RecordError(f"Unknown source '{source}' (entered or imported)") from None


def _checked_grade(data: dict[str, Any]) -> dict[str, Any]:
    """Return grade data normalised by tracking.grades; raise GradeError if off its scale."""
    return grades.checked(data)


def record_grade(
    actor: User | None,
    student: Student,
    qualification: str,
    kind: str,
    grade: str | int,
    tier: str | None = None,
    recorded_on: date | None = None,
    source: str = Source.ENTERED,
    term: str | None = None,
    series: date | str | None = None,
) -> GradeRecord:
    """Add a new grade record for `student` (a new row: older grades stay as history).

    The grade is validated and normalised with tracking.grades (" a* " -> "A*"); the tier is
    required for a GCSE Maths mock or final grade and refused for other qualifications.
    `recorded_on` defaults to today; `term` (e.g. "2025/26 spring") is kept alongside it, and
    a final's exam `series` ("June 2026", see grades.validate_series).
    Raises GradeError (a ValueError) with a message fit to show the user, e.g. "Grade 6 is
    not on the foundation tier (5-1, U)", and RecordError for an unknown source; nothing is
    added then. Flushes and audits; never commits.
    """
    data = _checked_grade(
        {
            "qualification": qualification,
            "kind": kind,
            "grade": grade,
            "tier": tier,
            "recorded_on": recorded_on or date.today(),
            "term": (term or "").strip() or None,
            "series": series,
            "source": _source(source),
        }
    )
    return _add(actor, student, GradeRecord, data)


def update_grade(
    actor: User | None, record: GradeRecord, data: dict[str, Any], version: int | None = None
) -> bool:
    """Correct a grade record in place with `data` (validated as in `record_grade`).

    Raises GradeError if the result is off its scale, EditConflict as `update_record` does
    (changing nothing), and returns True if anything changed (audited, before and after)."""
    merged = {name: getattr(record, name) for name in FIELDS[GradeRecord]}
    merged.update(data)
    return _update(actor, record, _checked_grade(merged), version)


def add_record(actor: User | None, student: Student, model: type, data: dict[str, Any]) -> Any:
    """Add a post-16 record, UCAS application, destination, competition result or note.

    `data` holds validated values of FIELDS[model] (forms.py validates choices). Grades go
    through `record_grade`. Flushes and audits; never commits.
    """
    if model is GradeRecord:
        raise RecordError("Use record_grade for grades")
    if model is StudentNote:
        return _add(actor, student, StudentNote, {"text": data["text"]}, author=True)
    data = {**data, "source": _source(data.get("source") or Source.ENTERED)}
    return _add(actor, student, model, data)


def update_record(
    actor: User | None, record: Any, data: dict[str, Any], version: int | None = None
) -> bool:
    """Correct a record in place with validated `data`; audit before/after. True if changed.

    `version` is the one the form showed (None: not checked): raises EditConflict, changing
    nothing, when the record has changed since (see app.conflicts)."""
    if isinstance(record, GradeRecord):
        return update_grade(actor, record, data, version)
    return _update(actor, record, data, version)


def delete_record(actor: User | None, record: Any) -> None:
    """Delete a student record (a mistake), keeping what it said in the audit log."""
    model = type(record)
    student = db.session.get(Student, record.student_id)
    audit.record(
        actor,
        f"{model.__tablename__}.delete",
        record,
        school_id=student.school_id if student else None,
        summary=f"Deleted a {_ENTITY_NAMES[model]} of {student.full_name if student else '?'}",
        before=audit.snapshot(record, FIELDS[model]),
    )
    db.session.delete(record)
    db.session.flush()


def _add(actor: User | None, student: Student, model: type, data: dict, author: bool = False):
    record = model(student_id=student.id, **data)
    if author:
        record.author_id = actor.id if actor else None
    else:
        record.entered_by_id = actor.id if actor else None
    return audit.created(
        actor,
        f"{model.__tablename__}.create",
        record,
        FIELDS[model],
        school_id=student.school_id,
        summary=f"Added a {_ENTITY_NAMES[model]} for {student.full_name}",
    )


def _update(actor: User | None, record: Any, data: dict[str, Any], version: int | None) -> bool:
    model = type(record)
    data = {k: v for k, v in data.items() if k in FIELDS[model] and k != "source"}
    conflicts.check(record, version, data)
    student = db.session.get(Student, record.student_id)
    with conflicts.stale_guard(record):
        return audit.edited(
            actor,
            f"{model.__tablename__}.update",
            record,
            FIELDS[model],
            data,
            school_id=student.school_id,
            summary=f"Corrected a {_ENTITY_NAMES[model]} of {student.full_name}",
        )


def _check_intervention(data: dict[str, Any]) -> dict[str, Any]:
    try:
        kind = InterventionType(data["type"])
    except ValueError:
        raise RecordError(f"Unknown kind of intervention '{data['type']}'") from None
    if kind is not InterventionType.ENRICHMENT:
        data = {**data, "subtype": None}
    elif not data.get("subtype"):
        raise RecordError("Choose the kind of enrichment")
    if kind is not InterventionType.PEER_MENTORING:
        data = {**data, "mentor": None}
    if not data.get("duration_minutes") or data["duration_minutes"] <= 0:
        raise RecordError("Enter the duration in minutes")
    return data


def create_intervention(actor: User | None, school_id: int, data: dict[str, Any]) -> Intervention:
    """Create an intervention of `school_id` from validated data (keys INTERVENTION_FIELDS).

    The group, if any, must already be scoped to the school by the caller. Raises
    RecordError for an enrichment without its kind or a duration that is not positive.
    """
    data = _check_intervention(data)
    intervention = Intervention(
        school_id=school_id, created_by_id=actor.id if actor else None, **data
    )
    return audit.created(
        actor,
        "intervention.create",
        intervention,
        INTERVENTION_FIELDS,
        summary=f"Added intervention {intervention.title}",
    )


def update_intervention(
    actor: User | None, intervention: Intervention, data: dict, version: int | None = None
) -> bool:
    """Edit an intervention with validated data (every key of INTERVENTION_FIELDS, as the
    form gives them); audit what changed. Return True if anything did. Raises RecordError
    (as `create_intervention`) and EditConflict (as `update_record`), changing nothing."""
    data = _check_intervention(data)
    conflicts.check(intervention, version, data)
    with conflicts.stale_guard(intervention):
        return audit.edited(
            actor,
            "intervention.update",
            intervention,
            INTERVENTION_FIELDS,
            data,
            summary=f"Edited intervention {intervention.title}",
        )


def delete_intervention(actor: User | None, intervention: Intervention) -> int:
    """Delete an intervention entered by mistake, and its register with it; the audit log
    keeps what it was and how many attendance marks went. Returns that number."""
    marks = db.session.scalar(
        select(func.count())
        .select_from(Attendance)
        .where(Attendance.intervention_id == intervention.id)
    )
    audit.record(
        actor,
        "intervention.delete",
        intervention,
        summary=f"Deleted intervention {intervention.title} and {marks} attendance marks",
        before={**audit.snapshot(intervention, INTERVENTION_FIELDS), "attendance_marks": marks},
    )
    db.session.delete(intervention)
    db.session.flush()
    return marks


def mark_attendance(
    actor: User | None, intervention: Intervention, student: Student, status: str
) -> Attendance:
    """Record a student's attendance at an intervention: an upsert keyed by (intervention,
    student), so marking twice (a double click, a retry) never makes a second row.

    The student must be of the intervention's school (checked: RecordError otherwise).
    Audited only when the status changes.
    """
    try:
        status = AttendanceStatus(status).value
    except ValueError:
        raise RecordError(f"Unknown attendance '{status}'") from None
    if student.school_id != intervention.school_id:
        raise RecordError("That student is not at this intervention's school")
    before = db.session.scalar(
        select(Attendance.status).where(
            Attendance.intervention_id == intervention.id, Attendance.student_id == student.id
        )
    )
    values = {
        "intervention_id": intervention.id,
        "student_id": student.id,
        "status": status,
        "marked_by_id": actor.id if actor else None,
        "marked_at": utcnow(),
    }
    insert = (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)(
        Attendance
    )
    stmt = insert.values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["intervention_id", "student_id"],
        set_={k: stmt.excluded[k] for k in ("status", "marked_by_id", "marked_at")},
    )
    db.session.execute(stmt)
    row = db.session.scalars(
        select(Attendance)
        .where(Attendance.intervention_id == intervention.id, Attendance.student_id == student.id)
        .execution_options(populate_existing=True)
    ).one()
    if before != status:
        audit.record(
            actor,
            "attendance.mark",
            intervention,
            summary=f"Marked {student.full_name} {status} at {intervention.title}",
            before={"student": student.upn, "status": before},
            after={"student": student.upn, "status": status},
        )
    return row


@dataclass(frozen=True)
class Dosage:
    """Sessions and minutes a student attended (present) of one kind of intervention."""

    type: str
    sessions: int
    minutes: int


def dosage(student_ids: list[int] | Any) -> dict[int, list[Dosage]]:
    """Return `{student_id: [Dosage per intervention type]}` in one query.

    `student_ids` is a list of ids or a select of ids. Only "present" counts; students who
    attended nothing are left out. Types are in the order of InterventionType.
    """
    rows = db.session.execute(
        select(
            Attendance.student_id,
            Intervention.type,
            func.count(),
            func.coalesce(func.sum(Intervention.duration_minutes), 0),
        )
        .join(Intervention, Intervention.id == Attendance.intervention_id)
        .where(
            Attendance.student_id.in_(student_ids),
            Attendance.status == AttendanceStatus.PRESENT,
        )
        .group_by(Attendance.student_id, Intervention.type)
    ).all()
    order = {t.value: i for i, t in enumerate(InterventionType)}
    out: dict[int, list[Dosage]] = defaultdict(list)
    for student_id, kind, sessions, minutes in rows:
        out[student_id].append(Dosage(kind, int(sessions), int(minutes)))
    for items in out.values():
        items.sort(key=lambda d: order.get(d.type, 99))
    return dict(out)
