"""The roster: list with live search and filters, a student's page, edit, target mark."""

from datetime import date

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import academic, areas, conflicts
from app.access import get_or_404, own_school, scoped, upn_taken_message
from app.extensions import db
from app.models import Role, School, Student
from app.permissions import permission_required
from app.students import baseline, services
from app.students.forms import ConfirmTargetsForm, StudentForm
from app.students.queries import RosterFilters, apply_filters
from app.web import number_arg, paginate, render, see_other, text_arg

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
        baseline=baseline.baseline_of(student),
        sections=areas.student_sections(student),
    )


@bp.route("/<int:student_id>/edit", methods=["GET", "POST"])
@permission_required("students.edit")
def edit(student_id: int):
    student = get_or_404(current_user, Student, student_id)
    today = date.today()
    form = StudentForm()
    confirmed = baseline.baseline_of(student)
    if request.method == "GET":
        form.fill_from(student, today)
    elif form.validate_on_submit() and not _unique_upn_error(form, student):
        data = form.student_data(today)
        if int(form.year_group.data) == student.year_group(today):
            # Keep the stored entry year of a leaver whose year group shows clamped to 13.
            data.pop("entry_year")
        try:
            changed = services.update_student(
                current_user,
                student,
                data,
                conflicts.shown_version(form.version.data),
                target_reason=form.target_reason.data or "",
            )
        except conflicts.EditConflict:
            db.session.rollback()  # nothing written; `student` reloads as stored now
            stored = StudentForm(formdata=None)
            stored.fill_from(student, today)
            notice = conflicts.notice(student, form, stored)
            return render(
                "students/edit.html", form=form, student=student, notice=notice, baseline=confirmed
            ), 409
        except baseline.ReasonRequired:
            form.target_reason.errors.append(
                "Give a reason: this cohort's target list was confirmed on "
                f"{confirmed.confirmed_on:%d/%m/%Y}, so a change of the mark needs one"
            )
            return render("students/edit.html", form=form, student=student, baseline=confirmed)
        if changed:
            db.session.commit()
            flash(f"Saved changes to {student.full_name}.", "success")
        else:
            flash("Nothing was changed.", "success")
        return see_other(url_for("students.show", student_id=student.id))
    return render("students/edit.html", form=form, student=student, baseline=confirmed)


@bp.post("/<int:student_id>/target")
@permission_required("students.mark_target")
def target(student_id: int):
    student = get_or_404(current_user, Student, student_id)
    wanted = request.form.get("is_target")
    if wanted not in ("1", "0"):
        abort(400)
    confirmed = baseline.baseline_of(student)
    context = {"student": student, "today": date.today(), "baseline": confirmed}
    try:
        services.set_target(
            current_user,
            student,
            wanted == "1",
            text_arg(request.form.get("reason"), baseline.REASON_MAX),
        )
    except baseline.ReasonRequired as error:
        db.session.rollback()
        if request.htmx:  # htmx swaps only a success: the block comes back with the message
            return render("students/show.html", "target_toggle", target_error=str(error), **context)
        page = render(
            "students/show.html",
            target_error=str(error),
            sections=areas.student_sections(student),
            **context,
        )
        return page, 422
    db.session.commit()
    if request.htmx:
        return render("students/show.html", "target_toggle", **context)
    flash(
        f"{student.full_name} is {'now' if student.is_target else 'no longer'} a target student.",
        "success",
    )
    return see_other(url_for("students.show", student_id=student.id))


@bp.get("/targets")
@permission_required("students.mark_target")
def targets():
    school = own_school(current_user)
    today = date.today()
    return render(
        "students/targets.html",
        school=school,
        cohorts=baseline.cohorts(school.id, today),
        form=ConfirmTargetsForm(),
        today=today,
    )


@bp.post("/targets")
@permission_required("students.mark_target")
def confirm_targets():
    school = own_school(current_user)
    today = date.today()
    form = ConfirmTargetsForm()
    entry_year = number_arg(request.form.get("cohort"), maximum=9999)
    if entry_year is None:
        abort(400)
    if form.validate_on_submit():
        try:
            confirmed = baseline.confirm_target_list(
                current_user, school, entry_year, form.criteria.data, today
            )
        except baseline.BaselineError as error:
            db.session.rollback()
            form.criteria.errors.append(str(error))
        else:
            db.session.commit()
            flash(
                f"Confirmed the target list of the cohort that entered Year 7 in "
                f"{academic.label(confirmed.entry_year)}: "
                f"{len(confirmed.students)} students.",
                "success",
            )
            return see_other(url_for("students.targets"))
    page = render(
        "students/targets.html",
        school=school,
        cohorts=baseline.cohorts(school.id, today),
        form=form,
        failed_year=entry_year,
        today=today,
    )
    return page, 422
