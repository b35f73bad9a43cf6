"""A student's timeline: every record newest first, with inline add, edit and delete.

Without JavaScript each form posts and redirects back (303); with htmx the answer is a block
of the page it came from (timeline.html or edit.html), never a second copy of its markup."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app import conflicts
from app.access import get_or_404
from app.extensions import db
from app.models import Student
from app.permissions import permission_required
from app.web import render, render_fragments, see_other, wants_fragment
from tracking import queries, services
from tracking.forms import record_form, today_default
from tracking.grades import GradeError
from tracking.routes import bp

TIMELINE = "tracking/timeline.html"
EDIT = "tracking/edit.html"
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
        "today": date.today(),
    }


def _entry_block(student: Student, kind: str, record, **context) -> str:
    """The `entry` block of the timeline: one record's line, as htmx swaps it in."""
    return render_fragments(
        TIMELINE, ["entry"], student=student, entry=queries.entry_for(kind, record), **context
    )


@bp.get("/students/<int:student_id>/timeline")
@permission_required("students.view")
def timeline(student_id: int):
    student = get_or_404(current_user, Student, student_id)
    return render(TIMELINE, **_timeline_context(student))


def _save(kind: str, student: Student, form, record=None):
    """Validate `form` and write it (add, or correct `record`). Return the record written, or
    None with the errors on the form (a grade off its scale included). Raises EditConflict
    when `record` changed since the form showed it."""
    if not form.validate_on_submit():
        return None
    values = form.values()
    try:
        if record is not None:
            shown = conflicts.shown_version(form.version.data)
            services.update_record(current_user, record, values, shown)
            return record
        if kind == "grade":
            return services.record_grade(current_user, student, **values)
        return services.add_record(current_user, student, queries.MODELS[kind], values)
    except GradeError as error:
        db.session.rollback()
        about_tier = str(error).startswith(("Choose the tier", "Tier ", "A tier"))
        about_series = str(error).startswith(("An exam series", "The series"))
        field = form.tier if about_tier else form.series if about_series else form.grade
        field.errors = [*field.errors, str(error)]
        return None


@bp.post("/students/<int:student_id>/timeline/<kind>")
@permission_required("grades.enter")
def add(student_id: int, kind: str):
    student = get_or_404(current_user, Student, student_id)
    form = record_form(_kind_or_404(kind))
    record = _save(kind, student, form)
    if record is None:
        if wants_fragment():
            # 200, so htmx swaps the form with its errors in place.
            return render_fragments(
                TIMELINE, ["add_form"], student=student, kind=kind, form=form, open=True
            )
        context = _timeline_context(student, {kind: form}, open_kind=kind)
        return render(TIMELINE, **context), 422
    db.session.commit()
    if wants_fragment():
        # A fresh form in place, and the new entry on top of the list (out of band).
        return render_fragments(
            TIMELINE,
            ["add_form", "entry"],
            student=student,
            kind=kind,
            form=today_default(record_form(kind, formdata=None)),
            open=True,
            added=True,
            entry=queries.entry_for(kind, record),
            oob=True,
        )
    flash(f"Added the {KIND_TITLES[kind]}.", "success")
    return see_other(url_for("tracking.timeline", student_id=student.id) + "#timeline")


@bp.get("/students/<int:student_id>/timeline/<kind>/<int:record_id>")
@permission_required("students.view")
def entry(student_id: int, kind: str, record_id: int):
    student = get_or_404(current_user, Student, student_id)
    record = _record_or_404(student, kind, record_id)
    if not wants_fragment():
        return see_other(url_for("tracking.timeline", student_id=student.id))
    return _entry_block(student, kind, record)


@bp.route(
    "/students/<int:student_id>/timeline/<kind>/<int:record_id>/edit", methods=["GET", "POST"]
)
@permission_required("grades.enter")
def edit(student_id: int, kind: str, record_id: int):
    student = get_or_404(current_user, Student, student_id)
    record = _record_or_404(student, kind, record_id)
    form = record_form(kind, record.id)
    notice = None
    if request.method == "GET":
        form.fill(record)
    else:
        try:
            saved = _save(kind, student, form, record) is not None
        except conflicts.EditConflict:
            saved = False
            db.session.rollback()  # nothing written; `record` reloads as stored now
            stored = record_form(kind, record.id, formdata=None)
            stored.fill(record)
            notice = conflicts.notice(record, form, stored)
        if saved:
            db.session.commit()
            if wants_fragment():
                return _entry_block(student, kind, record)
            flash(f"Saved the {KIND_TITLES[kind]}.", "success")
            return see_other(url_for("tracking.timeline", student_id=student.id) + "#timeline")
        db.session.rollback()
    # htmx gets the form alone (200, so it swaps in errors too); the page says 422 on errors,
    # 409 when someone else changed the record since the form was opened.
    status = 200 if request.method == "GET" or wants_fragment() else 409 if notice else 422
    return render(
        EDIT,
        "edit_form",
        student=student,
        kind=kind,
        record=record,
        form=form,
        notice=notice,
        entry=queries.entry_for(kind, record),
    ), status


@bp.post("/students/<int:student_id>/timeline/<kind>/<int:record_id>/delete")
@permission_required("grades.enter")
def delete(student_id: int, kind: str, record_id: int):
    student = get_or_404(current_user, Student, student_id)
    record = _record_or_404(student, kind, record_id)
    services.delete_record(current_user, record)
    db.session.commit()
    if wants_fragment():
        return ""
    flash(f"Deleted the {KIND_TITLES[kind]}.", "success")
    return see_other(url_for("tracking.timeline", student_id=student.id) + "#timeline")
