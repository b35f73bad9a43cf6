"""Moving a student to another school (an admin's action): their records follow them, their
group memberships at the old school end, and the move is audited with from, to, who and why.
Like every service it flushes and never commits."""

from sqlalchemy import delete, select

from app import audit
from app.admin.services import AdminError
from app.extensions import db
from app.models import GroupMember, School, Student, User

REASON_MAX = 200


def move_problems(student: Student, school: School | None, reason: str) -> dict[str, str]:
    """Return field -> why `student` cannot move to `school` for `reason` (empty if it can)."""
    problems: dict[str, str] = {}
    if school is None:
        problems["school"] = "Choose the school the student is moving to."
    elif school.id == student.school_id:
        problems["school"] = f"{student.full_name} is already at {school.name}."
    elif db.session.scalar(
        select(Student.id).where(Student.school_id == school.id, Student.upn == student.upn)
    ):
        problems["school"] = (
            f"{school.name} already has a student with UPN {student.upn}: "
            "the student cannot be moved there."
        )
    if not reason:
        problems["reason"] = "Say why the student is moving: it is kept in the audit log."
    elif len(reason) > REASON_MAX:
        problems["reason"] = f"Use at most {REASON_MAX} characters."
    return problems


def move_student(actor: User | None, student: Student, school: School | None, reason: str):
    """Move `student` to `school`. Their grades, records, survey answers and attendance stay
    theirs (they are keyed on the student, so they follow); their groups belong to the old
    school, so those memberships end. Raises AdminError if the move is not possible."""
    reason = (reason or "").strip()
    problems = move_problems(student, school, reason)
    if problems:
        raise AdminError(problems)
    old = student.school
    groups = [g.name for g in student.groups]
    db.session.execute(delete(GroupMember).where(GroupMember.student_id == student.id))
    db.session.expire(student, ["groups"])
    student.school_id = school.id
    db.session.flush()
    db.session.expire(student, ["school"])
    audit.record(
        actor,
        "student.move",
        student,
        school_id=school.id,
        summary=f"Moved {student.full_name} from {old.name} to {school.name}: {reason}",
        before={"school_id": old.id, "school": old.name, "groups": groups},
        after={"school_id": school.id, "school": school.name, "reason": reason},
    )
    return old
