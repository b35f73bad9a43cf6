"""The tracker's pages: a student's timeline with inline add and edit, interventions and their
registers, and the "Needs attention" list. Views are thin: a form validates, a service writes
and audits, the view commits once and redirects (303) or returns the fragment."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.access import get_or_404, own_school, school_staff_required, scoped
from app.extensions import db
from app.models import Group, GroupMember, Student
from app.web import render, see_other, wants_fragment
from tracking import attention, queries, services, vocabulary
from tracking.forms import InterventionForm, record_form, today_default
from tracking.grades import GradeError
from tracking.models import Attendance, Intervention
from tracking.vocabulary import AttendanceStatus

bp = Blueprint("tracking", __name__, template_folder="templates")

KIND_TITLES = {
    "grade": "grade",
    "post16": "post-16 choice",
    "ucas": "UCAS application",
    "destination": "destination",
    "competition": "competition result",
    "note": "note",
}


@bp.context_processor
def _kind_titles() -> dict:
    return {"kind_titles": KIND_TITLES}


def _kind_or_404(kind: str) -> str:
    if kind not in queries.EDITABLE_KINDS:
        abort(404)
    return kind


def _record_or_404(student: Student, kind: str, record_id: int):
    """Return the student's record of `kind` with that id; 404 if it is not theirs."""
    model = queries.MODELS[_kind_or_404(kind)]
    return db.first_or_404(
        select(model).where(model.id == record_id, model.student_id == student.id)
    )


def _timeline_context(student: Student, forms: dict | None = None, open_kind: str | None = None):
    add_forms = {kind: today_default(record_form(kind)) for kind in queries.EDITABLE_KINDS}
    add_forms.update(forms or {})
    return {
        "student": student,
        "entries": queries.timeline(student),
        "dosage": services.dosage([student.id]).get(student.id, []),
        "forms": add_forms,
        "open_kind": open_kind,
        "kind_titles": KIND_TITLES,
        "today": date.today(),
    }


@bp.get("/students/<int:student_id>/timeline")
@school_staff_required
def timeline(student_id: int):
    student = get_or_404(current_user, Student, student_id)
    return render("tracking/timeline.html", **_timeline_context(student))


def _save(kind: str, student: Student, form, record=None):
    """Validate `form` and write it (add, or correct `record`). Return the record written, or
    None with the errors on the form (a grade off its scale included)."""
    if not form.validate_on_submit():
        return None
    values = form.values()
    try:
        if record is not None:
            services.update_record(current_user, record, values)
            return record
        if kind == "grade":
            return services.record_grade(current_user, student, **values)
        return services.add_record(current_user, student, queries.MODELS[kind], values)
    except GradeError as error:
        db.session.rollback()
        about_tier = str(error).startswith(("Choose the tier", "Tier ", "A tier"))
        field = form.tier if about_tier else form.grade
        field.errors = [*field.errors, str(error)]
        return None


@bp.post("/students/<int:student_id>/timeline/<kind>")
@school_staff_required
def add(student_id: int, kind: str):
    student = get_or_404(current_user, Student, student_id)
    form = record_form(_kind_or_404(kind))
    record = _save(kind, student, form)
    if record is None:
        if wants_fragment():
            # 200, so htmx swaps the form with its errors in place.
            return render_template(
                "tracking/_add_form.html", student=student, kind=kind, form=form, open=True
            )
        return render(
            "tracking/timeline.html",
            **_timeline_context(student, {kind: form}, open_kind=kind),
        ), 422
    db.session.commit()
    if wants_fragment():
        return render_template(
            "tracking/_added.html",
            student=student,
            kind=kind,
            form=today_default(record_form(kind, formdata=None)),
            entry=queries.entry_for(kind, record),
        )
    flash(f"Added the {KIND_TITLES[kind]}.", "success")
    return see_other(url_for("tracking.timeline", student_id=student.id) + "#timeline")


@bp.get("/students/<int:student_id>/timeline/<kind>/<int:record_id>")
@school_staff_required
def entry(student_id: int, kind: str, record_id: int):
    student = get_or_404(current_user, Student, student_id)
    record = _record_or_404(student, kind, record_id)
    if not wants_fragment():
        return see_other(url_for("tracking.timeline", student_id=student.id))
    return render_template(
        "tracking/_entry.html", student=student, entry=queries.entry_for(kind, record)
    )


@bp.route(
    "/students/<int:student_id>/timeline/<kind>/<int:record_id>/edit", methods=["GET", "POST"]
)
@school_staff_required
def edit(student_id: int, kind: str, record_id: int):
    student = get_or_404(current_user, Student, student_id)
    record = _record_or_404(student, kind, record_id)
    form = record_form(kind, record.id)
    if request.method == "GET":
        form.fill(record)
    elif _save(kind, student, form, record) is not None:
        db.session.commit()
        if wants_fragment():
            return render_template(
                "tracking/_entry.html", student=student, entry=queries.entry_for(kind, record)
            )
        flash(f"Saved the {KIND_TITLES[kind]}.", "success")
        return see_other(url_for("tracking.timeline", student_id=student.id) + "#timeline")
    else:
        db.session.rollback()
    context = {
        "student": student,
        "kind": kind,
        "record": record,
        "form": form,
        "entry": queries.entry_for(kind, record),
        "kind_titles": KIND_TITLES,
    }
    if wants_fragment():
        return render_template("tracking/_edit_form.html", **context)
    status = 422 if request.method == "POST" else 200
    return render_template("tracking/edit.html", **context), status


@bp.post("/students/<int:student_id>/timeline/<kind>/<int:record_id>/delete")
@school_staff_required
def delete(student_id: int, kind: str, record_id: int):
    student = get_or_404(current_user, Student, student_id)
    record = _record_or_404(student, kind, record_id)
    services.delete_record(current_user, record)
    db.session.commit()
    if wants_fragment():
        return ""
    flash(f"Deleted the {KIND_TITLES[kind]}.", "success")
    return see_other(url_for("tracking.timeline", student_id=student.id) + "#timeline")


# ---- Interventions and registers ----


@bp.get("/interventions")
@school_staff_required
def interventions():
    stmt = (
        scoped(current_user, Intervention)
        .options(selectinload(Intervention.group), selectinload(Intervention.school))
        .order_by(Intervention.held_on.desc(), Intervention.id.desc())
    )
    page = db.paginate(stmt, per_page=current_app.config.get("ROSTER_PAGE_SIZE", 50))
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


def _intervention_form(intervention: Intervention | None = None) -> InterventionForm:
    form = InterventionForm()
    school_id = intervention.school_id if intervention else current_user.school_id
    form.set_groups(
        db.session.scalars(
            scoped(current_user, Group).where(Group.school_id == school_id).order_by(Group.name)
        )
    )
    return form


@bp.route("/interventions/new", methods=["GET", "POST"])
@school_staff_required
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
@school_staff_required
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
@school_staff_required
def edit_intervention(intervention_id: int):
    intervention = get_or_404(current_user, Intervention, intervention_id)
    form = _intervention_form(intervention)
    if form.validate_on_submit():
        try:
            changed = services.update_intervention(current_user, intervention, form.values())
        except services.RecordError as error:
            db.session.rollback()
            form.title.errors = [*form.title.errors, str(error)]
        else:
            db.session.commit()
            flash("Saved the intervention." if changed else "Nothing was changed.", "success")
            return see_other(url_for("tracking.intervention", intervention_id=intervention.id))
    return render(
        "tracking/intervention_form.html",
        form=form,
        intervention=intervention,
        counts=_counts(intervention),
    ), 422


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
@school_staff_required
def delete_intervention(intervention_id: int):
    intervention = get_or_404(current_user, Intervention, intervention_id)
    title = intervention.title
    marks = services.delete_intervention(current_user, intervention)
    db.session.commit()
    flash(f"Deleted {title} and its {marks} attendance marks.", "success")
    return see_other(url_for("tracking.interventions"))


@bp.get("/interventions/<int:intervention_id>/register")
@school_staff_required
def register(intervention_id: int):
    intervention = get_or_404(current_user, Intervention, intervention_id)
    return render(
        "tracking/register.html",
        intervention=intervention,
        rows=_register_rows(intervention),
        statuses=list(AttendanceStatus),
        today=date.today(),
    )


@bp.post("/interventions/<int:intervention_id>/register")
@school_staff_required
def mark(intervention_id: int):
    intervention = get_or_404(current_user, Intervention, intervention_id)
    student_id = request.form.get("student_id", "")
    if not student_id.isdigit():
        abort(400)
    student = get_or_404(current_user, Student, int(student_id))
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
        return render_template(
            "tracking/_register_row.html",
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


# ---- Needs attention ----


@bp.get("/attention", endpoint="attention")
@school_staff_required
def attention_list():
    today = date.today()
    targets = scoped(current_user, Student).where(Student.is_target.is_(True), Student.on_roll())
    flagged = attention.needs_attention(queries.outcome_data(targets), today)
    students = (
        {
            s.id: s
            for s in db.session.scalars(
                select(Student)
                .where(Student.id.in_(list(flagged)))
                .options(selectinload(Student.school))
            )
        }
        if flagged
        else {}
    )
    rows = sorted(
        ((students[sid], found) for sid, found in flagged.items() if sid in students),
        key=lambda row: (row[0].school.name, row[0].entry_year, row[0].last_name, row[0].id),
    )
    return render("tracking/attention.html", rows=rows, today=today)


@bp.app_template_filter("tracking_label")
def tracking_label(value: str | None, kind: str) -> str:
    """The name people use for a coded value: `{{ record.status|tracking_label('UcasStatus') }}`."""
    return vocabulary.label(getattr(vocabulary, kind), value)
