"""The pages of every import: upload a file, check its preview, confirm. `mount` adds them to
an area's blueprint for one importer, so the roster and the grades (and any later import)
share this code and the templates `imports/upload.html` and `imports/preview.html`.

The upload is read once, in a child process with limits (a hostile spreadsheet costs one
refused upload, never the worker), and stored with its table (`uploads`) so any process can
serve the preview and the confirmation. The preview names a CSV file's encoding and offers
the other likely ones (`reread` reads the file again with the one chosen and keeps that
table). Confirming re-checks the stored table, claims the upload so it is applied once,
applies every row (mode "all", only when no row has a problem) or only the valid rows (mode
"valid", chosen explicitly) and commits once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import RequestEntityTooLarge

from app.access import own_school, scoped
from app.errors import error_page
from app.extensions import db
from app.imports import uploads
from app.imports.forms import ConfirmForm, school_upload_form, upload_form
from app.imports.importer import ImportBlocked, Importer
from app.imports.table import MAX_COLUMNS, TOO_LARGE, ImportFileError, encoding_name
from app.models import School, Upload
from app.permissions import permission_required
from app.web import render, see_other

PROBLEMS_SHOWN = 500
SAMPLE_SIZE = 10
MODES = ("all", "valid")
CHANGED_MEANWHILE = (
    "Nothing was imported: the records changed while this file was being imported. "
    "Please check the preview and try again."
)


@dataclass(frozen=True)
class ImportPages:
    """The words and links of one import's pages. `values_template` lists what each
    column's cells may hold (upload page); `rows_template` shows what the valid rows would
    add or change (preview page, with `plan` and `sample_size`)."""

    title: str
    heading: str
    intro: str
    file_label: str
    upload_hint: str
    values_template: str
    preview_title: str
    rows_template: str
    back: tuple[str, str]  # (endpoint, link text) above the upload form
    done: tuple[str, str]  # (endpoint, link text) where an import ends


# Upload endpoint -> the upload page for a file over the size limit (see `_too_large`).
_TOO_LARGE_PAGES: dict[str, Callable] = {}


def mount(
    bp: Blueprint,
    importer: Importer,
    pages: ImportPages,
    *,
    action: str,
    upload_rules: Iterable[str] = ("",),
    preview_rule: str = "/<int:upload_id>",
    endpoint_prefix: str = "",
) -> None:
    """Add `importer`'s upload, preview and confirm views to `bp` for users who may do
    `action` (a name in `app.permissions`).

    The upload page answers at each of `upload_rules`, the preview (GET) and the
    confirmation (POST) at `preview_rule`, reading the file with another encoding (POST) at
    `preview_rule` + "/encoding"; their endpoints are `upload`, `preview`, `confirm` and
    `reread` after `endpoint_prefix`.
    """
    required = permission_required(action)
    own_form_class = upload_form(importer.purpose, pages.file_label)
    school_form_class = school_upload_form(importer.purpose, pages.file_label)

    def form_class(**kwargs):
        """The upload form: an account of one school imports into it; the programme admin,
        of no school, chooses the school (any school they may see)."""
        if current_user.school_id is not None:
            return own_form_class(**kwargs)
        form = school_form_class(**kwargs)
        schools = db.session.scalars(scoped(current_user, School).order_by(School.name))
        form.school.choices = [(0, "Choose a school")] + [(s.id, s.name) for s in schools]
        return form

    step_names = ("upload", "preview", "confirm", "reread")
    names = {step: f"{endpoint_prefix}{step}" for step in step_names}
    endpoints = {step: f"{bp.name}.{name}" for step, name in names.items()}
    context = {"importer": importer, "pages": pages, "endpoints": endpoints}

    def upload_page(form, status: int = 200):
        columns = importer.recognised_headers()
        limits = {"max_rows": uploads.max_rows(), "max_columns": MAX_COLUMNS}
        page = render("imports/upload.html", form=form, columns=columns, **limits, **context)
        return page, status

    @required
    def upload():
        form = form_class()
        if current_user.school_id is None and not any(form.school.choices[1:]):
            abort(403)  # an account of no school with no school to choose
        if form.validate_on_submit() and _chosen_school(form):
            file = form.file.data
            content = file.read()
            try:
                packed = uploads.read_packed(content, file.filename or "")
            except ImportFileError as error:
                form.file.errors.append(str(error))
            else:
                stored = uploads.store_upload(
                    current_user,
                    importer.purpose,
                    file.filename or "",
                    content,
                    packed,
                    school_id=_chosen_school(form),
                )
                db.session.commit()
                return see_other(url_for(endpoints["preview"], upload_id=stored.id))
        return upload_page(form)

    def too_large_page():
        # Reading the request's form again would raise again: build the form without it.
        form = form_class(formdata=None)
        form.file.errors = [TOO_LARGE]
        return upload_page(form, 413)

    @required
    def preview(upload_id: int):
        upload = uploads.upload_or_404(current_user, importer.purpose, upload_id)
        school = _school_of(upload)
        table, file_error = uploads.stored_table(upload)
        plan = encoding = None
        other_encodings: list[tuple[str, str]] = []
        if table is not None:
            plan = importer.preview(school, table)
            encoding = table.encoding and encoding_name(table.encoding)
            other_encodings = [(e, encoding_name(e)) for e in table.other_encodings]
        return render(
            "imports/preview.html",
            upload=upload,
            plan=plan,
            file_error=file_error,
            encoding=encoding,
            other_encodings=other_encodings,
            form=ConfirmForm(),
            problems_shown=PROBLEMS_SHOWN,
            sample_size=SAMPLE_SIZE,
            **context,
        )

    @required
    def confirm(upload_id: int):
        upload = uploads.upload_or_404(current_user, importer.purpose, upload_id)
        school = _school_of(upload)
        mode = request.form.get("mode")
        if not ConfirmForm().validate_on_submit() or mode not in MODES:
            abort(400)
        back = url_for(endpoints["preview"], upload_id=upload.id)
        if upload.applied_at is not None:
            flash(uploads.ALREADY_IMPORTED, "error")
            return see_other(back)
        try:
            plan = importer.preview(school, uploads.table_of(upload))
        except ImportFileError as error:
            flash(str(error), "error")
            return see_other(url_for(endpoints["upload"]))
        if plan.errors and mode != "valid":
            also = ", or import only the valid rows" if plan.can_import_valid else ""
            flash(
                "Nothing was imported: the file has problems. "
                f"Fix them and upload the file again{also}.",
                "error",
            )
            return see_other(back)
        # Claim the upload first: of two confirmations sent at once, only one applies it.
        if not uploads.claim(upload):
            db.session.rollback()
            flash(uploads.ALREADY_IMPORTED, "error")
            return see_other(back)
        try:
            summary = importer.apply(
                current_user, school, plan, valid_only=mode == "valid", upload=upload
            )
            upload.note = str(summary)
            db.session.commit()
        except ImportBlocked as blocked:
            db.session.rollback()
            flash(str(blocked), "error")
            return see_other(back)
        except IntegrityError:
            db.session.rollback()
            flash(CHANGED_MEANWHILE, "error")
            return see_other(back)
        flash(f"Import done: {summary}.", "success")
        return see_other(url_for(pages.done[0]))

    @required
    def reread(upload_id: int):
        upload = uploads.upload_or_404(current_user, importer.purpose, upload_id)
        if not ConfirmForm().validate_on_submit():
            abort(400)
        back = url_for(endpoints["preview"], upload_id=upload.id)
        if upload.applied_at is not None:
            flash(uploads.ALREADY_IMPORTED, "error")
            return see_other(back)
        try:
            uploads.reread(upload, request.form.get("encoding", ""))
        except ImportFileError as error:
            db.session.rollback()
            flash(str(error), "error")
            return see_other(back)
        db.session.commit()
        return see_other(back)

    for rule in upload_rules:
        bp.add_url_rule(rule, names["upload"], upload, methods=["GET", "POST"])
    bp.add_url_rule(preview_rule, names["preview"], preview, methods=["GET"])
    bp.add_url_rule(preview_rule, names["confirm"], confirm, methods=["POST"])
    bp.add_url_rule(f"{preview_rule}/encoding", names["reread"], reread, methods=["POST"])
    _TOO_LARGE_PAGES[endpoints["upload"]] = too_large_page
    bp.register_error_handler(RequestEntityTooLarge, _too_large)


def _chosen_school(form) -> int | None:
    """The school an upload is for: the uploader's own, or the one an account of no school
    chose (None while none is chosen: the form says so)."""
    if current_user.school_id is not None:
        return own_school(current_user).id
    if not form.school.data:
        form.school.errors = [*form.school.errors, "Choose the school the file is for"]
        return None
    return form.school.data


def _school_of(upload: Upload) -> School:
    """The school an upload is for (its uploader chose it, or it is their own)."""
    return db.session.get(School, upload.school_id)


def _too_large(error: RequestEntityTooLarge):
    """A file over the limit gets its upload page back with the message; any other request
    of the blueprint gets the app's own page for the error."""
    page = _TOO_LARGE_PAGES.get(request.endpoint or "")
    if page is not None:
        return page()
    return error_page(error.code)
