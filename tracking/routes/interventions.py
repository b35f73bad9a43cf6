"""Interventions (sessions of support) and their registers: list, add, edit, delete, and
one-click attendance marks (with htmx, the marked row is the `register_row` block of the
register page)."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app import conflicts
from app.access import get_or_404, own_school, scoped
from app.extensions import db
from app.models import Group, GroupMember, Student
from app.permissions import permission_required
from app.web import number_arg, paginate, render, render_fragments, see_other, wants_fragment
from tracking import services
from tracking.forms import InterventionForm
from tracking.models import Attendance, Intervention
from tracking.routes import bp
from tracking.vocabulary import AttendanceStatus

REGISTER = "tracking/register.html"


@bp.get("/interventions")
@permission_required("interventions.view")
def interventions():
    stmt = (
        scoped(current_user, Intervention)
        .options(selectinload(Intervention.group), selectinload(Intervention.school))
        .order_by(Intervention.held_on.desc(), Intervention.id.desc())
    )
    page = paginate(stmt, per_page=current_app.config.get("ROSTER_PAGE_SIZE", 50))
    ids = [intervention.id for intervention in page.items]
    present = dict(
        db.session.execute(
            select(Attendance.intervention_id, func.count())
            .where(
                Attendance.intervention_id.in_(ids),
                Attendance.status == AttendanceStatus.PRESENT,
            )
            .group_by(Attendance.intervention_id)
        ).all()
    )
    return render("tracking/interventions.html", page=page, present=present)


def _intervention_form(intervention: Intervention | None = None, **kwargs) -> InterventionForm:
    form = InterventionForm(**kwargs)
    school_id = intervention.school_id if intervention else current_user.school_id
    form.set_groups(
        db.session.scalars(
            scoped(current_user, Group).where(Group.school_id == school_id).order_by(Group.name)
        )
    )
    return form


@bp.route("/interventions/new", methods=["GET", "POST"])
@permission_required("interventions.manage")
def new_intervention():
    own_school(current_user)
    form = _intervention_form()
    if request.method == "GET":
        form.held_on.data = date.today()
    elif form.validate_on_submit():
        try:
            intervention = services.create_intervention(
                current_user, current_user.school_id, form.values()
            )
        except services.RecordError as error:
            db.session.rollback()
            form.title.errors = [*form.title.errors, str(error)]
        else:
            db.session.commit()
            flash(f"Added {intervention.title}. Take the register below.", "success")
            return see_other(url_for("tracking.register", intervention_id=intervention.id))
    status = 422 if request.method == "POST" else 200
    return render("tracking/intervention_form.html", form=form, intervention=None), status


@bp.get("/interventions/<int:intervention_id>")
@permission_required("interventions.view")
def intervention(intervention_id: int):
    intervention = get_or_404(current_user, Intervention, intervention_id)
    form = _intervention_form(intervention)
    form.fill(intervention)
    return render(
        "tracking/intervention_form.html",
        form=form,
        intervention=intervention,
        counts=_counts(intervention),
    )


@bp.post("/interventions/<int:intervention_id>")
@permission_required("interventions.manage")
def edit_intervention(intervention_id: int):
    intervention = get_or_404(current_user, Intervention, intervention_id)
    form = _intervention_form(intervention)
    notice = None
    if form.validate_on_submit():
        shown = conflicts.shown_version(form.version.data)
        try:
            changed = services.update_intervention(current_user, intervention, form.values(), shown)
        except services.RecordError as error:
            db.session.rollback()
            form.title.errors = [*form.title.errors, str(error)]
        except conflicts.EditConflict:
            db.session.rollback()  # nothing written; `intervention` reloads as stored now
            stored = _intervention_form(intervention, formdata=None)
            stored.fill(intervention)
            notice = conflicts.notice(intervention, form, stored)
        else:
            db.session.commit()
            flash("Saved the intervention." if changed else "Nothing was changed.", "success")
            return see_other(url_for("tracking.intervention", intervention_id=intervention.id))
    return render(
        "tracking/intervention_form.html",
        form=form,
        intervention=intervention,
        counts=_counts(intervention),
        notice=notice,
    ), 409 if notice else 422


def _counts(intervention: Intervention) -> dict[str, int]:
    rows = db.session.execute(
        select(Attendance.status, func.count())
        .where(Attendance.intervention_id == intervention.id)
        .group_by(Attendance.status)
    ).all()
    return {status: int(n) for status, n in rows}


def _register_rows(intervention: Intervention) -> list[tuple[Student, str | None]]:
    """The invited group's students on roll on the day, and anyone already marked, with
    their status."""
    marked = select(Attendance.student_id).where(Attendance.intervention_id == intervention.id)
    invited = [Student.id.in_(marked)]
    if intervention.group_id:
        members = select(GroupMember.student_id).where(
            GroupMember.group_id == intervention.group_id
        )
        invited.append(Student.id.in_(members) & Student.on_roll(intervention.held_on))
    students = db.session.scalars(
        scoped(current_user, Student)
        .where(Student.school_id == intervention.school_id, or_(*invited))
        .order_by(Student.last_name, Student.first_name, Student.id)
    ).all()
    status = dict(
        db.session.execute(
            select(Attendance.student_id, Attendance.status).where(
                Attendance.intervention_id == intervention.id
            )
        ).all()
    )
    return [(student, status.get(student.id)) for student in students]


@bp.post("/interventions/<int:intervention_id>/delete")
@permission_required("interventions.manage")
def delete_intervention(intervention_id: int):
    intervention = get_or_404(current_user, Intervention, intervention_id)
    title = intervention.title
    marks = services.delete_intervention(current_user, intervention)
    db.session.commit()
    flash(f"Deleted {title} and its {marks} attendance marks.", "success")
    return see_other(url_for("tracking.interventions"))


@bp.get("/interventions/<int:intervention_id>/register")
@permission_required("registers.take")
def register(intervention_id: int):
    intervention = get_or_404(current_user, Intervention, intervention_id)
    return render(
        REGISTER,
        intervention=intervention,
        rows=_register_rows(intervention),
        statuses=list(AttendanceStatus),
        today=date.today(),
    )


@bp.post("/interventions/<int:intervention_id>/register")
@permission_required("registers.take")
def mark(intervention_id: int):
    intervention = get_or_404(current_user, Intervention, intervention_id)
    student_id = number_arg(request.form.get("student_id"))
    if student_id is None:
        abort(400)
    student = get_or_404(current_user, Student, student_id)
    if student.school_id != intervention.school_id:
        abort(404)
    try:
        row = services.mark_attendance(
            current_user, intervention, student, request.form.get("status", "")
        )
    except services.RecordError:
        abort(400)
    db.session.commit()
    if wants_fragment():
        return render_fragments(
            REGISTER,
            ["register_row"],
            intervention=intervention,
            student=student,
            status=row.status,
            statuses=list(AttendanceStatus),
            today=date.today(),
        )
    flash(f"Marked {student.full_name} {row.status}.", "success")
    return see_other(
        url_for("tracking.register", intervention_id=intervention.id) + f"#student-{student.id}"
    )
