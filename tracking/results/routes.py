"""Results-day pages: the grid (saved cell by cell with htmx, or whole without JavaScript) and
the grades import (the shell's upload, preview and confirm pages, mounted for `GRADES`)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.access import get_or_404, scoped
from app.extensions import db
from app.imports.views import ImportPages, mount
from app.models import Group, Student
from app.permissions import permission_required
from app.web import number_arg, render, see_other
from tracking import grades
from tracking.exam_series import recent_series, series_label
from tracking.results import grid
from tracking.results.grid import GridChoice
from tracking.results.services import (
    CONFLICT,
    GRADES,
    INVALID,
    SAVED,
    GridCell,
    current_grades,
    grid_cells,
    save_cell,
)

bp = Blueprint(
    "results",
    __name__,
    url_prefix="/results",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
grid_staff_required = permission_required("grades.enter")


@bp.context_processor
def _labels() -> dict:
    return {
        "qualification_label": lambda key: grades.Qualification(key).label,
        "kind_label": lambda key: grades.GradeKind(key).label,
        "qualification_labels": [q.label for q in grades.Qualification],
        "shown_token": grid.shown_token,
        "series_label": series_label,
    }


# Views: the grid ---------------------------------------------------------------------------


def _choice_or_400(values) -> GridChoice:
    choice, _errors = grid.parse_choice(values, date.today())
    if choice is None:
        abort(400)
    return choice


def _grid_options() -> dict:
    return {
        "qualifications": [(q.value, q.label) for q in grades.Qualification],
        "kinds": [(k.value, k.label) for k in grades.GradeKind],
        "tiers": [("", "No tier"), *((t.value, t.label) for t in grades.Tier)],
        "series_options": [("", "No series (not a final grade)"), *recent_series(date.today())],
    }


def _index_page(values, errors: dict, status: int = 200):
    groups = db.session.scalars(
        scoped(current_user, Group).options(joinedload(Group.school)).order_by(Group.name)
    ).all()
    return (
        render(
            "results/index.html",
            groups=groups,
            values=values,
            errors=errors,
            today=date.today(),
            **_grid_options(),
        ),
        status,
    )


def _grid_page(group: Group, choice: GridChoice, cells: list[GridCell], problems: int = 0):
    return render(
        "results/grid.html",
        group=group,
        choice=choice,
        cells=cells,
        problems=problems,
        params=choice.params(),
    )


@bp.get("")
@grid_staff_required
def grid_index():
    return _index_page(request.args, {})


@bp.get("/grid")
@grid_staff_required
def grid_page():
    errors: dict[str, str] = {}
    group = None
    group_id = number_arg(request.args.get("group"))
    if group_id is not None:
        group = get_or_404(current_user, Group, group_id)
    else:
        errors["group"] = "Choose a group"
    choice, choice_errors = grid.parse_choice(request.args, date.today())
    errors.update(choice_errors)
    if errors:
        return _index_page(request.args, errors, 400)
    return _grid_page(group, choice, grid_cells(group, choice))


@bp.post("/cell")
@grid_staff_required
def save_grid_cell():
    student_id = number_arg(request.form.get("student"))
    if student_id is None:
        abort(400)
    student = get_or_404(current_user, Student, student_id)
    choice = _choice_or_400(request.form)
    current = current_grades([student.id], choice.qualification, choice.kind).get(student.id)
    cell = GridCell(student, current, current.grade if current else "")
    typed, shown = request.form.get(f"grade-{student.id}"), request.form.get(f"seen-{student.id}")
    save_cell(current_user, cell, typed, choice, shown)
    db.session.commit()
    return render("results/grid.html", "cell", cell=cell, choice=choice)


@bp.post("/grid")
@grid_staff_required
def save_grid():
    """Save every changed cell of the grid (the page without JavaScript): valid cells are
    saved, cells with a problem are shown again with their message."""
    group_id = number_arg(request.form.get("group"))
    if group_id is None:
        abort(400)
    group = get_or_404(current_user, Group, group_id)
    choice = _choice_or_400(request.form)
    cells = grid_cells(group, choice)
    saved = problems = 0
    for cell in cells:
        typed = request.form.get(f"grade-{cell.student.id}")
        was = request.form.get(f"was-{cell.student.id}", cell.value)
        if typed is None or grid.normalise_typed(typed) == grid.normalise_typed(was):
            continue  # untouched since the page was shown
        save_cell(current_user, cell, typed, choice, request.form.get(f"seen-{cell.student.id}"))
        saved += cell.state == SAVED
        problems += cell.state in (INVALID, CONFLICT)
    db.session.commit()
    count = f"{saved} grade{'' if saved == 1 else 's'} saved"
    if problems:
        flash(
            f"{count}. {problems} grade{' has' if problems == 1 else 's have'} a problem and "
            f"{'was' if problems == 1 else 'were'} not saved: see the cells marked below.",
            "error",
        )
        return _grid_page(group, choice, cells, problems), 200
    flash(f"{count}.", "success")
    return see_other(url_for("results.grid_page", group=group.id, **choice.params()))


# Views: the import (the shell's import pages, mounted for the grades importer) -------------

PAGES = ImportPages(
    title="Import grades",
    heading="Import grades",
    intro=(
        "Upload a CSV or XLSX file with one grade per row and the column names in the first "
        "row. You will see every problem and every grade it adds before anything is saved: "
        "nothing is saved while any row has a problem, unless you choose to import only the "
        "valid rows. A row that repeats a student's current grade (same grade, tier, date and "
        "series) is skipped."
    ),
    file_label="Grades file (CSV or XLSX)",
    upload_hint=(
        "Required columns: UPN, Qualification, Kind and Grade. Optional: Tier, Date and "
        "Series (of a final grade, such as June 2026). Up to 10 MB."
    ),
    values_template="results/_import_values.html",
    preview_title="Check the grades import",
    rows_template="results/_import_rows.html",
    back=("results.grid_index", "Back to results day"),
    done=("results.grid_index", "Go to results day"),
)

mount(
    bp,
    GRADES,
    PAGES,
    action="grades.enter",
    upload_rules=("/import",),
    preview_rule="/import/<int:upload_id>",
    endpoint_prefix="import_",
)
