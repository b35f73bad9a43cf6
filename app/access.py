"""Who may see what. Every route that loads a record by id goes through these queries,
so a record of another school is a 404, never a leak."""

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import Select, false, select

from app.extensions import db
from app.models import Group, Role, School, Student, User


def students_for(user: User) -> Select:
    """Select the students `user` may see: all for admins, own school for staff, none else."""
    stmt = select(Student)
    if user.role == Role.ADMIN:
        return stmt
    if user.role in (Role.LEAD, Role.TEACHER) and user.school_id:
        return stmt.where(Student.school_id == user.school_id)
    return stmt.where(false())


def groups_for(user: User) -> Select:
    """Select the groups `user` may see, scoped like students."""
    stmt = select(Group)
    if user.role == Role.ADMIN:
        return stmt
    if user.role in (Role.LEAD, Role.TEACHER) and user.school_id:
        return stmt.where(Group.school_id == user.school_id)
    return stmt.where(false())


def users_for(user: User) -> Select:
    """Select the staff accounts `user` may manage: all for admins, own school for leads."""
    stmt = select(User)
    if user.role == Role.ADMIN:
        return stmt
    if user.role == Role.LEAD and user.school_id:
        return stmt.where(User.school_id == user.school_id)
    return stmt.where(false())


def schools_for(user: User) -> Select:
    """Select the schools `user` may see: all for admins and evaluators, else their own."""
    stmt = select(School)
    if user.role in (Role.ADMIN, Role.EVALUATOR):
        return stmt
    if user.school_id:
        return stmt.where(School.id == user.school_id)
    return stmt.where(false())


def get_or_404(stmt: Select, model, ident: int):
    """Return the row of `model` with id `ident` within `stmt`; abort 404 if it is not there."""
    return db.first_or_404(stmt.where(model.id == ident))


def student_or_404(user: User, student_id: int) -> Student:
    """Return the student if `user` may see it; otherwise abort with 404."""
    return get_or_404(students_for(user), Student, student_id)


def group_or_404(user: User, group_id: int) -> Group:
    """Return the group if `user` may see it; otherwise abort with 404."""
    return get_or_404(groups_for(user), Group, group_id)


def user_or_404(user: User, user_id: int) -> User:
    """Return the account if `user` may manage it; otherwise abort with 404."""
    return get_or_404(users_for(user), User, user_id)


def school_or_404(user: User, school_id: int) -> School:
    """Return the school if `user` may see it; otherwise abort with 404."""
    return get_or_404(schools_for(user), School, school_id)


def roles_required(*roles: Role) -> Callable:
    """Require a signed-in user with one of `roles`; others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


STUDENT_STAFF = (Role.ADMIN, Role.LEAD, Role.TEACHER)
school_staff_required = roles_required(*STUDENT_STAFF)
