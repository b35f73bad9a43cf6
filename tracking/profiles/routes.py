"""Profile pages: a student's profile on screen and as PDF, login cards of a group, and bulk
exports (a zip made by the task queue's workers, with a progress page that htmx polls)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, request, url_for
from flask_login import current_user

from app import audit
from app.access import get_or_404, scoped
from app.errors import error_page
from app.extensions import db
from app.models import Group, School, Student
from app.permissions import permission_required, require
from app.web import render, see_other
from tracking.profiles import jobs, pdf, services
from tracking.profiles import render as printing
from tracking.profiles.models import ProfileJob

bp = Blueprint(
    "profiles",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/profiles/static",
)


def _wants_sensitive() -> bool:
    """Whether the request asks for sensitive flags: 403 for a user who may not include them
    (their forms do not offer it, so only a forged request asks)."""
    wanted = request.values.get("sensitive") in ("1", "on", "true", "yes")
    if wanted:
        require("profiles.sensitive")
    return wanted


def _attachment(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/students/<int:student_id>/profile")
@permission_required("students.view")
def show(student_id: int):
    student = get_or_404(current_user, Student, student_id)
    profile = services.load_profile(student)
    return render("profiles/show.html", profile=profile, sensitive=False, today=date.today())


@bp.get("/students/<int:student_id>/profile.pdf")
@permission_required("profiles.export")
def pdf_profile(student_id: int):
    student = get_or_404(current_user, Student, student_id)
    sensitive = _wants_sensitive()
    data = printing.profile_pdf(services.load_profile(student), sensitive=sensitive)
    services.record_export(current_user, [student], sensitive=sensitive, what="PDF profile")
    db.session.commit()
    name = pdf.safe_filename(f"{student.last_name} {student.known_as}", set())
    return _attachment(data, "application/pdf", name)


@bp.get("/groups/<int:group_id>/cards.pdf")
@permission_required("login_cards.print")
def cards(group_id: int):
    group = get_or_404(current_user, Group, group_id)
    data = printing.cards_pdf(group, url_for("surveys.join", _external=True))
    # Personal codes leave the system on paper: worth a line in the audit log.
    audit.record(
        current_user, "profile.cards", group, summary=f"Printed survey login cards of {group.name}"
    )
    db.session.commit()
    return _attachment(
        data, "application/pdf", pdf.safe_filename(f"login cards {group.name}", set())
    )


def _start(job: ProfileJob):
    db.session.commit()
    jobs.start(job)  # only enqueued: the PDFs are made by `flask worker`
    return see_other(url_for("profiles.job", job_id=job.id))


@bp.post("/groups/<int:group_id>/profiles")
@permission_required("profiles.export")
def export_group(group_id: int):
    group = get_or_404(current_user, Group, group_id)
    try:
        job = jobs.create_job(
            current_user,
            group.school,
            list(group.students),
            sensitive=_wants_sensitive(),
            group=group,
        )
    except jobs.JobError as error:
        flash(str(error), "error")
        return see_other(url_for("groups.show", group_id=group.id))
    return _start(job)


@bp.get("/profiles")
@permission_required("profiles.export")
def exports():
    recent = db.session.scalars(
        scoped(current_user, ProfileJob).order_by(ProfileJob.id.desc()).limit(20)
    ).all()
    schools = db.session.scalars(scoped(current_user, School).order_by("name")).all()
    progress = jobs.progress_of([j.id for j in recent])
    return render("profiles/exports.html", recent=recent, progress=progress, schools=schools)


@bp.post("/profiles/targets")
@permission_required("profiles.export")
def export_targets():
    school_id = current_user.school_id or request.form.get("school_id", type=int)
    if not school_id:
        abort(404)
    school = get_or_404(current_user, School, school_id)
    students = db.session.scalars(
        scoped(current_user, Student)
        .where(
            Student.school_id == school.id,
            Student.is_target.is_(True),
            Student.on_roll(),
        )
        .order_by(Student.last_name, Student.first_name, Student.id)
    ).all()
    try:
        job = jobs.create_job(current_user, school, list(students), sensitive=_wants_sensitive())
    except jobs.JobError as error:
        flash(str(error), "error")
        return see_other(url_for("profiles.exports"))
    return _start(job)


@bp.get("/profiles/jobs/<int:job_id>")
@permission_required("profiles.export")
def job(job_id: int):
    job = get_or_404(current_user, ProfileJob, job_id)
    progress = jobs.progress_of([job.id])[job.id]
    failures = jobs.failures(job) if progress.failed else []
    return render(
        "profiles/job.html",
        "progress",
        job=job,
        progress=progress,
        failures=failures,
        expired_message=jobs.EXPIRED,
    )


@bp.get("/profiles/jobs/<int:job_id>/download")
@permission_required("profiles.export")
def download(job_id: int):
    job = get_or_404(current_user, ProfileJob, job_id)
    if job.expired_at is not None:
        return error_page(410, "This export has expired", jobs.EXPIRED)
    if not jobs.progress_of([job.id])[job.id].finished:
        abort(409)
    name = pdf.safe_filename(f"profiles {job.title}", set(), suffix=".zip")
    return _attachment(jobs.zip_bytes(job), "application/zip", name)
