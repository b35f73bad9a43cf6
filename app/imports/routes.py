"""Roster import for leads: upload a file, check the preview, confirm."""

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import RequestEntityTooLarge

from app.access import own_school, roles_required
from app.extensions import db
from app.imports import roster, services, uploads
from app.imports.forms import ConfirmForm, UploadForm
from app.imports.roster import RosterFileError
from app.models import Role
from app.web import render, see_other

bp = Blueprint("imports", __name__, url_prefix="/students/import")
lead_required = roles_required(Role.LEAD)

PROBLEMS_SHOWN = 500
SAMPLE_SIZE = 10
TOO_LARGE = "The file is larger than 10 MB. Export only the columns needed."


def _upload_page(form: UploadForm, status: int = 200):
    return render("imports/upload.html", form=form, columns=roster.recognised_headers()), status


# url_for gives /students/import/ like the other areas; /students/import works too.
@bp.route("", methods=["GET", "POST"])
@bp.route("/", methods=["GET", "POST"])
@lead_required
def upload():
    own_school(current_user)
    form = UploadForm()
    if form.validate_on_submit():
        file = form.roster.data
        content = file.read()
        try:
            roster.read_table(content, file.filename or "")
        except RosterFileError as error:
            form.roster.errors.append(str(error))
        else:
            stored = uploads.store_upload(
                current_user, services.ROSTER_PURPOSE, file.filename or "", content
            )
            db.session.commit()
            return see_other(url_for("imports.preview", upload_id=stored.id))
    return _upload_page(form)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    # Reading the request form again would raise again: build the form without it.
    form = UploadForm(formdata=None)
    form.roster.errors = [TOO_LARGE]
    return _upload_page(form, 413)


@bp.get("/<int:upload_id>")
@lead_required
def preview(upload_id: int):
    school = own_school(current_user)
    upload = uploads.upload_or_404(current_user, services.ROSTER_PURPOSE, upload_id)
    plan, file_error = uploads.preview(
        upload, lambda content, name: services.preview(school, content, name)
    )
    return render(
        "imports/preview.html",
        upload=upload,
        plan=plan,
        file_error=file_error,
        form=ConfirmForm(),
        problems_shown=PROBLEMS_SHOWN,
        sample_size=SAMPLE_SIZE,
    )


@bp.post("/<int:upload_id>")
@lead_required
def confirm(upload_id: int):
    school = own_school(current_user)
    upload = uploads.upload_or_404(current_user, services.ROSTER_PURPOSE, upload_id)
    form = ConfirmForm()
    mode = request.form.get("mode")
    if not form.validate_on_submit() or mode not in ("all", "valid"):
        abort(400)
    back = url_for("imports.preview", upload_id=upload.id)
    if upload.applied_at is not None:
        flash(uploads.ALREADY_IMPORTED, "error")
        return see_other(back)
    try:
        plan = services.preview(school, upload.content, upload.filename)
    except RosterFileError as error:
        flash(str(error), "error")
        return see_other(url_for("imports.upload"))
    if plan.errors and mode != "valid":
        flash(
            "Nothing was imported: the file has problems. Fix them and upload the file again, "
            "or import only the valid rows.",
            "error",
        )
        return see_other(back)
    # Claim the upload first: of two confirmations sent at once, only one applies it.
    if not uploads.claim(upload):
        db.session.rollback()
        flash(uploads.ALREADY_IMPORTED, "error")
        return see_other(back)
    try:
        summary = services.apply(current_user, school, plan, valid_only=mode == "valid")
        upload.note = str(summary)
        db.session.commit()
    except services.ImportBlocked as blocked:
        db.session.rollback()
        flash(str(blocked), "error")
        return see_other(back)
    except IntegrityError:
        db.session.rollback()
        flash(
            "Nothing was imported: the roster changed while this file was being imported. "
            "Please check the preview and try again.",
            "error",
        )
        return see_other(back)
    flash(f"Import done: {summary}.", "success")
    return see_other(url_for("students.index"))
