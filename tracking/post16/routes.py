"""The post-16 import's pages: the shell's upload, preview and confirm pages (app.imports),
mounted for `POST16` at /post16/import."""

from __future__ import annotations

from flask import Blueprint

from app.imports.views import ImportPages, mount
from tracking.post16.post16_import import route_names
from tracking.post16.services import POST16
from tracking.vocabulary import Post16Institution, Post16Status, choices

bp = Blueprint("post16", __name__, url_prefix="/post16", template_folder="templates")


@bp.context_processor
def _names() -> dict:
    return {
        "post16_routes": route_names(),
        "post16_statuses": [text for _value, text in choices(Post16Status)],
        "post16_institutions": dict(choices(Post16Institution)),
    }


PAGES = ImportPages(
    title="Import post-16 routes",
    heading="Import post-16 routes",
    intro=(
        "Upload a CSV or XLSX file with one post-16 record per row (a student's route, its "
        "status and where) and the column names in the first row. You will see every problem "
        "and every record it adds before anything is saved: nothing is saved while any row "
        "has a problem, unless you choose to import only the valid rows. A row that repeats "
        "a student's current record of the route is skipped."
    ),
    file_label="Post-16 file (CSV or XLSX)",
    upload_hint=(
        "Required columns: UPN, Route and Status. Optional: Institution, URN, UKPRN and Date. "
        "Up to 10 MB."
    ),
    values_template="post16/_import_values.html",
    preview_title="Check the post-16 import",
    rows_template="post16/_import_rows.html",
    back=("results.grid_index", "Back to results day"),
    done=("results.grid_index", "Go to results day"),
)

mount(
    bp,
    POST16,
    PAGES,
    action="grades.enter",
    upload_rules=("/import",),
    preview_rule="/import/<int:upload_id>",
    endpoint_prefix="import_",
)
