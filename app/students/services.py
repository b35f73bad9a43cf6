"""Writes to students. Services flush, record the audit event and never commit."""

from sqlalchemy import select

from app import audit
from app.codes import new_code
from app.extensions import db
from app.models import Student, User

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
    "sen",
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


def update_student(actor: User | None, student: Student, data: dict) -> bool:
    """Apply validated `data` to `student`; audit what changed. Return True if anything did."""
    return audit.edited(
        actor,
        "student.update",
        student,
        STUDENT_FIELDS,
        data,
        summary=f"Edited {student.full_name}",
    )


def set_target(actor: User | None, student: Student, is_target: bool) -> bool:
    """Mark or unmark `student` as a target student."""
    return update_student(actor, student, {"is_target": is_target})
