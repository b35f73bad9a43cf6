"""Writes to students. Services flush, record the audit event and never commit."""

from sqlalchemy import insert, select

from app import audit, conflicts
from app.codes import new_code
from app.extensions import db
from app.models import AuditEvent, Student, User, _refresh_search_text, utcnow
from app.students import baseline

STUDENT_FIELDS = (
    "upn",
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "entry_year",
    "pupil_premium",
    "fsm_ever6",
    "looked_after",
    "previously_looked_after",
    "sen",
    "sex",
    "pupil_premium_as_at",
    "ks2_maths",
    "is_target",
    "survey_opt_out",
    "left_on",
)


def unused_survey_code() -> str:
    """Return a personal survey code no student has yet."""
    while True:
        code = new_code(6)
        if db.session.scalar(select(Student.id).where(Student.survey_code == code)) is None:
            return code


def create_student(actor: User | None, school_id: int, data: dict) -> Student:
    """Add a student to `school_id` from validated `data` (keys from STUDENT_FIELDS)."""
    student = Student(school_id=school_id, survey_code=unused_survey_code())
    for name in STUDENT_FIELDS:
        if name in data:
            setattr(student, name, data[name])
    return audit.created(
        actor, "student.create", student, STUDENT_FIELDS, summary=f"Added {student.full_name}"
    )


def update_student(
    actor: User | None,
    student: Student,
    data: dict,
    version: int | None = None,
    target_reason: str = "",
) -> bool:
    """Apply validated `data` to `student`; audit what changed. Return True if anything did.

    `version` is the one the edit form showed (None: not checked, as for imports): raises
    EditConflict, changing nothing, when the student has changed since (see app.conflicts).
    A change of the target mark after the cohort's target list was confirmed needs
    `target_reason` (raises baseline.ReasonRequired, changing nothing) and is audited with it.
    """
    conflicts.check(student, version, {k: v for k, v in data.items() if k in STUDENT_FIELDS})
    data = dict(data)
    target = data.pop("is_target", None)
    target_changes = target is not None and bool(target) != bool(student.is_target)
    if target_changes and not target_reason.strip() and baseline.baseline_of(student):
        raise baseline.ReasonRequired("Give a reason for changing the target mark")
    with conflicts.stale_guard(student):
        changed = audit.edited(
            actor,
            "student.update",
            student,
            STUDENT_FIELDS,
            data,
            summary=f"Edited {student.full_name}",
        )
    if target_changes:
        changed = baseline.set_target(actor, student, bool(target), target_reason) or changed
    return changed


def set_target(actor: User | None, student: Student, is_target: bool, reason: str = "") -> bool:
    """Mark or unmark `student` as a target student (see baseline.set_target)."""
    return baseline.set_target(actor, student, is_target, reason)


# Bulk variants for imports: the same rows and audit entries, in a few statements per chunk.


def unused_survey_codes(count: int) -> list[str]:
    """Return `count` distinct personal survey codes no student has yet: one query for all
    of them (and another only in the rare case that one was taken)."""
    codes: set[str] = set()
    while len(codes) < count:
        wanted = {new_code(6) for _ in range(count - len(codes))} - codes
        taken = db.session.scalars(
            select(Student.survey_code).where(Student.survey_code.in_(wanted))
        )
        codes |= wanted - set(taken)
    return sorted(codes)


def create_students(actor: User | None, school_id: int, rows: list[dict]) -> list[Student]:
    """Add a student to `school_id` for each validated dict of `rows` (keys from
    STUDENT_FIELDS), as `create_student` does: a personal survey code each, an audit entry
    each saying who added them with which values. Built in Python first, then written in
    three statements whatever the number of rows (a bulk INSERT of the students, a SELECT of
    their ids, a bulk INSERT of their audit entries), so that an import holds the database
    for a moment only. Returns the students in the order of `rows`, with their ids, NOT
    attached to the session (load them to change them)."""
    if not rows:
        return []
    columns = Student.__table__.columns
    students, values, events = [], [], []
    for data, code in zip(rows, unused_survey_codes(len(rows)), strict=True):
        student = Student(school_id=school_id, survey_code=code)
        for name in STUDENT_FIELDS:
            default = columns[name].default
            value = data.get(name, default.arg if default is not None else None)
            setattr(student, name, value)
        _refresh_search_text(None, None, student)  # the model's rule, as a flush applies it
        students.append(student)
        values.append(
            {name: getattr(student, name) for name in (*STUDENT_FIELDS, "search_text")}
            | {"school_id": school_id, "survey_code": code}
        )
        events.append(
            audit.record(
                actor,
                "student.create",
                student,
                summary=f"Added {student.full_name}",
                after=audit.snapshot(student, STUDENT_FIELDS),
            )
        )
    for event in events:  # written below in one statement, once their students have ids
        db.session.expunge(event)
    db.session.execute(insert(Student), values)
    ids = dict(
        db.session.execute(
            select(Student.upn, Student.id).where(Student.upn.in_([s.upn for s in students]))
        ).all()
    )
    now = utcnow()
    names = [c.key for c in AuditEvent.__table__.columns if c.key != "id"]
    for student, event in zip(students, events, strict=True):
        student.id = event.entity_id = ids[student.upn]
    db.session.execute(
        insert(AuditEvent),
        [{**{name: getattr(e, name) for name in names}, "at": e.at or now} for e in events],
    )
    return students


def update_students(actor: User | None, edits: list[tuple[Student, dict]]) -> int:
    """Apply validated data to each student of `edits`, as `update_student` does (one audit
    entry of what changed per student changed), in one flush. Return how many changed."""
    changed = []
    for student, data in edits:
        before = audit.snapshot(student, STUDENT_FIELDS)
        for name in STUDENT_FIELDS:
            if name in data:
                setattr(student, name, data[name])
        old, new = audit.changes(before, audit.snapshot(student, STUDENT_FIELDS))
        if new:
            changed.append((student, old, new))
    db.session.flush()
    for student, old, new in changed:
        audit.record(
            actor,
            "student.update",
            student,
            summary=f"Edited {student.full_name}: {', '.join(sorted(new))}",
            before=old,
            after=new,
        )
    return len(changed)
