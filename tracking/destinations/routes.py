"""Destinations pages: the HECoS subject search (a page, and the options the subject fields
offer as one types, with htmx), the maths-related list (admins), and the destinations import
(the shell's upload, preview and confirm pages, mounted for `DESTINATIONS`)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.extensions import db
from app.imports.views import ImportPages, mount
from app.permissions import permission_required
from app.web import number_arg, render, see_other, text_arg, wants_fragment
from tracking.destinations import hecos, related
from tracking.destinations.importer import DESTINATIONS
from tracking.destinations.models import MathsRelatedSubject

bp = Blueprint("destinations", __name__, url_prefix="/destinations", template_folder="templates")
SEARCH_LIMIT = 30


class RelatedForm(FlaskForm):
    code = StringField(
        "CAH or HECoS code", validators=[DataRequired("Enter a code"), Length(max=20)]
    )
    reason = TextAreaField(
        "Why it is maths-related", validators=[DataRequired("Give the reason"), Length(max=2000)]
    )


class EntryForm(FlaskForm):
    entry = HiddenField()


def _query() -> str:
    """What was typed: `q`, or the value of the subject field that asked (htmx sends the
    field's own name)."""
    typed = request.args.get("q")
    if typed is None:
        typed = next((v for k, v in request.args.items() if k.endswith("hecos")), "")
        typed = typed or next((v for k, v in request.args.items() if "hecos" in k), "")
    return text_arg(typed, 120)


@bp.get("/subjects")
@permission_required("grades.enter")
def subjects():
    q = _query()
    matches = hecos.search(q, SEARCH_LIMIT) if q else []
    context = {"q": q, "matches": matches, "cah_names": hecos.cah_names(), "source": hecos.SOURCE}
    if wants_fragment():
        return render("destinations/subjects.html", "options", **context)
    return render("destinations/subjects.html", **context)


def _related_page(form: RelatedForm, status: int = 200):
    page = render(
        "destinations/maths_related.html",
        entries=related.entries(),
        form=form,
        action_form=EntryForm(),
        shipped=hecos.default_rows(),
    )
    return page, status


@bp.get("/maths-related")
@permission_required("subjects.manage")
def maths_related():
    return _related_page(RelatedForm(formdata=None))


@bp.post("/maths-related")
@permission_required("subjects.manage")
def add_maths_related():
    form = RelatedForm()
    if form.validate_on_submit():
        try:
            entry = related.add(current_user, form.code.data, form.reason.data)
        except related.RelatedError as error:
            db.session.rollback()
            form.code.errors = [*form.code.errors, str(error)]
        else:
            db.session.commit()
            flash(f"Added {entry.description} to the maths-related list.", "success")
            return see_other(url_for("destinations.maths_related"))
    return _related_page(form, 422)


@bp.post("/maths-related/remove")
@permission_required("subjects.manage")
def remove_maths_related():
    form = EntryForm()
    entry_id = number_arg(form.entry.data)
    if not form.validate_on_submit() or entry_id is None:
        abort(400)
    entry = db.session.scalar(select(MathsRelatedSubject).where(MathsRelatedSubject.id == entry_id))
    if entry is None:
        flash("That entry is no longer on the list.", "error")
    else:
        description = entry.description
        related.remove(current_user, entry)
        db.session.commit()
        flash(f"Removed {description} from the maths-related list.", "success")
    return see_other(url_for("destinations.maths_related"))


@bp.post("/maths-related/restore")
@permission_required("subjects.manage")
def restore_maths_related():
    if not EntryForm().validate_on_submit():
        abort(400)
    added = related.restore_defaults(current_user)
    db.session.commit()
    flash(f"Restored {added} shipped entr{'y' if added == 1 else 'ies'} to the list.", "success")
    return see_other(url_for("destinations.maths_related"))


PAGES = ImportPages(
    title="Import destinations",
    heading="Import destinations",
    intro=(
        "Upload a CSV or XLSX file with one destination per row and the column names in the "
        "first row. You will see every problem and every destination it adds before anything "
        "is saved: nothing is saved while any row has a problem, unless you choose to import "
        "only the valid rows. A row that repeats a student's current destination is skipped."
    ),
    file_label="Destinations file (CSV or XLSX)",
    upload_hint=(
        "Required columns: UPN, Type and Status. Optional: HECoS (or Subject), Provider, Date "
        "and Known from. Up to 10 MB."
    ),
    values_template="destinations/_import_values.html",
    preview_title="Check the destinations import",
    rows_template="destinations/_import_rows.html",
    back=("destinations.subjects", "Back to the HECoS subjects"),
    done=("students.index", "Go to the students"),
)

mount(
    bp,
    DESTINATIONS,
    PAGES,
    action="grades.enter",
    upload_rules=("/import",),
    preview_rule="/import/<int:upload_id>",
    endpoint_prefix="import_",
)
