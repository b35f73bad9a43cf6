"""Who may see which records. Every route that loads a record by id goes through these
queries, so a record of another school is a 404, never a leak. Which actions a role may do
at all is the permission matrix, `app.permissions`."""

from flask import abort
from sqlalchemy import Select, false, select

from app.extensions import db
from app.models import Role, School, Student, User


def scoped(user: User, model: type) -> Select:
    """Select the rows of `model` that `user` may see, keyed on the row's school.

    Schools: every school for admins and evaluators, their own for the rest. Staff accounts:
    every one for admins, their own school's for leads, none for others. Any other record
    (a student, a group, a survey session, a grade...): every one for admins, their own
    school's for leads and teachers, none for evaluators. A record is keyed on its own
    `school_id`, or on its student's school when it has only a `student_id`.
    """
    stmt = select(model)
    if model is School:
        if user.role in (Role.ADMIN, Role.EVALUATOR):
            return stmt
        return stmt.where(School.id == user.school_id) if user.school_id else stmt.where(false())
    staff = (Role.LEAD,) if model is User else (Role.LEAD, Role.TEACHER)
    if user.role == Role.ADMIN:
        return stmt
    if user.role not in staff or not user.school_id:
        return stmt.where(false())
    if hasattr(model, "school_id"):
        return stmt.where(model.school_id == user.school_id)
    own_students = select(Student.id).where(Student.school_id == user.school_id)
    return stmt.where(model.student_id.in_(own_students))


def get_or_404(user: User, model: type, ident: int):
    """Return the `model` row with id `ident` if `user` may see it; otherwise abort with 404
    (another school's record is as absent as a missing one)."""
    return db.first_or_404(scoped(user, model).where(model.id == ident))


def own_school(user: User) -> School:
    """Return the school `user` works in, for what belongs to one school (a new student, a
    group, an intervention, an import); 403 for accounts of no school (admins act for a
    school by signing in as its lead)."""
    if user.school_id is None:
        abort(403)
    return user.school


# What a message may say when a UPN or an email is in use at another school: nothing that
# tells a school's staff what exists elsewhere (the same words wherever it exists).
UPN_NOT_HERE = (
    "This UPN cannot be used here; the programme admin can move a student between schools."
)
EMAIL_NOT_HERE = "This email cannot be used for a new account here; ask the programme admin."


def upn_taken_message(user: User, student_id: int) -> str:
    """Why a UPN that student `student_id` has cannot be given to another: said plainly to
    whoever may see that student, UPN_NOT_HERE to anyone else."""
    visible = db.session.scalar(scoped(user, Student).where(Student.id == student_id))
    return "Another student already has this UPN" if visible is not None else UPN_NOT_HERE
