"""Results day: the grades grid (a group against one qualification and kind, saved cell by cell)
and the grades import (a CSV or XLSX file, checked whole, applied all or nothing; on the web and
as `flask grades import`).

Pure logic lives in tracking/grid.py and tracking/grades_import.py; the functions here read and
write the database (every grade through `tracking.services.record_grade`, so it is audited) and
never commit, except the views and the command, which commit once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import click
from flask import Blueprint, Flask, abort, flash, request, url_for
from flask.cli import AppGroup
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.access import group_or_404, groups_for, roles_required, student_or_404
from app.extensions import db
from app.imports import roster, uploads
from app.imports.forms import ConfirmForm
from app.imports.roster import RosterFileError, RowError
from app.models import Group, GroupMember, Role, School, Student, User
from app.web import render, see_other
from tracking import grades, grades_import, grid, services
from tracking.grades import GradeEntry, GradeError
from tracking.grades_import import GradeRow, GradesResult
from tracking.grid import GridChoice
from tracking.models import GradeRecord, Source

bp = Blueprint("results", __name__, url_prefix="/results")
grid_staff_required = roles_required(Role.ADMIN, Role.LEAD, Role.TEACHER)
import_staff_required = roles_required(Role.LEAD, Role.TEACHER)

GRADES_PURPOSE = "grades"
PROBLEMS_SHOWN = 500
SAMPLE_SIZE = 10
SAVED, UNCHANGED, INVALID = "saved", "unchanged", "invalid"


@bp.context_processor
def _labels() -> dict:
    return {
        "qualification_label": lambda key: grades.Qualification(key).label,
        "kind_label": lambda key: grades.GradeKind(key).label,
    }


# Services: the grid ------------------------------------------------------------------------


@dataclass
class GridCell:
    """One student's row of the grid: the current grade and what happened to the typed one."""

    student: Student
    current: GradeEntry | None
    value: str
    state: str | None = None  # SAVED, UNCHANGED, INVALID, or None when not sent
    message: str | None = None


def _entry(record) -> GradeEntry:
    return GradeEntry(
        record.qualification, record.kind, record.grade, record.tier, record.recorded_on, record.id
    )


def _current_grades(student_ids, qualification: str, kind: str) -> dict[int, GradeEntry]:
    """Return student id -> current record of one qualification and kind, in one query.

    `student_ids` may be a subquery (one group's members) or a list.
    """
    rows = db.session.execute(
        select(
            GradeRecord.student_id,
            GradeRecord.qualification,
            GradeRecord.kind,
            GradeRecord.grade,
            GradeRecord.tier,
            GradeRecord.recorded_on,
            GradeRecord.id,
        ).where(
            GradeRecord.student_id.in_(student_ids),
            GradeRecord.qualification == qualification,
            GradeRecord.kind == kind,
        )
    )
    by_student: dict[int, list[GradeEntry]] = {}
    for row in rows:
        by_student.setdefault(row.student_id, []).append(_entry(row))
    return {sid: grades.current(entries, kind) for sid, entries in by_student.items()}


def grid_cells(group: Group, choice: GridChoice) -> list[GridCell]:
    """Return a cell per student of `group` (by surname), with the current grade of the
    choice's qualification and kind. Two queries, whatever the size of the group."""
    members = select(GroupMember.student_id).where(GroupMember.group_id == group.id)
    students = db.session.scalars(
        select(Student)
        .where(Student.id.in_(members))
        .order_by(Student.last_name, Student.first_name, Student.id)
    ).all()
    current = _current_grades(members, choice.qualification, choice.kind)
    return [
        GridCell(s, current.get(s.id), current[s.id].grade if s.id in current else "")
        for s in students
    ]


def save_cell(actor: User, cell: GridCell, typed: str | None, choice: GridChoice) -> GridCell:
    """Save the grade typed into `cell` for `choice` and return the cell with its state.

    An empty cell changes nothing (a grade is never deleted from the grid). A grade that
    repeats the current record (same grade, tier and date) is UNCHANGED and adds no row. A
    grade off its scale is INVALID with GradeError's message, and nothing is added; otherwise
    it is SAVED as a new record through `record_grade` (flushed and audited, not committed).
    """
    text = grid.normalise_typed(typed)
    cell.value = (typed or "").strip()
    if not text:
        cell.state = None
        return cell
    try:
        grade = grades.validate_grade(choice.qualification, text, choice.tier, choice.kind)
    except GradeError as error:
        cell.state, cell.message = INVALID, str(error)
        return cell
    cell.value = grade
    if grid.is_unchanged(cell.current, grade, choice):
        cell.state = UNCHANGED
        return cell
    record = services.record_grade(
        actor,
        cell.student,
        choice.qualification,
        choice.kind,
        grade,
        choice.tier,
        choice.recorded_on,
        source=Source.ENTERED,
        term=choice.term,
    )
    cell.current, cell.state = _entry(record), SAVED
    return cell


# Services: the import ----------------------------------------------------------------------


class ImportBlocked(ValueError):
    """Raised by `apply_grades` when the file has problems: nothing is written then."""


@dataclass
class GradesPlan:
    """What importing a file of grades would do: the checked file, the grades it adds and the
    rows that only repeat a student's current grade (skipped)."""

    result: GradesResult
    new: list[GradeRow] = field(default_factory=list)
    unchanged: list[GradeRow] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)

    @property
    def errors(self) -> list[RowError]:
        return self.result.errors

    @property
    def can_import(self) -> bool:
        return not self.errors and bool(self.new)

    def summary(self) -> str:
        """E.g. "12 grades added, 2 unchanged"."""
        added = len(self.new)
        text = f"{added} grade{'' if added == 1 else 's'} added"
        if self.unchanged:
            text += f", {len(self.unchanged)} unchanged (already recorded)"
        return text


def preview_grades(
    school: School, content: bytes, filename: str, today: date | None = None
) -> GradesPlan:
    """Read and check a grades file for `school` and work out what it would add.

    Only the school's own students are looked up, so a UPN of another school reads as unknown.
    Raises RosterFileError when the file cannot be read as a table.
    """
    table = roster.read_table(content, filename)
    today = today or date.today()
    upns = sorted(roster.file_upns(table))
    students: dict[str, int] = {}
    for chunk in uploads.in_chunks(upns):
        rows = db.session.execute(
            select(Student.upn, Student.id).where(
                Student.school_id == school.id, Student.upn.in_(chunk)
            )
        )
        students.update({upn: sid for upn, sid in rows})
    result = grades_import.validate(table, students, today)
    plan = GradesPlan(result)
    if result.errors:
        return plan
    current: dict[tuple[int, str, str], GradeEntry] = {}
    pairs = {(r.qualification, r.kind) for r in result.records}
    ids = sorted({r.student_id for r in result.records})
    for qualification, kind in pairs:
        for chunk in uploads.in_chunks(ids):
            for sid, entry in _current_grades(chunk, qualification, kind).items():
                current[(sid, qualification, kind)] = entry
    for record in result.records:
        choice = GridChoice(record.qualification, record.kind, record.tier, record.recorded_on)
        entry = current.get((record.student_id, record.qualification, record.kind))
        if grid.is_unchanged(entry, record.grade, choice):
            plan.unchanged.append(record)
        else:
            plan.new.append(record)
    return plan


def apply_grades(actor: User | None, plan: GradesPlan) -> int:
    """Add every new grade of `plan` through `record_grade` (source "imported", audited) and
    return how many. Raises ImportBlocked, writing nothing, if the plan has any problem."""
    if plan.errors:
        raise ImportBlocked("Nothing was imported: the file has problems.")
    ids = sorted({r.student_id for r in plan.new})
    students: dict[int, Student] = {}
    for chunk in uploads.in_chunks(ids):
        students.update(
            {s.id: s for s in db.session.scalars(select(Student).where(Student.id.in_(chunk)))}
        )
    for record in plan.new:
        services.record_grade(
            actor,
            students[record.student_id],
            record.qualification,
            record.kind,
            record.grade,
            record.tier,
            record.recorded_on,
            source=Source.IMPORTED,
        )
    return len(plan.new)


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
    }


def _index_page(values, errors: dict, status: int = 200):
    groups = db.session.scalars(
        groups_for(current_user).options(joinedload(Group.school)).order_by(Group.name)
    ).all()
    return (
        render(
            "tracking/results/index.html",
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
        "tracking/results/grid.html",
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
    group_id = request.args.get("group", "")
    if group_id.isdigit():
        group = group_or_404(current_user, int(group_id))
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
    student_id = request.form.get("student", "")
    if not student_id.isdigit():
        abort(400)
    student = student_or_404(current_user, int(student_id))
    choice = _choice_or_400(request.form)
    current = _current_grades([student.id], choice.qualification, choice.kind).get(student.id)
    cell = GridCell(student, current, current.grade if current else "")
    save_cell(current_user, cell, request.form.get(f"grade-{student.id}"), choice)
    db.session.commit()
    return render("tracking/results/grid.html", "cell", cell=cell, choice=choice)


@bp.post("/grid")
@grid_staff_required
def save_grid():
    """Save every changed cell of the grid (the page without JavaScript): valid cells are
    saved, cells with a problem are shown again with their message."""
    group_id = request.form.get("group", "")
    if not group_id.isdigit():
        abort(400)
    group = group_or_404(current_user, int(group_id))
    choice = _choice_or_400(request.form)
    cells = grid_cells(group, choice)
    saved = problems = 0
    for cell in cells:
        typed = request.form.get(f"grade-{cell.student.id}")
        was = request.form.get(f"was-{cell.student.id}", cell.value)
        if typed is None or grid.normalise_typed(typed) == grid.normalise_typed(was):
            continue  # untouched since the page was shown
        save_cell(current_user, cell, typed, choice)
        saved += cell.state == SAVED
        problems += cell.state == INVALID
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


# Views: the import -------------------------------------------------------------------------


class GradesUploadForm(FlaskForm):
    grades = FileField(
        "Grades file (CSV or XLSX)", validators=[FileRequired("Choose a CSV or XLSX file")]
    )


def _school() -> School:
    if current_user.school_id is None:
        abort(403)
    return current_user.school


@bp.route("/import", methods=["GET", "POST"])
@import_staff_required
def import_upload():
    _school()
    form = GradesUploadForm()
    if form.validate_on_submit():
        file = form.grades.data
        content = file.read()
        try:
            roster.read_table(content, file.filename or "")
        except RosterFileError as error:
            form.grades.errors.append(str(error))
        else:
            stored = uploads.store_upload(
                current_user, GRADES_PURPOSE, file.filename or "", content
            )
            db.session.commit()
            return see_other(url_for("results.import_preview", upload_id=stored.id))
    return render(
        "tracking/results/import.html",
        form=form,
        columns=grades_import.recognised_headers(),
        qualifications=[q.label for q in grades.Qualification],
    )


@bp.get("/import/<int:upload_id>")
@import_staff_required
def import_preview(upload_id: int):
    school = _school()
    upload = uploads.upload_or_404(current_user, GRADES_PURPOSE, upload_id)
    plan, file_error = uploads.preview(
        upload, lambda content, name: preview_grades(school, content, name)
    )
    return render(
        "tracking/results/preview.html",
        upload=upload,
        plan=plan,
        file_error=file_error,
        form=ConfirmForm(),
        problems_shown=PROBLEMS_SHOWN,
        sample_size=SAMPLE_SIZE,
    )


@bp.post("/import/<int:upload_id>")
@import_staff_required
def import_confirm(upload_id: int):
    school = _school()
    upload = uploads.upload_or_404(current_user, GRADES_PURPOSE, upload_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    back = url_for("results.import_preview", upload_id=upload.id)
    if upload.applied_at is not None:
        flash(uploads.ALREADY_IMPORTED, "error")
        return see_other(back)
    try:
        plan = preview_grades(school, upload.content, upload.filename)
    except RosterFileError as error:
        flash(str(error), "error")
        return see_other(url_for("results.import_upload"))
    if plan.errors:
        flash("Nothing was imported: the file has problems. Fix them and upload it again.", "error")
        return see_other(back)
    # Claim the upload first: of two confirmations sent at once, only one applies it.
    if not uploads.claim(upload):
        db.session.rollback()
        flash(uploads.ALREADY_IMPORTED, "error")
        return see_other(back)
    apply_grades(current_user, plan)
    upload.note = plan.summary()
    db.session.commit()
    flash(f"Import done: {plan.summary()}.", "success")
    return see_other(url_for("results.grid_index"))


# Command line ------------------------------------------------------------------------------

grades_cli = AppGroup("grades", help="Grades: import a file of grades.")

IMPORT_HELP = """Import grades from a CSV or XLSX file with the columns UPN, Qualification,
Kind, Grade, Tier and Date (Tier and Date optional; an empty date is today).

Every row is checked first and nothing is written if any row has a problem. Problems are
printed to standard error, one a line, as `row N, column C: message` (row 1 is the header);
the summary to standard output. A row that repeats a student's current grade (same grade,
tier and date) is skipped, so importing a file twice adds nothing the second time.

\b
Exit status:
  0  imported (or, with --dry-run, would import) without problems.
  1  problems found and nothing written; or the file could not be read.
"""


@grades_cli.command("import", help=IMPORT_HELP)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@click.option("--school", "urn", required=True, help="The school's URN.")
@click.option("--dry-run", is_flag=True, help="Check the file and print what would happen.")
def import_command(file: Path, urn: str, dry_run: bool) -> None:
    school = db.session.scalar(select(School).where(School.urn == urn.strip()))
    if school is None:
        raise click.ClickException(f"No school has URN {urn}")
    try:
        plan = preview_grades(school, file.read_bytes(), file.name)
    except RosterFileError as error:
        raise click.ClickException(str(error)) from error
    if plan.result.ignored_columns:
        click.echo("Ignored columns: " + ", ".join(plan.result.ignored_columns))
    if plan.errors:
        for error in plan.errors:
            click.echo(str(error), err=True)
        count = len(plan.errors)
        click.echo(
            f"Nothing was imported: {count} problem{'' if count == 1 else 's'}. "
            "Fix the file and run the command again.",
            err=True,
        )
        raise SystemExit(1)
    if not plan.result.records:
        raise click.ClickException("The file has no grade rows.")
    if dry_run:
        click.echo(f"Dry run, nothing was written. Would import: {plan.summary()}")
        return
    apply_grades(None, plan)
    db.session.commit()
    click.echo(plan.summary())


def init_app(app: Flask) -> None:
    """Register the grid and import pages and the `flask grades` commands."""
    app.register_blueprint(bp)
    app.cli.add_command(grades_cli)
