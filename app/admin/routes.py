"""Programme administration: schools, staff accounts, moving students between schools and
the audit log."""

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload

from app import areas
from app.access import get_or_404, scoped
from app.admin import moves, services
from app.admin.forms import AuditFilterForm, MoveStudentForm, SchoolForm, UserForm
from app.extensions import db
from app.models import AuditEvent, Role, School, Student, User
from app.permissions import permission_required, roles_for
from app.web import paginate, render, see_other

bp = Blueprint("admin", __name__)

# "Move to another school" among the student page's actions, for whoever may move students.
bp.record_once(
    lambda state: areas.add_student_action(
        state.app, areas.PageAction("admin/_move_action.html", roles_for("students.move"), 90)
    )
)

AUDIT_PAGE_SIZE = 50
USERS_PAGE_SIZE = 100


def _all_schools() -> list[School]:
    return list(db.session.scalars(select(School).order_by(School.name, School.urn)))


def _school_summaries() -> list:
    """Each school with its numbers of students and active staff accounts, in one query."""
    students = (
        select(Student.school_id, func.count().label("n")).group_by(Student.school_id).subquery()
    )
    staff = (
        select(User.school_id, func.count().label("n"))
        .where(User.active.is_(True))
        .group_by(User.school_id)
        .subquery()
    )
    stmt = (
        select(
            School,
            func.coalesce(students.c.n, 0).label("students"),
            func.coalesce(staff.c.n, 0).label("staff"),
        )
        .outerjoin(students, students.c.school_id == School.id)
        .outerjoin(staff, staff.c.school_id == School.id)
        .order_by(School.name, School.urn)
    )
    return list(db.session.execute(stmt))


def _apply_problems(form, error: services.AdminError) -> None:
    """Show a service's refusal next to the fields it is about."""
    for name, message in error.problems.items():
        field = form._fields.get(name)
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


@bp.get("/schools")
@permission_required("programme.view")
def schools():
    # Evaluators see numbers only: this page never loads a student's name.
    return render("admin/schools.html", rows=_school_summaries())


@bp.route("/schools/new", methods=["GET", "POST"])
@permission_required("schools.manage")
def new_school():
    form = SchoolForm()
    if form.validate_on_submit():
        try:
            school = services.create_school(current_user, urn=form.urn.data, name=form.name.data)
        except services.AdminError as error:
            db.session.rollback()
            _apply_problems(form, error)
        else:
            db.session.commit()
            flash(f"Added school {school.name} (URN {school.urn}).")
            return see_other(url_for("admin.schools"))
    return render("admin/school_form.html", form=form)


@bp.get("/users")
@permission_required("staff.manage")
def users():
    stmt = (
        scoped(current_user, User)
        .outerjoin(User.school)
        .options(contains_eager(User.school))
        # Admins and evaluators (no school) first, the same on SQLite and PostgreSQL.
        .order_by(School.id.is_not(None), School.name, User.name, User.email)
    )
    page = paginate(stmt, per_page=USERS_PAGE_SIZE)
    return render("admin/users.html", page=page)


@bp.route("/users/new", methods=["GET", "POST"])
@permission_required("staff.manage")
def new_user():
    form = UserForm()
    is_lead = current_user.role == Role.LEAD
    if is_lead:
        # A lead adds teachers to their own school only: no choice to make, none to forge.
        del form.role
        del form.school
    else:
        form.set_schools(_all_schools())
    if form.validate_on_submit():
        if is_lead:
            role, school_id = Role.TEACHER, current_user.school_id
        else:
            role, school_id = Role(form.role.data), form.school_id
        if not services.may_create_user(current_user, role, school_id):
            abort(403)
        try:
            account = services.create_user(
                current_user,
                email=form.email.data,
                name=form.name.data,
                role=role,
                school_id=school_id,
                password=form.password.data,
            )
        except services.AdminError as error:
            db.session.rollback()
            _apply_problems(form, error)
        else:
            db.session.commit()
            flash(f"Added the account of {account.display_name} ({account.email}).")
            return see_other(url_for("admin.user", user_id=account.id))
    return render("admin/user_form.html", form=form, is_lead=is_lead)


@bp.get("/users/<int:user_id>")
@permission_required("staff.manage")
def user(user_id: int):
    account = get_or_404(current_user, User, user_id)
    return render(
        "admin/user.html",
        account=account,
        may_change=services.may_change_status(current_user, account),
    )


def _set_active(user_id: int, active: bool):
    account = get_or_404(current_user, User, user_id)
    if not services.may_change_status(current_user, account):
        abort(403)
    changed = services.set_active(current_user, account, active)
    db.session.commit()
    name = account.display_name
    if not changed:
        flash(f"{name}'s account was already {'active' if active else 'deactivated'}.")
    elif active:
        flash(f"Reactivated {name}'s account. They can sign in again.")
    else:
        flash(f"Deactivated {name}'s account. They have been signed out everywhere.")
    return see_other(url_for("admin.user", user_id=account.id))


@bp.post("/users/<int:user_id>/deactivate")
@permission_required("staff.manage")
def deactivate(user_id: int):
    return _set_active(user_id, active=False)


@bp.post("/users/<int:user_id>/reactivate")
@permission_required("staff.manage")
def reactivate(user_id: int):
    return _set_active(user_id, active=True)


@bp.get("/audit")
@permission_required("audit.view")
def audit():
    schools = _all_schools()
    filters = AuditFilterForm(request.args)
    filters.set_schools(schools)
    stmt = select(AuditEvent).options(
        selectinload(AuditEvent.actor), selectinload(AuditEvent.school)
    )
    if filters.school_id is not None:
        stmt = stmt.where(AuditEvent.school_id == filters.school_id)
    stmt = stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    page = paginate(stmt, per_page=AUDIT_PAGE_SIZE)
    return render(
        "admin/audit.html", block="results", page=page, filters=filters, school_id=filters.school_id
    )


@bp.route("/students/<int:student_id>/move", methods=["GET", "POST"])
@permission_required("students.move")
def move_student(student_id: int):
    student = get_or_404(current_user, Student, student_id)
    form = MoveStudentForm()
    form.set_schools([s for s in _all_schools() if s.id != student.school_id])
    if form.validate_on_submit():
        school = db.session.get(School, form.school_id) if form.school_id else None
        try:
            old = moves.move_student(current_user, student, school, form.reason.data)
        except services.AdminError as error:
            db.session.rollback()
            _apply_problems(form, error)
        else:
            db.session.commit()
            flash(f"Moved {student.full_name} from {old.name} to {school.name}.", "success")
            return see_other(url_for("students.show", student_id=student.id))
    return render("admin/move_student.html", form=form, student=student), (
        422 if form.errors else 200
    )
