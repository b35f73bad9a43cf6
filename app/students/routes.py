"""The roster: list with live search and filters, a student's page, edit, target mark."""

from datetime import date

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import areas, conflicts
from app.access import get_or_404, own_school, scoped, upn_taken_message
from app.extensions import db
from app.models import Role, School, Student
from app.permissions import permission_required
from app.students import services
from app.students.forms import StudentForm
from app.students.queries import RosterFilters, apply_filters
from app.web import paginate, render, see_other

bp = Blueprint("students", __name__, url_prefix="/students")


@bp.get("/")
@permission_required("students.view")
def index():
    today = date.today()
    filters = RosterFilters.from_args(request.args)
    stmt = apply_filters(scoped(current_user, Student), filters, today).options(
        selectinload(Student.groups), selectinload(Student.school)
    )
    page = paginate(stmt, per_page=current_app.config["ROSTER_PAGE_SIZE"])
    schools = (
        db.session.scalars(scoped(current_user, School).order_by("name")).all()
        if current_user.role == Role.ADMIN
        else []
    )
    return render(
        "students/index.html",
        "results",
        page=page,
        filters=filters,
        schools=schools,
        today=today,
    )


def _unique_upn_error(form: StudentForm, student: Student | None) -> bool:
    clash = db.session.scalar(select(Student.id).where(Student.upn == form.upn.data))
    if clash is not None and (student is None or clash != student.id):
        form.upn.errors.append(upn_taken_message(current_user, clash))
        return True
    return False


@bp.route("/new", methods=["GET", "POST"])
@permission_required("students.edit")
def new():
    own_school(current_user)
    today = date.today()
    form = StudentForm()
    if form.validate_on_submit() and not _unique_upn_error(form, None):
        student = services.create_student(
            current_user, current_user.school_id, form.student_data(today)
        )
        db.session.commit()
        flash(f"Added {student.full_name}.", "success")
        return see_other(url_for("students.show", student_id=student.id))
    return render("students/edit.html", form=form, student=None)


@bp.get("/<int:student_id>")
@permission_required("students.view")
def show(student_id: int):
    student = get_or_404(current_user, Student, student_id)
    return render(
        "students/show.html",
        student=student,
        today=date.today(),
        sections=areas.student_sections(student),
    )


@bp.route("/<int:student_id>/edit", methods=["GET", "POST"])
@permission_required("students.edit")
def edit(student_id: int):
    student = get_or_404(current_user, Student, student_id)
    today = date.today()
    form = StudentForm()
    if request.method == "GET":
        form.fill_from(student, today)
    elif form.validate_on_submit() and not _unique_upn_error(form, student):
        data = form.student_data(today)
        if int(form.year_group.data) == student.year_group(today):
            # Keep the stored entry year of a leaver whose year group shows clamped to 13.
            data.pop("entry_year")
        try:
            changed = services.update_student(
                current_user, student, data, conflicts.shown_version(form.version.data)
            )
        except conflicts.EditConflict:
            db.session.rollback()  # nothing written; `student` reloads as stored now
            stored = StudentForm(formdata=None)
            stored.fill_from(student, today)
            notice = conflicts.notice(student, form, stored)
            return render("students/edit.html", form=form, student=student, notice=notice), 409
        if changed:
            db.session.commit()
            flash(f"Saved changes to {student.full_name}.", "success")
        else:
            flash("Nothing was changed.", "success")
        return see_other(url_for("students.show", student_id=student.id))
    return render("students/edit.html", form=form, student=student)


@bp.post("/<int:student_id>/target")
@permission_required("students.mark_target")
def target(student_id: int):
    student = get_or_404(current_user, Student, student_id)
    wanted = request.form.get("is_target")
    if wanted not in ("1", "0"):
        abort(400)
    services.set_target(current_user, student, wanted == "1")
    db.session.commit()
    if request.htmx:
        return render("students/show.html", "target_toggle", student=student, today=date.today())
    flash(
        f"{student.full_name} is {'now' if student.is_target else 'no longer'} a target student.",
        "success",
    )
    return see_other(url_for("students.show", student_id=student.id))
